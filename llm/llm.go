// Package llm holds the analysis contract every provider implements: the
// offline analyser (no network), the OpenAI-compatible provider (Qwen via
// DashScope, OpenAI, vLLM, Ollama) and the simulator that serves the latter's
// wire protocol from the former's answers.
package llm

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Analyzer performs the five LLM tasks of the pipeline. Implementations must
// be safe for concurrent use. Outputs are keyed by review id; an
// implementation may omit ids it could not answer (the caller retries them).
type Analyzer interface {
	// Name is the provider name recorded with every call ("offline", "openai").
	Name() string
	// Model is the model name recorded with every call.
	Model() string
	Learn(ctx context.Context, in LearnInput) (LearnOutput, Usage, error)
	Translate(ctx context.Context, in TranslateInput) (TranslateOutput, Usage, error)
	Insights(ctx context.Context, in InsightInput) (InsightOutput, Usage, error)
	Themes(ctx context.Context, in ThemeInput) (ThemeOutput, Usage, error)
	Narrate(ctx context.Context, in ReportInput) (ReportOutput, Usage, error)
	// Translates reports whether Translate does real work. The offline
	// analyser returns false: translation is skipped and marked so.
	Translates() bool
}

// Aligner aligns the dimensions of the products of a comparison by
// meaning, in one call. The providers that talk to a language model
// implement it; the offline analyser does not (its alignment is
// offline.Align, which callers use as the fallback).
type Aligner interface {
	Align(ctx context.Context, in AlignInput) (AlignOutput, Usage, error)
}

// ErrNoAligner is returned by an Analyzer wrapper's Align when the provider
// it wraps cannot align.
var ErrNoAligner = errors.New("the llm provider does not align dimensions")

// AlignerOf returns a's Aligner, or false when a cannot align (nil, the
// offline analyser, or a wrapper around one).
func AlignerOf(a Analyzer) (Aligner, bool) {
	if a == nil {
		return nil, false
	}
	if w, ok := a.(interface{ aligns() bool }); ok && !w.aligns() {
		return nil, false
	}
	al, ok := a.(Aligner)
	return al, ok
}

// Usage describes the LLM calls one task made.
type Usage struct {
	Calls     int
	TokensIn  int
	TokensOut int
	Latency   time.Duration
	CacheHit  bool
}

// Add returns the sum of two usages.
func (u Usage) Add(o Usage) Usage {
	return Usage{
		Calls:     u.Calls + o.Calls,
		TokensIn:  u.TokensIn + o.TokensIn,
		TokensOut: u.TokensOut + o.TokensOut,
		Latency:   u.Latency + o.Latency,
		CacheHit:  u.CacheHit && o.CacheHit,
	}
}

// RateLimitError is a 429 from the provider (or the local limiter). The job
// snoozes for RetryAfter instead of burning an attempt.
type RateLimitError struct {
	Code       string // e.g. limit_requests, insufficient_quota, limit_burst_rate
	RetryAfter time.Duration
	Message    string
}

func (e *RateLimitError) Error() string {
	return fmt.Sprintf("llm rate limited (%s), retry after %s: %s", e.Code, e.RetryAfter, e.Message)
}

// RefusalError is a permanent, content-specific refusal (DashScope 400
// data_inspection_failed). Retrying the same content will not help; the
// caller splits the batch down to the refusing review and records a failure.
type RefusalError struct {
	Code    string
	Message string
}

func (e *RefusalError) Error() string {
	return fmt.Sprintf("llm refused content (%s): %s", e.Code, e.Message)
}

// PermanentError is a provider error that retrying will not fix without
// operator action (bad key, overdue payment: DashScope 400 Arrearage).
type PermanentError struct {
	Status  int
	Code    string
	Message string
}

func (e *PermanentError) Error() string {
	return fmt.Sprintf("llm permanent error %d (%s): %s", e.Status, e.Code, e.Message)
}

// InvalidOutputError means the answer failed schema validation even after the
// repair retry. The caller splits the batch.
type InvalidOutputError struct {
	Reason string
}

func (e *InvalidOutputError) Error() string {
	return "llm output invalid after repair: " + e.Reason
}

// AsRateLimit reports whether err is a rate-limit error and returns it.
func AsRateLimit(err error) (*RateLimitError, bool) {
	var rl *RateLimitError
	ok := errors.As(err, &rl)
	return rl, ok
}

// AsRefusal reports whether err is a content refusal and returns it.
func AsRefusal(err error) (*RefusalError, bool) {
	var r *RefusalError
	ok := errors.As(err, &r)
	return r, ok
}

// IsInvalidOutput reports whether err is an invalid-output error.
func IsInvalidOutput(err error) bool {
	var e *InvalidOutputError
	return errors.As(err, &e)
}
