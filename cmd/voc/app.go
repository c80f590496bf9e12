package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/redis/go-redis/v9"
	"github.com/riverqueue/river"

	"github.com/voc-project/voc/devpg"
	"github.com/voc-project/voc/jobs"
	"github.com/voc-project/voc/llm"
	"github.com/voc-project/voc/llm/offline"
	"github.com/voc-project/voc/store"
)

// app holds a process's shared resources, closed in reverse order of
// opening.
type app struct {
	cfg    *Config
	log    *slog.Logger
	pool   *pgxpool.Pool
	redis  *redis.Client // nil without REDIS_URL
	hostID string        // River's client id; empty for command-line tools
	closes []func(context.Context) error
	llm    llm.Analyzer // built once by analyzer, shared by workers and API
}

// openApp resolves the database (starting a private Postgres if needed),
// opens the pool, and applies migrations when migrate is set.
func openApp(ctx context.Context, cfg *Config, migrate bool) (*app, error) {
	a := &app{cfg: cfg, log: slog.Default()}
	dsn, stopPG, err := devpg.Ensure(ctx, devpg.Options{DatabaseURL: cfg.DatabaseURL, DataDir: filepath.Join(cfg.DataDir, "pgdata")}, a.log)
	if err != nil {
		return nil, fmt.Errorf("database: %w", err)
	}
	a.closes = append(a.closes, stopPG)
	pcfg, err := poolConfig(dsn)
	if err != nil {
		a.close()
		return nil, err
	}
	pool, err := pgxpool.NewWithConfig(ctx, pcfg)
	if err != nil {
		a.close()
		return nil, fmt.Errorf("open pool: %w", err)
	}
	a.pool = pool
	a.closes = append(a.closes, func(context.Context) error { pool.Close(); return nil })
	if err := store.Ping(ctx, pool); err != nil {
		a.close()
		return nil, fmt.Errorf("connect to Postgres: %w", err)
	}
	if cfg.RedisURL != "" {
		opt, err := redis.ParseURL(cfg.RedisURL)
		if err != nil {
			a.close()
			return nil, fmt.Errorf("REDIS_URL: %w", err)
		}
		opt.DialerRetries = 1 // a down Redis falls back fast; it is optional
		a.redis = redis.NewClient(opt)
		a.closes = append(a.closes, func(context.Context) error { return a.redis.Close() })
	}
	if migrate {
		if err := store.Migrate(ctx, pool, a.log); err != nil {
			a.close()
			return nil, err
		}
	}
	return a, nil
}

// poolConfig parses the database URL. Without pool_max_conns in it, the
// pool gets 40 connections (pgx's default of 4 per CPU is too few for the
// workers); with it, the operator's value holds, however small.
func poolConfig(dsn string) (*pgxpool.Config, error) {
	pcfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("DATABASE_URL: %w", err)
	}
	if !strings.Contains(dsn, "pool_max_conns") {
		pcfg.MaxConns = 40
	}
	pcfg.HealthCheckPeriod = 15 * time.Second
	return pcfg, nil
}

func (a *app) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for i := len(a.closes) - 1; i >= 0; i-- {
		if err := a.closes[i](ctx); err != nil {
			a.log.Warn("shutdown step", "error", err)
		}
	}
}

// analyzer returns the configured LLM provider, built on first use, so the
// workers and the API share one limiter and cache.
func (a *app) analyzer() (llm.Analyzer, error) {
	if a.llm != nil {
		return a.llm, nil
	}
	an, err := a.buildAnalyzer()
	if err != nil {
		return nil, err
	}
	a.llm = an
	return an, nil
}

// buildAnalyzer builds the configured LLM provider.
func (a *app) buildAnalyzer() (llm.Analyzer, error) {
	p, err := a.cfg.provider()
	if err != nil {
		return nil, err
	}
	if p == "offline" {
		a.log.Info("llm provider: offline analyser (no network; translation skipped)")
		return offline.New(), nil
	}
	rec := store.CallRecorder{DB: a.pool, Log: a.log}
	var lim llm.Limiter
	if a.cfg.LLMRPS > 0 || a.cfg.LLMTPM > 0 {
		// Without Redis (or while it is down) each host keeps to its share,
		// burst included.
		n := max(a.cfg.LLMHosts, 1)
		local := llm.NewLocalLimiter(llm.LimiterConfig{RPS: a.cfg.LLMRPS / float64(n), TPM: a.cfg.LLMTPM / n, Burst: max(a.cfg.burst()/n, 1)})
		lim = local
		if a.redis != nil {
			lim = llm.NewRedisLimiter(a.redis, llm.RedisLimiterConfig{RPS: a.cfg.LLMRPS, TPM: a.cfg.LLMTPM, Burst: a.cfg.burst()}, local, a.log)
		}
	}
	o, err := llm.NewOpenAI(llm.OpenAIConfig{
		BaseURL: a.cfg.LLMBaseURL, APIKey: a.cfg.LLMAPIKey, Model: a.cfg.LLMModel, Timeout: a.cfg.LLMTimeout,
		Limiter: lim, Recorder: rec,
	})
	if err != nil {
		return nil, fmt.Errorf("llm provider: %w", err)
	}
	var an llm.Analyzer = o
	if a.redis != nil {
		// Outside the limiter: a cache hit costs no budget.
		an = llm.NewCachedAnalyzer(o, a.redis, a.cfg.LLMCacheTTL, rec, llm.WithCacheLogger(a.log))
	}
	a.log.Info("llm provider: openai-compatible", "base_url", a.cfg.LLMBaseURL, "model", a.cfg.LLMModel,
		"rps", a.cfg.LLMRPS, "tpm", a.cfg.LLMTPM, "burst", a.cfg.burst(), "shared_limit_and_cache", a.redis != nil, "hosts", a.cfg.LLMHosts)
	return an, nil
}

// ensureAdminToken stores VOC_ADMIN_TOKEN's hash, or, when it is unset and
// no token exists, creates one and writes it to a 0600 file in the data
// folder. The secret is never logged.
func (a *app) ensureAdminToken(ctx context.Context) error {
	if a.cfg.AdminToken != "" {
		if err := checkAdminToken(a.cfg.AdminToken); err != nil {
			return err
		}
		out, err := store.TokenEnsureFromEnv(ctx, a.pool, a.cfg.AdminToken)
		if err != nil {
			return err
		}
		if out.Revoked {
			a.log.Warn("VOC_ADMIN_TOKEN holds a token that was revoked; it stays revoked and grants nothing: set a new value, or unset it", "token_id", out.ID)
		}
		if out.Created {
			a.log.Info("stored the admin token from VOC_ADMIN_TOKEN", "token_id", out.ID)
		}
		if out.RevokedPrevious > 0 {
			a.log.Warn("VOC_ADMIN_TOKEN changed: revoked the admin tokens of its previous values", "revoked", out.RevokedPrevious)
		}
		return nil
	}
	toks, err := store.TokenList(ctx, a.pool)
	if err != nil || len(toks) > 0 {
		return err
	}
	secret := store.NewTokenSecret()
	path := filepath.Join(a.cfg.DataDir, "admin-token")
	if err := os.MkdirAll(a.cfg.DataDir, 0o700); err != nil {
		return fmt.Errorf("create data folder: %w", err)
	}
	if err := os.WriteFile(path, []byte(secret+"\n"), 0o600); err != nil {
		return fmt.Errorf("write admin token file: %w", err)
	}
	if _, err := store.TokenCreate(ctx, a.pool, "admin (generated)", secret, true); err != nil {
		return err
	}
	a.log.Info("generated an admin API token; read it from the file", "file", path)
	return nil
}

// readyRedis reports whether the configured Redis answers; nil without one.
func (a *app) readyRedis(ctx context.Context) error {
	if a.redis == nil {
		return nil
	}
	if err := a.redis.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("redis is not reachable: %w", err)
	}
	return nil
}

// riverClient builds the process's one River client with every job kind
// and the configured LLM provider, working the given queues (none: an
// insert-only client).
func (a *app) riverClient(queues map[string]int) (*river.Client[pgx.Tx], error) {
	analyzer, err := a.analyzer()
	if err != nil {
		return nil, err
	}
	// LLM turns across the three LLM queues: as many as the largest of them,
	// so one queue alone can still spend the budget, while all three together
	// do not load three times the batches it can serve.
	inFlight := 0
	for _, q := range jobs.LLMQueues {
		inFlight = max(inFlight, queues[q])
	}
	return jobs.NewClient(jobs.Deps{Pool: a.pool, Log: a.log, LLM: analyzer, XLSX: a.cfg.xlsxLimits(), HostID: a.hostID, LLMInFlight: inFlight}, queues)
}
