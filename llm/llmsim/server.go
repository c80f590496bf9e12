package llmsim

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/voc-project/voc/llm"
	"github.com/voc-project/voc/llm/offline"
)

const maxRequestBody = 32 << 20

// Server is the simulator. It is an http.Handler, so tests can mount it on
// httptest.NewServer; ListenAndServe and Shutdown run it standalone.
type Server struct {
	cfg Config
	a   llm.Analyzer
	mux *http.ServeMux

	rngMu sync.Mutex
	rng   *rand.Rand

	lim *limits

	// seen counts, per request content, the requests that reached the fault
	// draw: the fault schedule (see draw).
	seenMu sync.Mutex
	seen   map[uint64]int

	seq      atomic.Int64
	stats    *counters
	arrivals arrivals

	done     chan struct{}
	doneOnce sync.Once

	srvMu sync.Mutex
	srv   *http.Server
}

// New returns a simulator answering from a, or from offline.New() when a is
// nil. Invalid rates are clamped to [0, 1]; use Config.Validate first to
// reject them instead.
func New(cfg Config, a llm.Analyzer) *Server {
	if a == nil {
		a = defaultAnalyzer()
	}
	if cfg.Canned {
		a = Canned()
	}
	if cfg.Model == "" {
		cfg.Model = "voc-sim"
	}
	if cfg.HangFor <= 0 {
		cfg.HangFor = 10 * time.Minute
	}
	for _, r := range []*float64{&cfg.MisquoteRate, &cfg.RateLimitRate, &cfg.FailRate5xx, &cfg.TimeoutRate, &cfg.MalformedRate, &cfg.MissingIDRate, &cfg.RefusalRate, &cfg.LieRate} {
		*r = min(max(*r, 0), 1)
	}
	s := &Server{
		cfg:  cfg,
		a:    a,
		mux:  http.NewServeMux(),
		rng:  rand.New(rand.NewPCG(uint64(cfg.Seed), 0x766f632d73696d)), // "voc-sim"
		lim:  newLimits(cfg, time.Now()),
		seen: map[uint64]int{},
		done: make(chan struct{}),
	}
	s.stats = newCounters()
	s.mux.HandleFunc("POST /v1/chat/completions", s.handleChat)
	s.mux.HandleFunc("GET /v1/models", s.handleModels)
	s.mux.HandleFunc("GET /stats", s.handleStats)
	s.mux.HandleFunc("GET /stats/arrivals", s.handleArrivals)
	s.mux.HandleFunc("DELETE /stats/arrivals", s.handleArrivals)
	return s
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// ListenAndServe listens on Config.Addr and serves until Shutdown, when it
// returns nil. It returns the listener's or server's error otherwise.
func (s *Server) ListenAndServe() error {
	l, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("llmsim listen %s: %w", s.cfg.Addr, err)
	}
	return s.Serve(l)
}

// Serve serves on l until Shutdown, when it returns nil.
func (s *Server) Serve(l net.Listener) error {
	srv := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	s.srvMu.Lock()
	select {
	case <-s.done:
		s.srvMu.Unlock()
		_ = l.Close()
		return nil
	default:
	}
	s.srv = srv
	s.srvMu.Unlock()
	if err := srv.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("llmsim serve: %w", err)
	}
	return nil
}

// Shutdown ends simulated hangs and latencies at once, then stops the HTTP
// server gracefully, waiting for in-flight answers until ctx ends. It
// returns ctx's error if that comes first. Call it before closing an
// httptest server that mounts the simulator, or hung requests keep that
// Close waiting.
func (s *Server) Shutdown(ctx context.Context) error {
	s.doneOnce.Do(func() { close(s.done) })
	s.srvMu.Lock()
	srv := s.srv
	s.srvMu.Unlock()
	if srv == nil {
		return nil
	}
	if err := srv.Shutdown(ctx); err != nil {
		return fmt.Errorf("llmsim shutdown: %w", err)
	}
	return nil
}

// chatRequest is the part of a chat-completions request the simulator reads.
type chatRequest struct {
	Model    string `json:"model"`
	Stream   bool   `json:"stream"`
	Messages []struct {
		Role    string          `json:"role"`
		Content json.RawMessage `json:"content"`
	} `json:"messages"`
}

// text flattens a message content: a string or an array of text parts.
func text(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var parts []struct {
		Type string `json:"type"`
		Text string `json:"text"`
	}
	if json.Unmarshal(raw, &parts) == nil {
		var b strings.Builder
		for _, p := range parts {
			b.WriteString(p.Text)
		}
		return b.String()
	}
	return ""
}

func (s *Server) handleChat(w http.ResponseWriter, r *http.Request) {
	s.arrivals.add(time.Now())
	s.stats.calls.Add(1)
	s.stats.inFlight.Add(1)
	defer s.stats.inFlight.Add(-1)

	var req chatRequest
	if err := json.NewDecoder(io.LimitReader(r.Body, maxRequestBody)).Decode(&req); err != nil {
		s.badRequest(w, "request body is not valid json: "+err.Error())
		return
	}
	if req.Stream {
		s.badRequest(w, "stream is not supported by the simulator")
		return
	}
	var system, user string
	tokensIn := 0
	repair := false
	content := fnv.New64a()
	for _, m := range req.Messages {
		c := text(m.Content)
		content.Write([]byte(m.Role))
		content.Write([]byte{0})
		content.Write([]byte(c))
		content.Write([]byte{0})
		tokensIn += llm.EstimateTokens(c) + 4 // per-message framing
		switch m.Role {
		case "system", "developer":
			if system == "" {
				system = c
			}
		case "user":
			if user == "" {
				user = c
			} else if llm.IsRepairMessage(c) {
				repair = true
			}
		}
	}
	p, err := llm.ParsePrompt(system, user)
	if err != nil {
		s.badRequest(w, "not a voc prompt: "+err.Error())
		return
	}
	s.stats.task(p.Task).Add(1)
	if repair {
		s.stats.repairs.Add(1)
	}

	if code, wait := s.lim.admit(time.Now(), tokensIn); code != "" {
		s.stats.rateLimited(code).Add(1)
		writeError(w, http.StatusTooManyRequests, code, code, rateLimitMessage(code), wait)
		return
	}

	refused, err := s.refused(p)
	if err != nil {
		s.badRequest(w, err.Error())
		return
	}
	if refused {
		s.stats.faultRefusal.Add(1)
		writeError(w, http.StatusBadRequest, "data_inspection_failed", "data_inspection_failed",
			"Input data may contain inappropriate content.", 0)
		return
	}

	d := s.draw(content.Sum64())
	if d.rateLimited {
		s.stats.rateLimited(codeBurst).Add(1)
		writeError(w, http.StatusTooManyRequests, codeBurst, codeBurst, rateLimitMessage(codeBurst), time.Second)
		return
	}
	if d.fail5xx {
		s.stats.fault5xx.Add(1)
		writeError(w, http.StatusInternalServerError, "internal_error", "internal_error",
			"The server encountered an internal error (simulated).", 0)
		return
	}
	if d.hang {
		s.stats.faultTimeout.Add(1)
		t := time.NewTimer(s.cfg.HangFor)
		defer t.Stop()
		select {
		case <-r.Context().Done():
		case <-s.done:
		case <-t.C:
			writeError(w, http.StatusGatewayTimeout, "timeout", "RequestTimeOut", "Request timed out (simulated).", 0)
		}
		return
	}
	if !s.sleep(r.Context(), d.latency) {
		return
	}

	out, misquotes, err := s.answer(r.Context(), p, d)
	if err != nil {
		if r.Context().Err() != nil {
			return
		}
		var rf *llm.RefusalError
		if errors.As(err, &rf) {
			s.stats.faultRefusal.Add(1)
			writeError(w, http.StatusBadRequest, "data_inspection_failed", "data_inspection_failed", rf.Message, 0)
			return
		}
		writeError(w, http.StatusInternalServerError, "internal_error", "internal_error", "analyzer: "+err.Error(), 0)
		return
	}
	answer := string(out)
	if d.malformed {
		s.stats.faultMalformed.Add(1)
		answer = malform(answer, d.malformKind)
	} else {
		for k, n := range misquotes {
			s.stats.misquote(k, n)
		}
	}
	tokensOut := llm.EstimateTokens(answer)
	s.lim.spend(time.Now(), tokensOut)
	s.stats.ok.Add(1)
	s.stats.tokensIn.Add(int64(tokensIn))
	s.stats.tokensOut.Add(int64(tokensOut))

	model := req.Model
	if model == "" {
		model = s.cfg.Model
	}
	writeJSON(w, http.StatusOK, completion{
		ID:      "chatcmpl-sim-" + strconv.FormatInt(s.seq.Add(1), 10),
		Object:  "chat.completion",
		Created: time.Now().Unix(),
		Model:   model,
		Choices: []choice{{
			Index:        0,
			Message:      message{Role: "assistant", Content: answer},
			FinishReason: "stop",
		}},
		Usage: usage{PromptTokens: tokensIn, CompletionTokens: tokensOut, TotalTokens: tokensIn + tokensOut},
	})
}

// draws are one request's fault decisions.
type draws struct {
	rateLimited              bool
	fail5xx, hang, malformed bool
	malformKind              int
	latency                  time.Duration
	dropID                   func() bool
	// rng is the request's own source, for the misquoting mode.
	rng *rand.Rand
}

// draw takes one request's fault decisions from a seeded schedule: they
// depend only on the seed, the request's content and how many times the same
// content reached this point before, never on the order in which concurrent
// requests arrive. The n-th try of a given prompt therefore meets the same
// faults in every run, so a pipeline run against the simulator is
// reproducible, call counts included, however its jobs interleave. Only the
// latency comes from the shared source.
func (s *Server) draw(content uint64) draws {
	s.seenMu.Lock()
	n := s.seen[content]
	s.seen[content] = n + 1
	s.seenMu.Unlock()
	rng := rand.New(rand.NewPCG(uint64(s.cfg.Seed)^content, uint64(n)))
	d := draws{
		rateLimited: rng.Float64() < s.cfg.RateLimitRate,
		fail5xx:     rng.Float64() < s.cfg.FailRate5xx,
		hang:        rng.Float64() < s.cfg.TimeoutRate,
		malformed:   rng.Float64() < s.cfg.MalformedRate,
		malformKind: rng.IntN(3),
		latency:     s.cfg.Latency,
		rng:         rng,
	}
	if s.cfg.MissingIDRate > 0 {
		d.dropID = func() bool { return rng.Float64() < s.cfg.MissingIDRate }
	}
	s.rngMu.Lock()
	if j := s.cfg.Jitter; j > 0 {
		d.latency += time.Duration(s.rng.Int64N(int64(2*j)+1)) - j
	}
	s.rngMu.Unlock()
	d.latency = max(d.latency, 0)
	return d
}

// sleep waits d; it reports false if the client left or the server is
// shutting down first.
func (s *Server) sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	case <-s.done:
		return false
	}
}

// refused decodes the input's reviews and reports whether any is refused.
func (s *Server) refused(p llm.ParsedPrompt) (bool, error) {
	if s.cfg.RefusalRate <= 0 || p.Task == llm.TaskReport {
		return false, nil
	}
	var in struct {
		Reviews []llm.ReviewText `json:"reviews"`
	}
	if err := json.Unmarshal(p.Input, &in); err != nil {
		return false, fmt.Errorf("%s input: %v", p.Task, err)
	}
	for _, r := range in.Reviews {
		if s.cfg.Refuses(r.Title, r.Body) {
			return true, nil
		}
	}
	return false, nil
}

// answer decodes the input, calls the analyser and encodes its output,
// dropping ids when drop says so.
func (s *Server) answer(ctx context.Context, p llm.ParsedPrompt, d draws) ([]byte, map[string]int, error) {
	drop := d.dropID
	var mq *misquoter
	decode := func(v any) error {
		if err := json.Unmarshal(p.Input, v); err != nil {
			return fmt.Errorf("decode %s input: %w", p.Task, err)
		}
		return nil
	}
	var out any
	switch p.Task {
	case llm.TaskLearning:
		var in llm.LearnInput
		if err := decode(&in); err != nil {
			return nil, nil, err
		}
		o, _, err := s.a.Learn(ctx, in)
		if err != nil {
			return nil, nil, err
		}
		out = o
	case llm.TaskTranslation:
		var in llm.TranslateInput
		if err := decode(&in); err != nil {
			return nil, nil, err
		}
		o, _, err := s.a.Translate(ctx, in)
		if err != nil {
			return nil, nil, err
		}
		if !s.a.Translates() {
			o = echoTranslations(in, o)
		}
		o.Translations = dropEntries(s, o.Translations, drop)
		out = o
	case llm.TaskInsights:
		var in llm.InsightInput
		if err := decode(&in); err != nil {
			return nil, nil, err
		}
		o, _, err := s.a.Insights(ctx, in)
		if err != nil {
			return nil, nil, err
		}
		o.Reviews = dropEntries(s, o.Reviews, drop)
		if s.cfg.MisquoteRate > 0 {
			mq = newMisquoter(s, d.rng, in.Reviews)
			mq.insights(&o)
		}
		out = o
	case llm.TaskThemes:
		var in llm.ThemeInput
		if err := decode(&in); err != nil {
			return nil, nil, err
		}
		o, _, err := s.a.Themes(ctx, in)
		if err != nil {
			return nil, nil, err
		}
		o.Reviews = dropEntries(s, o.Reviews, drop)
		if s.cfg.MisquoteRate > 0 {
			mq = newMisquoter(s, d.rng, in.Reviews)
			mq.themes(&o)
		}
		out = o
	case llm.TaskReport:
		var in llm.ReportInput
		if err := decode(&in); err != nil {
			return nil, nil, err
		}
		o, _, err := s.a.Narrate(ctx, in)
		if err != nil {
			return nil, nil, err
		}
		if s.cfg.LieRate > 0 {
			s.rngMu.Lock()
			liar := s.rng.Float64() < s.cfg.LieRate
			s.rngMu.Unlock()
			if liar {
				o = lie(o)
			}
		}
		out = o
	case llm.TaskAlignment:
		var in llm.AlignInput
		if err := decode(&in); err != nil {
			return nil, nil, err
		}
		// A simulator built on a provider that aligns asks it; otherwise
		// (the offline analyser) the answer is the offline alignment, so
		// it is deterministic for the same input.
		o := offline.Align(in)
		if al, ok := llm.AlignerOf(s.a); ok {
			var err error
			if o, _, err = al.Align(ctx, in); err != nil {
				return nil, nil, err
			}
		}
		out = o
	default:
		return nil, nil, fmt.Errorf("unknown task %q", p.Task)
	}
	b, err := llm.EncodeOutput(out)
	if mq == nil {
		return b, nil, err
	}
	return b, mq.counts, err
}

// echoTranslations answers every id when the analyser does not translate
// (the offline one skips translation): the text comes back unchanged, which
// is what a model does for text already in the target language, so the
// pipeline downstream of translation still sees a complete answer.
func echoTranslations(in llm.TranslateInput, o llm.TranslateOutput) llm.TranslateOutput {
	have := make(map[int64]bool, len(o.Translations))
	for _, t := range o.Translations {
		have[t.ID] = true
	}
	for _, r := range in.Reviews {
		if !have[r.ID] {
			o.Translations = append(o.Translations, llm.Translation{ID: r.ID, Title: r.Title, Body: r.Body})
		}
	}
	return o
}

func dropEntries[T any](s *Server, xs []T, drop func() bool) []T {
	if drop == nil {
		return xs
	}
	kept := make([]T, 0, len(xs))
	for _, x := range xs {
		if drop() {
			s.stats.faultMissingID.Add(1)
			continue
		}
		kept = append(kept, x)
	}
	return kept
}

// malform breaks a JSON answer the ways models do: cut short (max tokens),
// wrapped in chatter, or with a trailing comma.
func malform(content string, kind int) string {
	switch kind {
	case 0:
		return content[:len(content)/2]
	case 1:
		return "Sure! Here is the json you asked for:\n" + content
	default:
		if i := strings.LastIndexByte(content, '}'); i > 0 {
			return content[:i] + ",}"
		}
		return content + ","
	}
}

func rateLimitMessage(code string) string {
	switch code {
	case codeBurst:
		return "Request rate increased too quickly. To ensure system stability, please adjust your client logic to scale requests more smoothly over time."
	case codeTPM:
		return "You exceeded your current quota, please check your plan and billing details."
	}
	return "Requests rate limit exceeded, please try again later."
}

func (s *Server) badRequest(w http.ResponseWriter, msg string) {
	s.stats.badRequests.Add(1)
	writeError(w, http.StatusBadRequest, "invalid_request_error", "invalid_parameter_error", msg, 0)
}

func (s *Server) handleModels(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{
		"object": "list",
		"data": []map[string]any{{
			"id": s.cfg.Model, "object": "model", "created": 0, "owned_by": "voc",
		}},
	})
}

func (s *Server) handleStats(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, s.Stats())
}

type completion struct {
	ID      string   `json:"id"`
	Object  string   `json:"object"`
	Created int64    `json:"created"`
	Model   string   `json:"model"`
	Choices []choice `json:"choices"`
	Usage   usage    `json:"usage"`
}

type choice struct {
	Index        int     `json:"index"`
	Message      message `json:"message"`
	FinishReason string  `json:"finish_reason"`
	Logprobs     any     `json:"logprobs"`
}

type message struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

type usage struct {
	PromptTokens     int `json:"prompt_tokens"`
	CompletionTokens int `json:"completion_tokens"`
	TotalTokens      int `json:"total_tokens"`
}

// errorBody is the OpenAI-shaped error DashScope's compatible mode answers.
type errorBody struct {
	Error struct {
		Message string `json:"message"`
		Type    string `json:"type"`
		Param   any    `json:"param"`
		Code    string `json:"code"`
	} `json:"error"`
}

func writeError(w http.ResponseWriter, status int, typ, code, msg string, retryAfter time.Duration) {
	var b errorBody
	b.Error.Message, b.Error.Type, b.Error.Code = msg, typ, code
	if retryAfter > 0 {
		secs := int64((retryAfter + time.Second - 1) / time.Second)
		w.Header().Set("Retry-After", strconv.FormatInt(max(secs, 1), 10))
	}
	writeJSON(w, status, b)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v) // the client may be gone; nothing to do about it
}

var digits = regexp.MustCompile(`\d+`)

// lie rewrites a narrative the way the narrator voc replaced got it wrong:
// each number in a claim becomes the number of reviews the claim cites, and
// each strength is repeated as a weakness.
func lie(o llm.ReportOutput) llm.ReportOutput {
	claims := func(cs []llm.Claim) []llm.Claim {
		out := make([]llm.Claim, len(cs))
		for i, c := range cs {
			c.Text = digits.ReplaceAllString(c.Text, strconv.Itoa(len(c.ReviewIDs)))
			out[i] = c
		}
		return out
	}
	o.ExecutiveSummary = claims([]llm.Claim{o.ExecutiveSummary})[0]
	o.Strengths = claims(o.Strengths)
	o.Weaknesses = append(claims(o.Weaknesses), o.Strengths...)
	o.PriorityActions = claims(o.PriorityActions)
	for i, p := range o.Personas {
		o.Personas[i].Summary = digits.ReplaceAllString(p.Summary, strconv.Itoa(len(p.ReviewIDs)))
	}
	return o
}
