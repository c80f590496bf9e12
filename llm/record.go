package llm

import (
	"context"
	"time"
)

// Call statuses.
const (
	CallOK          = "ok"
	CallRateLimited = "rate_limited"
	CallRefused     = "refused"
	CallInvalid     = "invalid"
	CallError       = "error"
)

// Call is one LLM request attempt as recorded for operators: every HTTP
// attempt, the repair retry included, and (from the cache layer) every cache
// hit.
type Call struct {
	Stage     string
	Provider  string
	Model     string
	TokensIn  int
	TokensOut int
	Latency   time.Duration
	// Status is one of CallOK, CallRateLimited, CallRefused, CallInvalid,
	// CallError.
	Status   string
	CacheHit bool
	// Repair marks the one retry that sends an invalid answer back.
	Repair bool
	// Dropped counts outputs removed after validation because they named an
	// id not in the input, quoted text the review does not contain, or used a
	// dimension or label outside the model.
	Dropped int
	// Error is a short description for any status but CallOK. It never holds
	// the API key.
	Error string
}

// Recorder receives every Call. Implementations must be safe for concurrent
// use and should not block for long: they run on the request path. Errors are
// the recorder's to log; a failed recording never fails the LLM call.
type Recorder interface {
	RecordCall(ctx context.Context, c Call)
}

// RecorderFunc adapts a function to a Recorder.
type RecorderFunc func(ctx context.Context, c Call)

// RecordCall calls f(ctx, c).
func (f RecorderFunc) RecordCall(ctx context.Context, c Call) { f(ctx, c) }
