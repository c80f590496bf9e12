package llmsim

import (
	"flag"
	"fmt"
	"hash/fnv"
	"math"
	"time"
)

// Config configures a Server. Rates are probabilities in [0, 1].
type Config struct {
	// Addr is the listen address of ListenAndServe.
	Addr string
	// Model is the model name reported by /v1/models and used in answers
	// when a request names none.
	Model string
	// Latency is the mean answer time; each answer takes Latency plus a
	// uniform draw from [-Jitter, +Jitter], never less than zero.
	Latency time.Duration
	Jitter  time.Duration
	// RPM and TPM are per-minute request and token budgets (0 = unlimited).
	// Exceeding them answers 429 with code limit_requests (RPM) or
	// insufficient_quota (TPM), as DashScope does.
	RPM int
	TPM int
	// Burst is the most requests admitted within one wall-clock second
	// (0 = unlimited); more answer 429 limit_burst_rate.
	Burst int
	// RateLimitRate is the share of requests answered 429
	// limit_burst_rate by the fault schedule, whatever the timing: unlike
	// Burst, the same run meets the same 429s.
	RateLimitRate float64
	// FailRate5xx is the share of requests answered 500.
	FailRate5xx float64
	// TimeoutRate is the share of requests that hang until the client gives
	// up (or HangFor passes, then 504).
	TimeoutRate float64
	// MalformedRate is the share of answers whose content is not valid JSON.
	MalformedRate float64
	// MissingIDRate is the share of review ids dropped from translation,
	// insight and theme answers.
	MissingIDRate float64
	// RefusalRate is the share of review texts refused with 400
	// data_inspection_failed. A refused text is refused on every request, and
	// a batch is refused if any of its reviews is.
	RefusalRate float64
	// MisquoteRate is the share of insights and tags whose quote is
	// rewritten the ways models misquote: paraphrased, translated, invented,
	// moved to another review of the batch, or joined across a sentence
	// break. Stats.Misquotes counts them by kind; each is one item that the
	// pipeline must reject.
	MisquoteRate float64
	// LieRate is the share of report narratives that lie the way the
	// narrator voc replaced did: every number in a claim becomes the count
	// of reviews it cites (the evidence sample size), and every strength is
	// repeated as a weakness. It exists to test the report checker.
	LieRate float64
	// Seed seeds the fault draws and the refusal choice.
	Seed int64
	// HangFor bounds a simulated timeout. Zero means 10 minutes.
	HangFor time.Duration
	// Canned answers batch tasks from the cheap Canned analyser instead of
	// the one passed to New, so a benchmark measures voc, not the analyser.
	Canned bool
}

// DefaultConfig returns the settings of `voc llmsim` without flags: a local
// provider with realistic latency, no limits and no faults.
func DefaultConfig() Config {
	return Config{
		Addr:    ":8090",
		Model:   "voc-sim",
		Latency: 400 * time.Millisecond,
		Jitter:  200 * time.Millisecond,
		Seed:    1,
		HangFor: 10 * time.Minute,
	}
}

// RegisterFlags registers one flag per field on fs, with c's current values
// as defaults: --addr --model --latency --jitter --rpm --tpm --burst
// --fail-5xx --timeout-rate --malformed-rate --missing-id-rate
// --refusal-rate --rate-limit-rate --misquote-rate --lie-rate --seed --hang-for. With cobra, add fs to a command through
// its pflag set's AddGoFlagSet.
func (c *Config) RegisterFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.Addr, "addr", c.Addr, "listen address")
	fs.StringVar(&c.Model, "model", c.Model, "model name to report")
	fs.DurationVar(&c.Latency, "latency", c.Latency, "mean answer latency")
	fs.DurationVar(&c.Jitter, "jitter", c.Jitter, "uniform latency jitter (±)")
	fs.IntVar(&c.RPM, "rpm", c.RPM, "requests per minute before 429 limit_requests (0 = unlimited)")
	fs.IntVar(&c.TPM, "tpm", c.TPM, "tokens per minute before 429 insufficient_quota (0 = unlimited)")
	fs.IntVar(&c.Burst, "burst", c.Burst, "requests per second before 429 limit_burst_rate (0 = unlimited)")
	fs.Float64Var(&c.RateLimitRate, "rate-limit-rate", c.RateLimitRate, "share of requests answered 429 limit_burst_rate by the fault schedule (0..1)")
	fs.Float64Var(&c.FailRate5xx, "fail-5xx", c.FailRate5xx, "share of requests answered 500 (0..1)")
	fs.Float64Var(&c.TimeoutRate, "timeout-rate", c.TimeoutRate, "share of requests that hang (0..1)")
	fs.Float64Var(&c.MalformedRate, "malformed-rate", c.MalformedRate, "share of answers with invalid json (0..1)")
	fs.Float64Var(&c.MissingIDRate, "missing-id-rate", c.MissingIDRate, "share of review ids dropped from answers (0..1)")
	fs.Float64Var(&c.RefusalRate, "refusal-rate", c.RefusalRate, "share of review texts refused with data_inspection_failed (0..1)")
	fs.Float64Var(&c.MisquoteRate, "misquote-rate", c.MisquoteRate, "share of insights and tags with a misquoted quote (0..1)")
	fs.Float64Var(&c.LieRate, "lie-rate", c.LieRate, "share of report narratives with false counts and strengths repeated as weaknesses (0..1)")
	fs.Int64Var(&c.Seed, "seed", c.Seed, "seed of fault draws and refusals")
	fs.DurationVar(&c.HangFor, "hang-for", c.HangFor, "how long a simulated timeout hangs at most")
	fs.BoolVar(&c.Canned, "canned", c.Canned, "answer batch tasks with cheap canned answers built from the input (throughput benchmarks)")
}

// Validate returns an error naming the first field out of range.
func (c Config) Validate() error {
	rates := []struct {
		name string
		v    float64
	}{
		{"fail-5xx", c.FailRate5xx}, {"timeout-rate", c.TimeoutRate}, {"malformed-rate", c.MalformedRate},
		{"missing-id-rate", c.MissingIDRate}, {"refusal-rate", c.RefusalRate}, {"rate-limit-rate", c.RateLimitRate}, {"misquote-rate", c.MisquoteRate}, {"lie-rate", c.LieRate},
	}
	for _, r := range rates {
		if r.v < 0 || r.v > 1 || math.IsNaN(r.v) {
			return fmt.Errorf("llmsim %s %v: want a rate between 0 and 1", r.name, r.v)
		}
	}
	switch {
	case c.RPM < 0:
		return fmt.Errorf("llmsim rpm %d: want 0 (unlimited) or more", c.RPM)
	case c.TPM < 0:
		return fmt.Errorf("llmsim tpm %d: want 0 (unlimited) or more", c.TPM)
	case c.Burst < 0:
		return fmt.Errorf("llmsim burst %d: want 0 (unlimited) or more", c.Burst)
	case c.Latency < 0 || c.Jitter < 0:
		return fmt.Errorf("llmsim latency %s jitter %s: want non-negative durations", c.Latency, c.Jitter)
	}
	return nil
}

// Refuses reports whether the simulator refuses a review with this title and
// body: a hash of the seed and the text, scaled to [0, 1), below RefusalRate.
// Tests use it to know in advance which reviews will fail.
func (c Config) Refuses(title, body string) bool {
	if c.RefusalRate <= 0 {
		return false
	}
	h := fnv.New64a()
	var seed [8]byte
	for i := range seed {
		seed[i] = byte(uint64(c.Seed) >> (8 * i))
	}
	h.Write(seed[:])
	h.Write([]byte(title))
	h.Write([]byte{0})
	h.Write([]byte(body))
	return float64(h.Sum64()>>11)/(1<<53) < c.RefusalRate
}
