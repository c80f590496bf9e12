package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/go-chi/chi/v5"

	"github.com/voc-project/voc/report"
	"github.com/voc-project/voc/store"
)

// ShareLink is a report's share link. URL is only in the answer that
// creates it: the token is stored hashed and cannot be shown again.
type ShareLink struct {
	ID           int64      `json:"id"`
	ReportID     int64      `json:"report_id"`
	URL          string     `json:"url,omitempty" doc:"the public link; only returned when the link is created"`
	ExpiresAt    time.Time  `json:"expires_at"`
	Expired      bool       `json:"expired"`
	Views        int64      `json:"views"`
	LastViewedAt *time.Time `json:"last_viewed_at,omitempty"`
	CreatedAt    time.Time  `json:"created_at"`
}

type createShareInput struct {
	serverBase
	ID   int64 `path:"id" minimum:"1" doc:"report id"`
	Body struct {
		ExpiresInHours int `json:"expires_in_hours" minimum:"1" maximum:"8760" doc:"hours until the link stops working (at most a year)"`
	}
}

type createShareOutput struct {
	Status int
	Body   ShareLink
}

type shareListOutput struct {
	Body struct {
		Items []ShareLink `json:"items"`
	}
}

type shareIDInput struct {
	ID int64 `path:"id" minimum:"1"`
}

func shareLink(sh store.Share, now time.Time) ShareLink {
	return ShareLink{ID: sh.ID, ReportID: sh.ReportID, ExpiresAt: sh.ExpiresAt, Expired: !now.Before(sh.ExpiresAt),
		Views: sh.Views, LastViewedAt: sh.LastViewedAt, CreatedAt: sh.CreatedAt}
}

// sharePath is where a share link's public page lives.
const sharePath = "/share/"

func (s *server) registerShareRoutes(api huma.API) {
	huma.Register(api, huma.Operation{
		OperationID:   "create-share",
		Method:        http.MethodPost,
		Path:          "/api/v1/reports/{id}/shares",
		Summary:       "Share a report by link",
		Description:   "Returns a public URL that opens the report, read-only, without an account, until it expires or is revoked. The token in it carries 256 random bits and is stored hashed: this answer is the only place it appears.",
		Tags:          []string{"reports"},
		DefaultStatus: http.StatusCreated,
		Errors:        []int{401, 404, 409, 422},
	}, func(ctx context.Context, in *createShareInput) (*createShareOutput, error) {
		if _, err := s.readyReport(ctx, in.ID); err != nil {
			return nil, err
		}
		token := store.NewShareToken()
		sh, err := store.ShareCreate(ctx, s.Pool, in.ID, token, time.Now().Add(time.Duration(in.Body.ExpiresInHours)*time.Hour))
		if err != nil {
			return nil, s.storeError(ctx, "share", err)
		}
		out := shareLink(sh, time.Now())
		out.URL = in.base + sharePath + token
		return &createShareOutput{Status: http.StatusCreated, Body: out}, nil
	})
	huma.Register(api, huma.Operation{
		OperationID: "list-shares",
		Method:      http.MethodGet,
		Path:        "/api/v1/reports/{id}/shares",
		Summary:     "A report's share links with their view counts, newest first",
		Tags:        []string{"reports"},
		Errors:      []int{401, 404},
	}, func(ctx context.Context, in *reportIDInput) (*shareListOutput, error) {
		if _, err := store.ReportGet(ctx, s.Pool, in.ID); err != nil {
			return nil, s.storeError(ctx, "report", err)
		}
		shs, err := store.ShareList(ctx, s.Pool, in.ID)
		if err != nil {
			return nil, s.storeError(ctx, "shares", err)
		}
		out := &shareListOutput{}
		out.Body.Items = make([]ShareLink, len(shs))
		now := time.Now()
		for i, sh := range shs {
			out.Body.Items[i] = shareLink(sh, now)
		}
		return out, nil
	})
	huma.Register(api, huma.Operation{
		OperationID:   "delete-share",
		Method:        http.MethodDelete,
		Path:          "/api/v1/shares/{id}",
		Summary:       "Revoke a share link",
		Description:   "The link stops working at once: its URL answers 404, like a link that never existed.",
		Tags:          []string{"reports"},
		DefaultStatus: http.StatusNoContent,
		Errors:        []int{401, 404},
	}, func(ctx context.Context, in *shareIDInput) (*struct{}, error) {
		if err := store.ShareDelete(ctx, s.Pool, in.ID); err != nil {
			return nil, s.storeError(ctx, "share", err)
		}
		return nil, nil
	})
}

// sharedReport serves a share link's public page: the one report, as
// read-only HTML, with no links into the rest of voc. An unknown or revoked
// token is 404 and an expired one 410; neither says anything about the
// report.
func (s *server) sharedReport(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Robots-Tag", "noindex, nofollow")
	sh, err := store.ShareByToken(ctx, s.Pool, chi.URLParam(r, "token"))
	if errors.Is(err, store.ErrNotFound) {
		writeProblem(w, http.StatusNotFound, "this share link does not exist or was revoked")
		return
	}
	if err != nil {
		s.Log.ErrorContext(ctx, "internal error", "what", "share link", "error", err)
		writeProblem(w, http.StatusInternalServerError, "internal error")
		return
	}
	if !time.Now().Before(sh.ExpiresAt) {
		writeProblem(w, http.StatusGone, "this share link has expired; ask the sender for a new one")
		return
	}
	d, err := report.Load(ctx, s.Pool, sh.ReportID)
	var page []byte
	if err == nil {
		page, err = report.SharedHTML(d)
	}
	if err == nil {
		err = store.ShareCountView(ctx, s.Pool, sh.ID)
	}
	if err != nil {
		s.Log.ErrorContext(ctx, "internal error", "what", fmt.Sprintf("share %d", sh.ID), "error", err)
		writeProblem(w, http.StatusInternalServerError, "internal error")
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", reportCSP)
	_, _ = w.Write(page)
}
