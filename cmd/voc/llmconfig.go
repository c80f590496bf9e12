package main

import (
	"fmt"
	"math"
	"os"
	"strconv"
	"time"

	"github.com/voc-project/voc/jobs"
	"github.com/voc-project/voc/llm"
)

// The LLM budget and concurrency settings (issue 10). Unlike the other
// settings, a malformed value here is not replaced by the default: a budget
// of "2OO" silently becoming 200 — or 0, unlimited — would overspend or
// starve the deployment, so start-up stops and names the variable.

// llmEnv is what the environment said about the budget settings; the
// flags start from it.
type llmEnv struct {
	errs []error
}

// number reads a positive number from name, or def when unset. A value that
// is not a number, or is zero or negative, is recorded as an error.
func (e *llmEnv) number(name string, def float64) float64 {
	raw, ok := os.LookupEnv(name)
	if !ok || raw == "" {
		return def
	}
	v, err := strconv.ParseFloat(raw, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		e.errs = append(e.errs, fmt.Errorf("%s must be a positive number, got %q", name, raw))
		return def
	}
	if v <= 0 {
		e.errs = append(e.errs, fmt.Errorf("%s must be greater than zero, got %q", name, raw))
		return def
	}
	return v
}

// integer is number for whole numbers.
func (e *llmEnv) integer(name string, def int) int {
	raw, ok := os.LookupEnv(name)
	if !ok || raw == "" {
		return def
	}
	v, err := strconv.Atoi(raw)
	if err != nil {
		e.errs = append(e.errs, fmt.Errorf("%s must be a positive whole number, got %q", name, raw))
		return def
	}
	if v <= 0 {
		e.errs = append(e.errs, fmt.Errorf("%s must be greater than zero, got %q", name, raw))
		return def
	}
	return v
}

// duration reads a positive duration ("1.5s") from name, or def when unset.
func (e *llmEnv) duration(name string, def time.Duration) time.Duration {
	raw, ok := os.LookupEnv(name)
	if !ok || raw == "" {
		return def
	}
	v, err := time.ParseDuration(raw)
	if err != nil {
		e.errs = append(e.errs, fmt.Errorf("%s must be a duration such as 1.5s, got %q", name, raw))
		return def
	}
	if v <= 0 {
		e.errs = append(e.errs, fmt.Errorf("%s must be greater than zero, got %q", name, raw))
		return def
	}
	return v
}

// DefaultLLMLatency is the provider latency voc plans concurrency for when
// VOC_LLM_LATENCY is unset: qwen-plus answers a batch in 1–2 s.
const DefaultLLMLatency = 2 * time.Second

// Bounds of the derived LLM concurrency per queue: at least the old fixed
// default, at most what 150 MB of RSS holds (see docs/BENCHMARKS.md).
const (
	minLLMConcurrency = 20
	maxLLMConcurrency = 1000
)

// validateLLM checks the budget settings after env and flags; the error
// names the variable.
func (c *Config) validateLLM() error {
	if c.llmEnv != nil && len(c.llmEnv.errs) > 0 {
		return c.llmEnv.errs[0]
	}
	switch {
	case !(c.LLMRPS > 0) || math.IsInf(c.LLMRPS, 0):
		return fmt.Errorf("VOC_LLM_RPS (--llm-rps) must be greater than zero, got %v", c.LLMRPS)
	case c.LLMTPM < 0:
		return fmt.Errorf("VOC_LLM_TPM (--llm-tpm) must be greater than zero, got %d", c.LLMTPM)
	case c.LLMBurst < 0:
		return fmt.Errorf("VOC_LLM_BURST (--llm-burst) must be greater than zero, got %d", c.LLMBurst)
	case c.LLMConcurrency < 0:
		return fmt.Errorf("VOC_LLM_CONCURRENCY (--llm-concurrency) must be greater than zero, got %d", c.LLMConcurrency)
	case c.LLMHosts <= 0:
		// Zero hosts would give each host the whole budget while Redis is
		// down.
		return fmt.Errorf("VOC_LLM_HOSTS (--llm-hosts) must be greater than zero, got %d", c.LLMHosts)
	case c.LLMLatency <= 0:
		return fmt.Errorf("VOC_LLM_LATENCY (--llm-latency) must be greater than zero, got %s", c.LLMLatency)
	}
	return nil
}

// burst is VOC_LLM_BURST or its default, 5% of the request budget.
func (c *Config) burst() int {
	if c.LLMBurst > 0 {
		return c.LLMBurst
	}
	return llm.DefaultBurst(c.LLMRPS)
}

// llmConcurrency is how many jobs each LLM queue runs at once on this host:
// VOC_LLM_CONCURRENCY, or by Little's law the calls in flight that spend
// the budget at the expected latency, RPS × latency, over the calls each
// job makes side by side (jobs.CallsPerJob), within bounds. Jobs beyond
// what the budget serves wait on the limiter, which costs a goroutine each;
// too few would leave the budget unspent.
func (c *Config) llmConcurrency() int {
	if c.LLMConcurrency > 0 {
		return c.LLMConcurrency
	}
	n := int(math.Ceil(c.LLMRPS * c.LLMLatency.Seconds() / jobs.CallsPerJob))
	return min(max(n, minLLMConcurrency), maxLLMConcurrency)
}

// queueDefaults are the MaxWorkers of queues VOC_QUEUES does not size: the
// LLM queues get llmConcurrency.
func (c *Config) queueDefaults() map[string]int {
	d := make(map[string]int, len(jobs.DefaultConcurrency))
	for q, n := range jobs.DefaultConcurrency {
		d[q] = n
	}
	for _, q := range jobs.LLMQueues {
		d[q] = c.llmConcurrency()
	}
	return d
}
