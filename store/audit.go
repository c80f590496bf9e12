package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/voc-project/voc/store/internal/dbsqlc"
)

// AuditEntry is one change: who, what, when, from where.
type AuditEntry struct {
	ID         int64          `json:"id"`
	At         time.Time      `json:"at"`
	UserID     *int64         `json:"user_id,omitempty"`
	TokenID    *int64         `json:"token_id,omitempty"`
	Actor      string         `json:"actor"`
	Action     string         `json:"action" doc:"what was done, e.g. user.create or POST /api/v1/uploads"`
	Method     string         `json:"method,omitempty"`
	Path       string         `json:"path,omitempty"`
	Status     int            `json:"status,omitempty"`
	Target     string         `json:"target,omitempty"`
	Details    map[string]any `json:"details"`
	ClientAddr string         `json:"client_addr,omitempty"`
}

// AuditRecord stores an entry (its ID and At are set by the database).
func AuditRecord(ctx context.Context, db DBTX, e AuditEntry) error {
	if e.Details == nil {
		e.Details = map[string]any{}
	}
	details, err := json.Marshal(e.Details)
	if err != nil {
		return fmt.Errorf("encode audit details: %w", err)
	}
	err = q(db).AuditInsert(ctx, dbsqlc.AuditInsertParams{UserID: e.UserID, TokenID: e.TokenID, Actor: e.Actor, Action: e.Action,
		Method: e.Method, Path: e.Path, Status: int32(e.Status), Target: e.Target, Details: details, ClientAddr: e.ClientAddr})
	if err != nil {
		return fmt.Errorf("insert audit entry %s: %w", e.Action, err)
	}
	return nil
}

// AuditFilter selects audit entries; zero fields do not filter.
type AuditFilter struct {
	BeforeID int64
	Action   string
	UserID   int64
	Limit    int
}

// AuditList returns entries, newest first.
func AuditList(ctx context.Context, db DBTX, f AuditFilter) ([]AuditEntry, error) {
	p := dbsqlc.AuditListParams{Lim: int32(f.Limit)}
	if f.BeforeID > 0 {
		p.BeforeID = &f.BeforeID
	}
	if f.Action != "" {
		p.Action = &f.Action
	}
	if f.UserID > 0 {
		p.UserID = &f.UserID
	}
	rows, err := q(db).AuditList(ctx, p)
	if err != nil {
		return nil, fmt.Errorf("list audit log: %w", err)
	}
	out := make([]AuditEntry, len(rows))
	for i, r := range rows {
		out[i] = AuditEntry{ID: r.ID, At: r.At, UserID: r.UserID, TokenID: r.TokenID, Actor: r.Actor, Action: r.Action,
			Method: r.Method, Path: r.Path, Status: int(r.Status), Target: r.Target, ClientAddr: r.ClientAddr}
		if err := json.Unmarshal(r.Details, &out[i].Details); err != nil {
			return nil, fmt.Errorf("decode audit entry %d: %w", r.ID, err)
		}
	}
	return out, nil
}
