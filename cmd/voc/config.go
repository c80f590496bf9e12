package main

import (
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/spf13/pflag"

	"github.com/voc-project/voc/jobs"
	"github.com/voc-project/voc/llm"
)

// Config is every setting of a voc process. Order of precedence: defaults,
// then environment (VOC_*, DATABASE_URL, REDIS_URL), then flags.
type Config struct {
	DatabaseURL    string
	RedisURL       string
	Addr           string
	AdminToken     string
	Queues         string
	MaxUploadBytes int64
	DataDir        string
	LogLevel       string

	LLMProvider string // offline | openai
	LLMBaseURL  string
	LLMAPIKey   string
	LLMModel    string
	LLMTimeout  time.Duration
	LLMRPS      float64
	LLMTPM      int
	LLMHosts    int           // hosts sharing the LLM budget; sizes the local fallback when Redis is down
	LLMCacheTTL time.Duration // LLM answer cache lifetime (with Redis)

	// The budget's shape and this host's concurrency (llmconfig.go).
	LLMBurst       int           // requests at once after idle; 0: llm.DefaultBurst
	LLMLatency     time.Duration // expected provider latency, sizes LLMConcurrency
	LLMConcurrency int           // jobs per LLM queue; 0: RPS × LLMLatency
	llmEnv         *llmEnv
	PprofAddr      string // loopback address for net/http/pprof; empty: off
}

func env(name, def string) string {
	if v, ok := os.LookupEnv(name); ok && v != "" {
		return v
	}
	return def
}

func envInt64(name string, def int64) int64 {
	if v, err := strconv.ParseInt(env(name, ""), 10, 64); err == nil {
		return v
	}
	return def
}

func envDuration(name string, def time.Duration) time.Duration {
	if v, err := time.ParseDuration(env(name, "")); err == nil {
		return v
	}
	return def
}

// defaultConfig reads defaults and the environment.
func defaultConfig() *Config {
	le := &llmEnv{}
	return &Config{
		LLMBurst:       le.integer("VOC_LLM_BURST", 0),
		LLMLatency:     le.duration("VOC_LLM_LATENCY", DefaultLLMLatency),
		LLMConcurrency: le.integer("VOC_LLM_CONCURRENCY", 0),
		PprofAddr:      env("VOC_PPROF_ADDR", ""),
		llmEnv:         le,
		DatabaseURL:    env("DATABASE_URL", ""),
		RedisURL:       env("REDIS_URL", ""),
		Addr:           env("VOC_ADDR", ":8080"),
		AdminToken:     env("VOC_ADMIN_TOKEN", ""),
		Queues:         env("VOC_QUEUES", ""),
		MaxUploadBytes: envInt64("VOC_MAX_UPLOAD_BYTES", 256<<20),
		DataDir:        env("VOC_DATA_DIR", ".voc"),
		LogLevel:       env("VOC_LOG_LEVEL", "info"),
		LLMProvider:    env("VOC_LLM_PROVIDER", ""),
		LLMBaseURL:     env("VOC_LLM_BASE_URL", llm.DefaultBaseURL),
		LLMAPIKey:      env("VOC_LLM_API_KEY", ""),
		LLMModel:       env("VOC_LLM_MODEL", llm.DefaultModel),
		LLMTimeout:     envDuration("VOC_LLM_TIMEOUT", llm.DefaultTimeout),
		LLMRPS:         le.number("VOC_LLM_RPS", 200),
		LLMTPM:         le.integer("VOC_LLM_TPM", 0),
		LLMHosts:       int(envInt64("VOC_LLM_HOSTS", 1)),
		LLMCacheTTL:    envDuration("VOC_LLM_CACHE_TTL", 720*time.Hour),
	}
}

// registerFlags binds flags over the env-derived values.
func (c *Config) registerFlags(fs *pflag.FlagSet) {
	fs.StringVar(&c.DatabaseURL, "database-url", c.DatabaseURL, "Postgres URL (DATABASE_URL); empty: local Postgres on 127.0.0.1:5432, else a private cluster in --data-dir")
	fs.StringVar(&c.RedisURL, "redis-url", c.RedisURL, "optional Redis URL for the shared LLM limiter and cache (REDIS_URL)")
	fs.StringVar(&c.Queues, "queues", c.Queues, "MaxWorkers per queue, e.g. ingestion=4,reports=2 (VOC_QUEUES); empty: all queues at defaults")
	fs.StringVar(&c.DataDir, "data-dir", c.DataDir, "folder for the private Postgres cluster (VOC_DATA_DIR)")
	fs.StringVar(&c.LogLevel, "log-level", c.LogLevel, "debug, info, warn or error (VOC_LOG_LEVEL)")
	fs.StringVar(&c.LLMProvider, "llm-provider", c.LLMProvider, "offline or openai (VOC_LLM_PROVIDER); empty: openai when VOC_LLM_API_KEY is set, else offline")
	fs.StringVar(&c.LLMBaseURL, "llm-base-url", c.LLMBaseURL, "OpenAI-compatible base URL (VOC_LLM_BASE_URL)")
	fs.StringVar(&c.LLMModel, "llm-model", c.LLMModel, "model name (VOC_LLM_MODEL)")
	fs.DurationVar(&c.LLMTimeout, "llm-timeout", c.LLMTimeout, "per-call timeout (VOC_LLM_TIMEOUT)")
	fs.Float64Var(&c.LLMRPS, "llm-rps", c.LLMRPS, "LLM requests per second (VOC_LLM_RPS): across all hosts with Redis, else this host's; no 1 s window carries more")
	fs.IntVar(&c.LLMTPM, "llm-tpm", c.LLMTPM, "LLM tokens per minute (VOC_LLM_TPM), shared like --llm-rps; unset: no token budget")
	fs.IntVar(&c.LLMBurst, "llm-burst", c.LLMBurst, "LLM requests that may go at once after an idle spell (VOC_LLM_BURST); unset: 5% of --llm-rps")
	fs.DurationVar(&c.LLMLatency, "llm-latency", c.LLMLatency, "expected LLM latency (VOC_LLM_LATENCY); sizes the LLM queues by Little's law")
	fs.IntVar(&c.LLMConcurrency, "llm-concurrency", c.LLMConcurrency, "jobs each LLM queue runs at once on this host (VOC_LLM_CONCURRENCY); unset: --llm-rps × --llm-latency")
	fs.StringVar(&c.PprofAddr, "pprof", c.PprofAddr, "serve net/http/pprof on this loopback address, e.g. 127.0.0.1:6060 (VOC_PPROF_ADDR); empty: off")
	fs.IntVar(&c.LLMHosts, "llm-hosts", c.LLMHosts, "hosts sharing the LLM budget (VOC_LLM_HOSTS): without Redis each gets 1/N of it")
	fs.DurationVar(&c.LLMCacheTTL, "llm-cache-ttl", c.LLMCacheTTL, "how long LLM answers stay cached in Redis (VOC_LLM_CACHE_TTL)")
}

func (c *Config) registerServeFlags(fs *pflag.FlagSet) {
	fs.StringVar(&c.Addr, "addr", c.Addr, "HTTP listen address (VOC_ADDR)")
	fs.Int64Var(&c.MaxUploadBytes, "max-upload-bytes", c.MaxUploadBytes, "largest accepted upload (VOC_MAX_UPLOAD_BYTES)")
}

// queues returns MaxWorkers per queue or an error naming VOC_QUEUES.
func (c *Config) queues() (map[string]int, error) {
	if err := c.validateLLM(); err != nil {
		return nil, err
	}
	q, err := jobs.ParseQueuesDefaults(c.Queues, c.queueDefaults())
	if err != nil {
		return nil, fmt.Errorf("VOC_QUEUES: %w", err)
	}
	return q, nil
}

// provider resolves which LLM provider to use.
func (c *Config) provider() (string, error) {
	if c.LLMHosts < 1 {
		return "", fmt.Errorf("VOC_LLM_HOSTS must be at least 1, got %d", c.LLMHosts)
	}
	switch c.LLMProvider {
	case "":
		if c.LLMAPIKey != "" {
			return "openai", nil
		}
		return "offline", nil
	case "offline":
		return "offline", nil
	case "openai":
		if c.LLMAPIKey == "" {
			return "", fmt.Errorf("VOC_LLM_PROVIDER=openai needs VOC_LLM_API_KEY")
		}
		return "openai", nil
	}
	return "", fmt.Errorf("VOC_LLM_PROVIDER must be offline or openai, got %q", c.LLMProvider)
}
