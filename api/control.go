package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/danielgtaylor/huma/v2"
	"github.com/jackc/pgx/v5"

	"github.com/voc-project/voc/jobs"
	"github.com/voc-project/voc/store"
)

// Operator controls: queue pause and resume, live hosts, and cancelling or
// retrying one analysis.

type queueNameInput struct {
	Name string `path:"name" maxLength:"64" doc:"queue name, e.g. insight_extraction"`
}

type queueOutput struct {
	Body store.QueueState
}

type queuesOutput struct {
	Body struct {
		Queues []store.QueueState `json:"queues"`
	}
}

type hostsOutput struct {
	Body struct {
		Hosts []store.Host `json:"hosts"`
	}
}

type analysisIDInput struct {
	ID int64 `path:"id" minimum:"1"`
}

type cancelOutput struct {
	Body struct {
		AnalysisID    int64  `json:"analysis_id"`
		Status        string `json:"status"`
		JobsCancelled int    `json:"jobs_cancelled"`
	}
}

type retryOutput struct {
	Status int
	Body   struct {
		AnalysisID int64          `json:"analysis_id"`
		Status     string         `json:"status"`
		Requeued   map[string]int `json:"requeued"`
		Jobs       int            `json:"jobs"`
	}
}

// knownQueue returns a 422 problem for a name that is not one of voc's
// queues.
func knownQueue(name string) error {
	if !slices.Contains(jobs.Queues, name) {
		return huma.Error422UnprocessableEntity(fmt.Sprintf("unknown queue %q; known queues: %s", name, strings.Join(jobs.Queues, ", ")))
	}
	return nil
}

func (s *server) registerControlRoutes(api huma.API) {
	huma.Register(api, huma.Operation{
		OperationID: "list-queues",
		Method:      http.MethodGet,
		Path:        "/api/v1/queues",
		Summary:     "Every queue with its pause state and waiting and running jobs (admin)",
		Tags:        []string{"operations"},
		Errors:      []int{401, 403},
	}, func(ctx context.Context, _ *struct{}) (*queuesOutput, error) {
		qs, err := store.QueueStates(ctx, s.Pool, jobs.Queues)
		if err != nil {
			return nil, s.storeError(ctx, "queues", err)
		}
		out := &queuesOutput{}
		out.Body.Queues = qs
		return out, nil
	})
	for _, action := range []string{"pause", "resume"} {
		huma.Register(api, huma.Operation{
			OperationID: action + "-queue",
			Method:      http.MethodPost,
			Path:        "/api/v1/queues/{name}/" + action,
			Summary: map[string]string{
				"pause":  "Pause a queue on every host: running jobs finish, no new ones start (admin)",
				"resume": "Resume a paused queue on every host (admin)",
			}[action],
			Tags:   []string{"operations"},
			Errors: []int{401, 403, 422},
		}, func(ctx context.Context, in *queueNameInput) (*queueOutput, error) {
			if err := knownQueue(in.Name); err != nil {
				return nil, err
			}
			if err := s.setQueuePaused(ctx, in.Name, action == "pause"); err != nil {
				return nil, s.storeError(ctx, "queue", err)
			}
			qs, err := store.QueueStates(ctx, s.Pool, []string{in.Name})
			if err != nil || len(qs) != 1 {
				return nil, s.storeError(ctx, "queue", errors.Join(err, errors.New("queue state missing")))
			}
			return &queueOutput{Body: qs[0]}, nil
		})
	}
	huma.Register(api, huma.Operation{
		OperationID: "list-hosts",
		Method:      http.MethodGet,
		Path:        "/api/v1/hosts",
		Summary:     "voc processes (VOC_HOST_ID) with their queues, liveness and running jobs (admin)",
		Tags:        []string{"operations"},
		Errors:      []int{401, 403},
	}, func(ctx context.Context, _ *struct{}) (*hostsOutput, error) {
		hs, err := store.HostList(ctx, s.Pool)
		if err != nil {
			return nil, s.storeError(ctx, "hosts", err)
		}
		out := &hostsOutput{}
		out.Body.Hosts = hs
		return out, nil
	})
	huma.Register(api, huma.Operation{
		OperationID: "cancel-analysis",
		Method:      http.MethodPost,
		Path:        "/api/v1/analyses/{id}/cancel",
		Summary:     "Cancel a running analysis: its pending jobs are cancelled, running ones are interrupted, and no LLM call starts for it afterwards",
		Tags:        []string{"analysis"},
		Errors:      []int{401, 404, 409},
	}, func(ctx context.Context, in *analysisIDInput) (*cancelOutput, error) {
		out := &cancelOutput{}
		err := store.InTx(ctx, s.Pool, func(tx pgx.Tx) error {
			a, n, err := jobs.CancelAnalysis(ctx, tx, s.River, in.ID)
			out.Body.AnalysisID, out.Body.Status, out.Body.JobsCancelled = a.ID, a.Status, n
			return err
		})
		if errors.Is(err, store.ErrAnalysisFinished) {
			a, gerr := store.AnalysisGet(ctx, s.Pool, in.ID)
			if gerr != nil {
				return nil, s.storeError(ctx, "analysis", gerr)
			}
			return nil, huma.Error409Conflict(fmt.Sprintf("analysis %d is already %s; only a running analysis can be cancelled", in.ID, a.Status))
		}
		if err != nil {
			return nil, s.storeError(ctx, "analysis", err)
		}
		return out, nil
	})
	huma.Register(api, huma.Operation{
		OperationID:   "retry-failed-reviews",
		Method:        http.MethodPost,
		Path:          "/api/v1/analyses/{id}/retry-failed",
		Summary:       "Queue the analysis's failed reviews again: their failure records are cleared and new stage jobs queued in one transaction; the final report is rebuilt",
		Tags:          []string{"analysis"},
		DefaultStatus: http.StatusAccepted,
		Errors:        []int{401, 404, 409},
	}, func(ctx context.Context, in *analysisIDInput) (*retryOutput, error) {
		out := &retryOutput{Status: http.StatusAccepted}
		var nothing bool
		err := store.InTx(ctx, s.Pool, func(tx pgx.Tx) error {
			a, rr, next, err := jobs.RetryFailed(ctx, tx, in.ID)
			if err != nil {
				return err
			}
			if rr.Total() == 0 {
				nothing = true
				return nil
			}
			if _, err := s.River.InsertManyTx(ctx, tx, next); err != nil {
				return fmt.Errorf("queue retried reviews: %w", err)
			}
			out.Body.AnalysisID, out.Body.Status, out.Body.Jobs = a.ID, a.Status, len(next)
			out.Body.Requeued = map[string]int{"translation": len(rr.Translation), "insight_extraction": len(rr.Insights), "theme_extraction": len(rr.Themes)}
			return nil
		})
		switch {
		case errors.Is(err, store.ErrAnalysisFinished):
			return nil, huma.Error409Conflict(fmt.Sprintf("analysis %d was cancelled; start a new one with POST /api/v1/products/{id}/rerun", in.ID))
		case err != nil:
			return nil, s.storeError(ctx, "analysis", err)
		case nothing:
			return nil, huma.Error409Conflict(fmt.Sprintf("analysis %d has no failed reviews to retry", in.ID))
		}
		return out, nil
	})
}

// setQueuePaused pauses or resumes a queue through River, creating River's
// row for a queue that no worker has served yet.
func (s *server) setQueuePaused(ctx context.Context, name string, pause bool) error {
	if err := store.QueueEnsure(ctx, s.Pool, name); err != nil {
		return err
	}
	if pause {
		return s.River.QueuePause(ctx, name, nil)
	}
	return s.River.QueueResume(ctx, name, nil)
}
