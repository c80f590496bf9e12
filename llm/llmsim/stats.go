package llmsim

import (
	"sync/atomic"

	"github.com/voc-project/voc/llm"
)

// Stats is a snapshot of the simulator's counters, served at GET /stats.
type Stats struct {
	// Calls counts every chat-completions request received.
	Calls int64 `json:"calls"`
	// OK counts requests answered 200.
	OK          int64 `json:"ok"`
	BadRequests int64 `json:"bad_requests"`
	InFlight    int64 `json:"in_flight"`
	// Repairs counts requests that carry a repair message.
	Repairs   int64 `json:"repairs"`
	TokensIn  int64 `json:"tokens_in"`
	TokensOut int64 `json:"tokens_out"`
	// RateLimited counts 429 answers by code.
	RateLimited map[string]int64 `json:"rate_limited"`
	// Faults counts injected faults by kind: 5xx, timeout, malformed,
	// missing_id (ids dropped), refusal.
	Faults map[string]int64 `json:"faults"`
	// Tasks counts recognised requests by task.
	Tasks map[string]int64 `json:"tasks"`
	// Misquotes counts insights and tags given a misquoted quote, by kind
	// (paraphrase, translated, invented, wrong_id, joined).
	Misquotes map[string]int64 `json:"misquotes"`
}

type counters struct {
	calls, ok, badRequests, inFlight, repairs, tokensIn, tokensOut atomic.Int64

	rlRPM, rlTPM, rlBurst atomic.Int64

	fault5xx, faultTimeout, faultMalformed, faultMissingID, faultRefusal atomic.Int64

	// tasks has one counter per llm.Tasks entry, created by newCounters and
	// only read afterwards.
	tasks map[llm.Task]*atomic.Int64

	// misquotes has one counter per misquote kind, created by newCounters.
	misquotes map[string]*atomic.Int64
}

func (c *counters) misquote(kind string, n int) {
	if m, ok := c.misquotes[kind]; ok {
		m.Add(int64(n))
	}
}

func newCounters() *counters {
	c := &counters{tasks: make(map[llm.Task]*atomic.Int64, len(llm.Tasks)), misquotes: map[string]*atomic.Int64{}}
	for _, k := range misquoteKinds {
		c.misquotes[k] = new(atomic.Int64)
	}
	for _, t := range llm.Tasks {
		c.tasks[t] = new(atomic.Int64)
	}
	return c
}

func (c *counters) rateLimited(code string) *atomic.Int64 {
	switch code {
	case codeTPM:
		return &c.rlTPM
	case codeBurst:
		return &c.rlBurst
	}
	return &c.rlRPM
}

// task returns t's counter; ParsePrompt only yields known tasks.
func (c *counters) task(t llm.Task) *atomic.Int64 {
	if n, ok := c.tasks[t]; ok {
		return n
	}
	return new(atomic.Int64)
}

// Stats returns a snapshot of the counters.
func (s *Server) Stats() Stats {
	c := s.stats
	st := Stats{
		Calls:       c.calls.Load(),
		OK:          c.ok.Load(),
		BadRequests: c.badRequests.Load(),
		InFlight:    c.inFlight.Load(),
		Repairs:     c.repairs.Load(),
		TokensIn:    c.tokensIn.Load(),
		TokensOut:   c.tokensOut.Load(),
		RateLimited: map[string]int64{
			codeRPM:   c.rlRPM.Load(),
			codeTPM:   c.rlTPM.Load(),
			codeBurst: c.rlBurst.Load(),
		},
		Faults: map[string]int64{
			"5xx":        c.fault5xx.Load(),
			"timeout":    c.faultTimeout.Load(),
			"malformed":  c.faultMalformed.Load(),
			"missing_id": c.faultMissingID.Load(),
			"refusal":    c.faultRefusal.Load(),
		},
		Tasks:     make(map[string]int64, len(llm.Tasks)),
		Misquotes: make(map[string]int64, len(c.misquotes)),
	}
	for t, n := range c.tasks {
		st.Tasks[string(t)] = n.Load()
	}
	for k, n := range c.misquotes {
		st.Misquotes[k] = n.Load()
	}
	return st
}
