package main

import (
	"fmt"
	"math"
	"net/netip"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/voc-project/voc/api"
	"github.com/voc-project/voc/ingest"
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
	// XLSXMaxPartBytes and XLSXMaxUnzipBytes bound what an uploaded
	// workbook may decompress to (see ingest.XLSXLimits).
	XLSXMaxPartBytes  int64
	XLSXMaxUnzipBytes int64
	DataDir           string
	LogLevel          string
	HostID            string // VOC_HOST_ID; empty: <hostname>-<role>
	// DefaultTargetLanguage is a new product's target language when nobody
	// named one (VOC_DEFAULT_TARGET_LANGUAGE); empty: en.
	DefaultTargetLanguage string
	// TrustedProxies (VOC_TRUSTED_PROXIES): comma-separated CIDRs whose
	// X-Forwarded-For and X-Forwarded-Proto are believed.
	TrustedProxies string
	// AllowedOrigins (VOC_ALLOWED_ORIGINS): comma-separated extra origins
	// for cookie-authenticated mutations.
	AllowedOrigins string
	SessionTTL     time.Duration
	// Uploads bound the uploads received at once (VOC_UPLOADS_*,
	// VOC_UPLOAD_BYTES_*).
	Uploads api.UploadLimits
	// HTTP holds the HTTP deadlines and connection cap (VOC_HTTP_*);
	// MaxConns 0 means derived from the open-files limit.
	HTTP api.HTTPLimits

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
	MetricsAddr    string // loopback address for /metrics without auth; empty: off
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
		DatabaseURL:           env("DATABASE_URL", ""),
		RedisURL:              env("REDIS_URL", ""),
		Addr:                  env("VOC_ADDR", ":8080"),
		AdminToken:            env("VOC_ADMIN_TOKEN", ""),
		Queues:                env("VOC_QUEUES", ""),
		MaxUploadBytes:        envInt64("VOC_MAX_UPLOAD_BYTES", 256<<20),
		XLSXMaxPartBytes:      envInt64("VOC_XLSX_MAX_PART_BYTES", ingest.DefaultXLSXMaxPartBytes),
		XLSXMaxUnzipBytes:     envInt64("VOC_XLSX_MAX_UNZIP_BYTES", ingest.DefaultXLSXMaxUnzipBytes),
		DataDir:               env("VOC_DATA_DIR", ".voc"),
		LogLevel:              env("VOC_LOG_LEVEL", "info"),
		LLMProvider:           env("VOC_LLM_PROVIDER", ""),
		LLMBaseURL:            env("VOC_LLM_BASE_URL", llm.DefaultBaseURL),
		LLMAPIKey:             env("VOC_LLM_API_KEY", ""),
		LLMModel:              env("VOC_LLM_MODEL", llm.DefaultModel),
		LLMTimeout:            envDuration("VOC_LLM_TIMEOUT", llm.DefaultTimeout),
		LLMRPS:                le.number("VOC_LLM_RPS", 200),
		LLMTPM:                le.integer("VOC_LLM_TPM", 0),
		LLMHosts:              le.integer("VOC_LLM_HOSTS", 1),
		LLMCacheTTL:           envDuration("VOC_LLM_CACHE_TTL", 720*time.Hour),
		HostID:                env("VOC_HOST_ID", ""),
		LLMBurst:              le.integer("VOC_LLM_BURST", 0),
		LLMLatency:            le.duration("VOC_LLM_LATENCY", DefaultLLMLatency),
		LLMConcurrency:        le.integer("VOC_LLM_CONCURRENCY", 0),
		PprofAddr:             env("VOC_PPROF_ADDR", ""),
		MetricsAddr:           env("VOC_METRICS_ADDR", ""),
		llmEnv:                le,
		DefaultTargetLanguage: env("VOC_DEFAULT_TARGET_LANGUAGE", ""),
		TrustedProxies:        env("VOC_TRUSTED_PROXIES", ""),
		AllowedOrigins:        env("VOC_ALLOWED_ORIGINS", ""),
		SessionTTL:            envDuration("VOC_SESSION_TTL", 12*time.Hour),
		Uploads: api.UploadLimits{
			PerToken:      int(envInt64("VOC_UPLOADS_PER_TOKEN", int64(api.DefaultUploadLimits.PerToken))),
			Total:         int(envInt64("VOC_UPLOADS_IN_FLIGHT", int64(api.DefaultUploadLimits.Total))),
			BytesPerToken: envInt64("VOC_UPLOAD_BYTES_PER_TOKEN", api.DefaultUploadLimits.BytesPerToken),
			BytesTotal:    envInt64("VOC_UPLOAD_BYTES_IN_FLIGHT", api.DefaultUploadLimits.BytesTotal),
			Queued:        int(envInt64("VOC_UPLOADS_QUEUED", int64(api.DefaultUploadLimits.Queued))),
		},
		HTTP: api.HTTPLimits{
			ReadTimeout:  envDuration("VOC_HTTP_READ_TIMEOUT", api.DefaultHTTPLimits.ReadTimeout),
			MinBodyRate:  envInt64("VOC_HTTP_MIN_BODY_RATE", api.DefaultHTTPLimits.MinBodyRate),
			WriteTimeout: envDuration("VOC_HTTP_WRITE_TIMEOUT", api.DefaultHTTPLimits.WriteTimeout),
			IdleTimeout:  envDuration("VOC_HTTP_IDLE_TIMEOUT", api.DefaultHTTPLimits.IdleTimeout),
			MaxConns:     int(envInt64("VOC_HTTP_MAX_CONNS", 0)),
		},
	}
}

// registerFlags binds flags over the env-derived values.
func (c *Config) registerFlags(fs *pflag.FlagSet) {
	fs.StringVar(&c.DatabaseURL, "database-url", c.DatabaseURL, "Postgres URL (DATABASE_URL); empty: local Postgres on 127.0.0.1:5432, else a private cluster in --data-dir")
	fs.StringVar(&c.RedisURL, "redis-url", c.RedisURL, "optional Redis URL for the shared LLM limiter and cache (REDIS_URL)")
	fs.StringVar(&c.Queues, "queues", c.Queues, "MaxWorkers per queue, e.g. ingestion=4,reports=2 (VOC_QUEUES); empty: all queues at defaults")
	fs.Int64Var(&c.XLSXMaxPartBytes, "xlsx-max-part-bytes", c.XLSXMaxPartBytes, "largest XLSX part read into memory, decompressed (VOC_XLSX_MAX_PART_BYTES)")
	fs.Int64Var(&c.XLSXMaxUnzipBytes, "xlsx-max-unzip-bytes", c.XLSXMaxUnzipBytes, "largest decompressed size of a whole XLSX workbook (VOC_XLSX_MAX_UNZIP_BYTES)")
	fs.StringVar(&c.DataDir, "data-dir", c.DataDir, "folder for the private Postgres cluster (VOC_DATA_DIR)")
	fs.StringVar(&c.HostID, "host-id", c.HostID, "this process's stable identity (VOC_HOST_ID), unique among running processes; empty: <hostname>-serve or <hostname>-worker")
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
	fs.StringVar(&c.MetricsAddr, "metrics", c.MetricsAddr, "serve Prometheus /metrics without auth on this loopback address, e.g. 127.0.0.1:9464, for a voc worker, which has no API (VOC_METRICS_ADDR); empty: off")
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

// uploadLimits returns the upload admission limits.
func (c *Config) uploadLimits() api.UploadLimits { return c.Uploads }

// fdReserve is the file descriptors kept free of HTTP connections: the
// database pool, Redis, the LLM client, temporary files and logs.
const fdReserve = 128

// httpLimits returns the HTTP limits, deriving the connection cap from the
// open-files limit when VOC_HTTP_MAX_CONNS is unset, so that slow or idle
// clients cannot take the descriptors the database and /health need.
func (c *Config) httpLimits() api.HTTPLimits {
	l := c.HTTP
	if l.MaxConns == 0 {
		if n := openFilesLimit(); n > 0 {
			l.MaxConns = int(max(min(n, 1<<20), fdReserve+32) - fdReserve)
		}
	}
	return l
}

// xlsxLimits returns the workbook decompression limits.
func (c *Config) xlsxLimits() ingest.XLSXLimits {
	return ingest.XLSXLimits{MaxPartBytes: c.XLSXMaxPartBytes, MaxUnzipBytes: c.XLSXMaxUnzipBytes}
}

var languageCodeRe = regexp.MustCompile(`^[a-z]{2,3}(-[A-Za-z]{2,4})?$`)

// defaultTargetLanguage returns VOC_DEFAULT_TARGET_LANGUAGE, or an error
// naming it when it is not a language code.
func (c *Config) defaultTargetLanguage() (string, error) {
	if c.DefaultTargetLanguage != "" && !languageCodeRe.MatchString(c.DefaultTargetLanguage) {
		return "", fmt.Errorf("VOC_DEFAULT_TARGET_LANGUAGE must be a language code such as en, de or zh, got %q", c.DefaultTargetLanguage)
	}
	return c.DefaultTargetLanguage, nil
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

// placeholderWords mark a value copied from an example instead of
// generated.
var placeholderWords = []string{"change-me", "changeme", "change_me", "example", "your-token", "your_token",
	"yourtoken", "placeholder", "replace-me", "replaceme", "generate-with", "insert-token", "dummy"}

// minAdminTokenLen is the shortest accepted VOC_ADMIN_TOKEN: `openssl rand
// -hex 16` gives 32 characters.
const minAdminTokenLen = 32

// checkAdminToken refuses a VOC_ADMIN_TOKEN that is a placeholder, short or
// trivially guessable; empty is fine (a token is then generated).
func checkAdminToken(v string) error {
	if v == "" {
		return nil
	}
	lower := strings.ToLower(v)
	for _, w := range placeholderWords {
		if strings.Contains(lower, w) {
			return fmt.Errorf("VOC_ADMIN_TOKEN is a placeholder (it contains %q): set it to a random value, e.g. the output of `openssl rand -hex 32`, or leave it unset to have one generated", w)
		}
	}
	if len(v) < minAdminTokenLen {
		return fmt.Errorf("VOC_ADMIN_TOKEN is %d characters; it must be at least %d random characters (e.g. `openssl rand -hex 32`)", len(v), minAdminTokenLen)
	}
	if weakSecret(v) {
		return fmt.Errorf("VOC_ADMIN_TOKEN is too easy to guess (few distinct characters, a repeated pattern or a sequence): set it to a random value, e.g. `openssl rand -hex 32`")
	}
	return nil
}

// weakSecret reports whether s is trivially low in entropy: under 10
// distinct characters, under 3 bits of empirical entropy per character, a
// short pattern repeated, or mostly a run of consecutive characters
// ("abcdef…", "123456…").
func weakSecret(s string) bool {
	counts := map[rune]int{}
	n := 0
	for _, r := range s {
		counts[r]++
		n++
	}
	if len(counts) < 10 {
		return true
	}
	var h float64
	for _, c := range counts {
		p := float64(c) / float64(n)
		h -= p * math.Log2(p)
	}
	if h < 3 {
		return true
	}
	for k := 1; k <= len(s)/2; k++ {
		if len(s)%k == 0 && strings.Repeat(s[:k], len(s)/k) == s {
			return true
		}
	}
	steps := 0
	for i := 1; i < len(s); i++ {
		if d := int(s[i]) - int(s[i-1]); d == 1 || d == -1 {
			steps++
		}
	}
	return steps*2 > len(s)
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
