package main

import (
	"fmt"
	"net/netip"
	"os"
	"strconv"
	"strings"
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
	// TrustedProxies (VOC_TRUSTED_PROXIES): comma-separated CIDRs whose
	// X-Forwarded-For and X-Forwarded-Proto are believed.
	TrustedProxies string
	// AllowedOrigins (VOC_ALLOWED_ORIGINS): comma-separated extra origins
	// for cookie-authenticated mutations.
	AllowedOrigins string
	SessionTTL     time.Duration

	LLMProvider string // offline | openai
	LLMBaseURL  string
	LLMAPIKey   string
	LLMModel    string
	LLMTimeout  time.Duration
	LLMRPS      float64
	LLMTPM      int
	LLMHosts    int           // hosts sharing the LLM budget; sizes the local fallback when Redis is down
	LLMCacheTTL time.Duration // LLM answer cache lifetime (with Redis)
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

func envFloat(name string, def float64) float64 {
	if v, err := strconv.ParseFloat(env(name, ""), 64); err == nil {
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
	return &Config{
		DatabaseURL:    env("DATABASE_URL", ""),
		RedisURL:       env("REDIS_URL", ""),
		Addr:           env("VOC_ADDR", ":8080"),
		AdminToken:     env("VOC_ADMIN_TOKEN", ""),
		Queues:         env("VOC_QUEUES", ""),
		MaxUploadBytes: envInt64("VOC_MAX_UPLOAD_BYTES", 256<<20),
		DataDir:        env("VOC_DATA_DIR", ".voc"),
		LogLevel:       env("VOC_LOG_LEVEL", "info"),
		TrustedProxies: env("VOC_TRUSTED_PROXIES", ""),
		AllowedOrigins: env("VOC_ALLOWED_ORIGINS", ""),
		SessionTTL:     envDuration("VOC_SESSION_TTL", 12*time.Hour),
		LLMProvider:    env("VOC_LLM_PROVIDER", ""),
		LLMBaseURL:     env("VOC_LLM_BASE_URL", llm.DefaultBaseURL),
		LLMAPIKey:      env("VOC_LLM_API_KEY", ""),
		LLMModel:       env("VOC_LLM_MODEL", llm.DefaultModel),
		LLMTimeout:     envDuration("VOC_LLM_TIMEOUT", llm.DefaultTimeout),
		LLMRPS:         envFloat("VOC_LLM_RPS", 200),
		LLMTPM:         int(envInt64("VOC_LLM_TPM", 0)),
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
	fs.Float64Var(&c.LLMRPS, "llm-rps", c.LLMRPS, "LLM requests per second (VOC_LLM_RPS): across all hosts with Redis, else this host's; 0: unlimited")
	fs.IntVar(&c.LLMTPM, "llm-tpm", c.LLMTPM, "LLM tokens per minute (VOC_LLM_TPM), shared like --llm-rps; 0: unlimited")
	fs.IntVar(&c.LLMHosts, "llm-hosts", c.LLMHosts, "hosts sharing the LLM budget (VOC_LLM_HOSTS): without Redis each gets 1/N of it")
	fs.DurationVar(&c.LLMCacheTTL, "llm-cache-ttl", c.LLMCacheTTL, "how long LLM answers stay cached in Redis (VOC_LLM_CACHE_TTL)")
}

func (c *Config) registerServeFlags(fs *pflag.FlagSet) {
	fs.StringVar(&c.Addr, "addr", c.Addr, "HTTP listen address (VOC_ADDR)")
	fs.StringVar(&c.TrustedProxies, "trusted-proxies", c.TrustedProxies, "CIDRs of reverse proxies whose X-Forwarded-For/-Proto are believed (VOC_TRUSTED_PROXIES)")
	fs.StringVar(&c.AllowedOrigins, "allowed-origins", c.AllowedOrigins, "extra origins allowed to send cookie-authenticated mutations (VOC_ALLOWED_ORIGINS)")
	fs.DurationVar(&c.SessionTTL, "session-ttl", c.SessionTTL, "web session lifetime (VOC_SESSION_TTL)")
	fs.Int64Var(&c.MaxUploadBytes, "max-upload-bytes", c.MaxUploadBytes, "largest accepted upload (VOC_MAX_UPLOAD_BYTES)")
}

// queues returns MaxWorkers per queue or an error naming VOC_QUEUES.
func (c *Config) queues() (map[string]int, error) {
	q, err := jobs.ParseQueues(c.Queues)
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

// trustedProxies parses VOC_TRUSTED_PROXIES: CIDRs or single addresses.
func (c *Config) trustedProxies() ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(c.TrustedProxies, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if !strings.Contains(f, "/") {
			a, err := netip.ParseAddr(f)
			if err != nil {
				return nil, fmt.Errorf("VOC_TRUSTED_PROXIES: %q is not an address or CIDR", f)
			}
			out = append(out, netip.PrefixFrom(a, a.BitLen()))
			continue
		}
		p, err := netip.ParsePrefix(f)
		if err != nil {
			return nil, fmt.Errorf("VOC_TRUSTED_PROXIES: %q is not a CIDR such as 10.0.0.0/8", f)
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

// allowedOrigins parses VOC_ALLOWED_ORIGINS.
func (c *Config) allowedOrigins() []string {
	var out []string
	for _, f := range strings.Split(c.AllowedOrigins, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}
