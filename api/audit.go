package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/go-chi/chi/v5"
	"github.com/jackc/pgx/v5"

	"github.com/voc-project/voc/store"
)

// auditNote lets a handler name its change better than the route does.
type auditNote struct {
	action  string
	target  string
	details map[string]any
	// entry builds the entry for a status (set by the middleware).
	entry func(status int) store.AuditEntry
	// recorded says a handler wrote the entry in its own transaction.
	recorded bool
}

type auditKey struct{}

// auditAs names the change a handler made (action such as "user.create",
// a target such as "user 3", and details without secrets); the audit
// middleware records it once the handler answers with success.
func auditAs(ctx context.Context, action, target string, details map[string]any) {
	if n, ok := ctx.Value(auditKey{}).(*auditNote); ok {
		n.action, n.target = action, target
		for k, v := range details {
			if n.details == nil {
				n.details = map[string]any{}
			}
			n.details[k] = v
		}
	}
}

// auditDetail adds one detail (such as a created id) to the entry.
func auditDetail(ctx context.Context, key string, value any) {
	if n, ok := ctx.Value(auditKey{}).(*auditNote); ok {
		if n.details == nil {
			n.details = map[string]any{}
		}
		n.details[key] = value
	}
}

// auditInTx writes the request's audit entry, for status, in the
// handler's transaction, so the change and its entry commit together and
// the request does not wait for a second commit. Call auditRecorded once
// the transaction has committed, or the middleware writes the entry again.
func auditInTx(ctx context.Context, tx pgx.Tx, status int) error {
	n, ok := ctx.Value(auditKey{}).(*auditNote)
	if !ok || n.entry == nil {
		return nil
	}
	return store.AuditRecord(ctx, tx, n.entry(status))
}

// auditRecorded tells the middleware that auditInTx's entry committed.
func auditRecorded(ctx context.Context) {
	if n, ok := ctx.Value(auditKey{}).(*auditNote); ok {
		n.recorded = true
	}
}

// audit records every successful mutation (any method but GET, HEAD and
// OPTIONS) in the audit log: who, which route with which path parameters,
// and what the handler noted. The entry is written before the status line
// goes out, so a client that saw the answer finds the entry.
func (s *server) audit(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet || r.Method == http.MethodHead || r.Method == http.MethodOptions {
			next.ServeHTTP(w, r)
			return
		}
		note := &auditNote{}
		r = r.WithContext(context.WithValue(r.Context(), auditKey{}, note))
		note.entry = func(status int) store.AuditEntry {
			ri := infoFrom(r.Context())
			rc := chi.RouteContext(r.Context())
			e := store.AuditEntry{Actor: "anonymous", Action: r.Method + " " + rc.RoutePattern(), Method: r.Method,
				Path: r.URL.Path, Status: status, Target: note.target, Details: note.details, ClientAddr: ri.clientAddr}
			if note.action != "" {
				e.Action = note.action
			}
			if e.Details == nil {
				e.Details = map[string]any{}
			}
			for i, k := range rc.URLParams.Keys {
				if k != "*" {
					e.Details[k] = rc.URLParams.Values[i]
				}
			}
			if ri.identity != nil {
				e.UserID, e.TokenID, e.Actor = ri.identity.UserID, ri.identity.TokenID, ri.identity.Label()
			}
			return e
		}
		aw := &auditWriter{ResponseWriter: w}
		aw.record = func(status int) {
			if status >= 400 || status < 200 || note.recorded {
				return
			}
			e := note.entry(status)
			if err := store.AuditRecord(context.WithoutCancel(r.Context()), s.Pool, e); err != nil {
				s.Log.ErrorContext(r.Context(), "audit log", "action", e.Action, "error", err)
			}
		}
		next.ServeHTTP(aw, r)
		aw.flushStatus()
	})
}

// auditWriter calls record with the status before the status line is
// written.
type auditWriter struct {
	http.ResponseWriter
	record func(status int)
	done   bool
}

func (a *auditWriter) WriteHeader(code int) {
	if !a.done && code >= 200 {
		a.done = true
		a.record(code)
	}
	a.ResponseWriter.WriteHeader(code)
}

func (a *auditWriter) Write(b []byte) (int, error) {
	if !a.done {
		a.WriteHeader(http.StatusOK)
	}
	return a.ResponseWriter.Write(b)
}

// flushStatus records a handler that wrote nothing (an implicit 200).
func (a *auditWriter) flushStatus() {
	if !a.done {
		a.done = true
		a.record(http.StatusOK)
	}
}

// Flush passes streaming through.
func (a *auditWriter) Flush() {
	if !a.done {
		a.WriteHeader(http.StatusOK)
	}
	if f, ok := a.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap lets http.ResponseController reach the real writer.
func (a *auditWriter) Unwrap() http.ResponseWriter { return a.ResponseWriter }

type auditListInput struct {
	Before int64  `query:"before" minimum:"0" doc:"only entries with a smaller id (the last id of the previous page)"`
	Action string `query:"action" maxLength:"200" doc:"only this action, e.g. user.create"`
	UserID int64  `query:"user_id" minimum:"0" doc:"only changes by this user"`
	Limit  int    `query:"limit" default:"100" minimum:"1" maximum:"1000"`
}

type auditListOutput struct {
	Body struct {
		Items []store.AuditEntry `json:"items"`
	}
}

func (s *server) registerAuditRoutes(api huma.API) {
	huma.Register(api, huma.Operation{
		OperationID: "list-audit",
		Method:      http.MethodGet,
		Path:        "/api/v1/audit",
		Summary:     "The audit log, newest first: who changed what (admins)",
		Description: "Every successful mutation is recorded: uploads, pushes, analyses and reruns, model edits, review curation, " +
			"comparisons, users, tokens, sign-ins and sign-outs, and River UI actions. Page with `before`.",
		Tags:   []string{"accounts"},
		Errors: []int{401, 403, 422},
	}, func(ctx context.Context, in *auditListInput) (*auditListOutput, error) {
		items, err := store.AuditList(ctx, s.Pool, store.AuditFilter{BeforeID: in.Before, Action: in.Action, UserID: in.UserID, Limit: in.Limit})
		if err != nil {
			return nil, s.storeError(ctx, "audit log", err)
		}
		out := &auditListOutput{}
		out.Body.Items = items
		return out, nil
	})
}
