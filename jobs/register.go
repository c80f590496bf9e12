package jobs

import (
	"fmt"
	"log/slog"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivertype"

	"github.com/voc-project/voc/ingest"
	"github.com/voc-project/voc/llm"
	"github.com/voc-project/voc/store"
)

// Deps are what the workers need.
type Deps struct {
	Pool *pgxpool.Pool
	// DB is what workers read and write through; nil means Pool. Tests set
	// it to a transaction to run whole jobs inside it.
	DB  store.DB
	Log *slog.Logger
	// LLM is the analyser every stage calls (offline, openai-compatible).
	LLM llm.Analyzer
	// Recorder stores every LLM call; nil records nothing.
	Recorder llm.Recorder
	// XLSX bounds what an uploaded workbook may decompress to; zero values
	// take ingest's defaults.
	XLSX ingest.XLSXLimits
	// HostID is the process's stable identity (VOC_HOST_ID), used as River's
	// client id so that river_job.attempted_by names the process holding a
	// job. Empty: River generates one (tests, command-line tools).
	HostID string
	// LLMInFlight bounds how many batch jobs (translation, insights, themes)
	// of this process hold a loaded batch at once, across the three queues;
	// the others wait, holding only their arguments. 0 means no bound.
	LLMInFlight int
}

// Workers registers every job kind. Every process registers all of them,
// whatever queues it serves, so any host can work any job it picks up.
func Workers(d Deps) *river.Workers {
	w := river.NewWorkers()
	s := newStage(d)
	river.AddWorker(w, &IngestWorker{stage: s})
	river.AddWorker(w, &LearnWorker{stage: s})
	river.AddWorker(w, &TranslateWorker{stage: s})
	river.AddWorker(w, &InsightWorker{stage: s})
	river.AddWorker(w, &ThemeWorker{stage: s})
	river.AddWorker(w, &ProgressWorker{stage: s})
	river.AddWorker(w, &ReportWorker{stage: s})
	river.AddWorker(w, &CollectionCompleteWorker{stage: s})
	river.AddWorker(w, &VacuumWorker{stage: s})
	return w
}

// NewClient builds the process's one River client. With no queues it is an
// insert-only client (an API-only host); otherwise it works those queues.
func NewClient(d Deps, queues map[string]int) (*river.Client[pgx.Tx], error) {
	cfg := &river.Config{
		ID:      d.HostID,
		Logger:  d.Log,
		Workers: Workers(d),
		// A restarted host hands its own jobs back at start-up; this generic
		// rescue is for hosts that never come back. Every job is one
		// transaction, so a rescued job that did commit is a no-op.
		RescueStuckJobsAfter: RescueStuckJobsAfter(),
		JobTimeout:           defaultJobTimeout,
		Middleware:           []rivertype.Middleware{&cancelGuard{db: newStage(d).pool}},
	}
	if len(queues) > 0 {
		cfg.Queues = RiverQueues(queues)
	}
	c, err := river.NewClient(riverpgxv5.New(d.Pool), cfg)
	if err != nil {
		return nil, fmt.Errorf("river client: %w", err)
	}
	return c, nil
}
