package jobs

import "context"

// SetBeforeCommitHook installs a hook that runs inside every stage's
// transaction after its writes and before its commit; it returns a func
// that removes it.
func SetBeforeCommitHook(f func(ctx context.Context, kind string) error) func() {
	beforeCommitHook = f
	return func() { beforeCommitHook = nil }
}

// SetAfterCommitHook installs a hook whose error replaces a batch stage's
// successful commit (a lost acknowledgement); it returns a func that
// removes it.
func SetAfterCommitHook(f func(ctx context.Context, kind string) error) func() {
	afterCommitHook = f
	return func() { afterCommitHook = nil }
}

// LLMTurn takes one of the LLM turns of a stage built from d.
func LLMTurn(d Deps) func(ctx context.Context) (func(), error) { return newStage(d).llmTurn }
