package llm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
	"github.com/openai/openai-go/v3/shared"
)

// Defaults of OpenAIConfig. Qwen through DashScope's OpenAI-compatible mode is
// the documented default provider.
const (
	DefaultBaseURL             = "https://dashscope.aliyuncs.com/compatible-mode/v1"
	DefaultModel               = "qwen-plus"
	DefaultTimeout             = 120 * time.Second
	DefaultTemperature         = 0.1
	DefaultRetryAfter          = 10 * time.Second
	maxRetryAfter              = 10 * time.Minute
	maxErrorMessage            = 300
	providerNameOpenAI         = "openai"
	defaultMaxIdleConnsPerHost = 256
)

// OpenAIConfig configures the OpenAI-compatible provider. The caller fills it
// from defaults, VOC_* environment variables and flags; the provider reads no
// environment itself.
type OpenAIConfig struct {
	// Name is the provider name recorded with every call. Default "openai".
	Name string
	// BaseURL of the OpenAI-compatible API, up to and including /v1.
	// Default DefaultBaseURL (DashScope compatible mode).
	BaseURL string
	// APIKey is sent as a bearer token. It may be empty for local servers
	// (vLLM, Ollama, llmsim). It never appears in errors or records.
	APIKey string
	// Model name. Default DefaultModel.
	Model string
	// Timeout bounds one HTTP attempt. Default DefaultTimeout.
	Timeout time.Duration
	// Temperature of sampling. Zero means DefaultTemperature.
	Temperature float64
	// MaxTokens caps the answer length; zero leaves the provider's default.
	MaxTokens int
	// ExtraBody adds provider-specific top-level request fields, e.g.
	// {"enable_thinking": false} for Qwen3 models on DashScope.
	ExtraBody map[string]any
	// HTTPClient replaces the default client (tests, proxies). The SDK's own
	// retries are always off: the River job owns retries.
	HTTPClient *http.Client
	// Limiter paces requests; nil means unlimited.
	Limiter Limiter
	// Recorder receives every HTTP attempt; nil records nothing.
	Recorder Recorder
	// DefaultRetryAfter is used for a 429 without a usable Retry-After header.
	// Default DefaultRetryAfter.
	DefaultRetryAfter time.Duration
}

// OpenAI is the OpenAI-compatible provider: Qwen via DashScope, OpenAI, vLLM,
// Ollama, or the simulator. Every answer is validated against the task's
// JSON schema, repaired once if invalid, and cleaned of ids, quotes,
// dimensions and labels that are not in the input. It is safe for concurrent
// use.
type OpenAI struct {
	name       string
	model      string
	apiKey     string
	timeout    time.Duration
	temp       float64
	maxTokens  int
	extra      map[string]any
	retryAfter time.Duration
	limiter    Limiter
	recorder   Recorder
	chat       openai.ChatCompletionService
}

var (
	_ Analyzer = (*OpenAI)(nil)
	_ Aligner  = (*OpenAI)(nil)
)

// NewOpenAI returns a provider for cfg, filling defaults. It returns an error
// if the base URL is not an absolute http(s) URL.
func NewOpenAI(cfg OpenAIConfig) (*OpenAI, error) {
	if cfg.Name == "" {
		cfg.Name = providerNameOpenAI
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultBaseURL
	}
	if cfg.Model == "" {
		cfg.Model = DefaultModel
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.Temperature == 0 {
		cfg.Temperature = DefaultTemperature
	}
	if cfg.DefaultRetryAfter <= 0 {
		cfg.DefaultRetryAfter = DefaultRetryAfter
	}
	if !strings.HasPrefix(cfg.BaseURL, "http://") && !strings.HasPrefix(cfg.BaseURL, "https://") {
		return nil, fmt.Errorf("llm base url %q: want an http:// or https:// url", cfg.BaseURL)
	}
	hc := cfg.HTTPClient
	if hc == nil {
		// Many workers call one host; the default of 2 idle connections per
		// host would make most calls pay a new TLS handshake.
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConnsPerHost = defaultMaxIdleConnsPerHost
		hc = &http.Client{Transport: t}
	}
	opts := []option.RequestOption{
		option.WithBaseURL(cfg.BaseURL),
		option.WithHTTPClient(hc),
		option.WithMaxRetries(0),
		// Clear what the SDK could pick up from OPENAI_* variables: the
		// caller owns configuration.
		option.WithHeaderDel("OpenAI-Organization"),
		option.WithHeaderDel("OpenAI-Project"),
	}
	if cfg.APIKey != "" {
		opts = append(opts, option.WithAPIKey(cfg.APIKey))
	} else {
		opts = append(opts, option.WithHeaderDel("Authorization"))
	}
	return &OpenAI{
		name:       cfg.Name,
		model:      cfg.Model,
		apiKey:     cfg.APIKey,
		timeout:    cfg.Timeout,
		temp:       cfg.Temperature,
		maxTokens:  cfg.MaxTokens,
		extra:      cfg.ExtraBody,
		retryAfter: cfg.DefaultRetryAfter,
		limiter:    cfg.Limiter,
		recorder:   cfg.Recorder,
		chat:       openai.NewChatCompletionService(opts...),
	}, nil
}

// Name implements Analyzer.
func (o *OpenAI) Name() string { return o.name }

// Model implements Analyzer.
func (o *OpenAI) Model() string { return o.model }

// Translates implements Analyzer: a real model translates.
func (o *OpenAI) Translates() bool { return true }

// Learn implements Analyzer. Errors are *RateLimitError, *RefusalError,
// *PermanentError, *InvalidOutputError, or a plain (retryable) error.
func (o *OpenAI) Learn(ctx context.Context, in LearnInput) (LearnOutput, Usage, error) {
	return complete(ctx, o, TaskLearning, in, CleanLearn)
}

// Translate implements Analyzer; translations for ids not in the input are
// dropped. Errors are as for Learn.
func (o *OpenAI) Translate(ctx context.Context, in TranslateInput) (TranslateOutput, Usage, error) {
	return complete(ctx, o, TaskTranslation, in, func(out TranslateOutput) (TranslateOutput, int) {
		return CleanTranslations(in, out)
	})
}

// Insights implements Analyzer; see CleanInsights for what is dropped. Errors
// are as for Learn.
func (o *OpenAI) Insights(ctx context.Context, in InsightInput) (InsightOutput, Usage, error) {
	return complete(ctx, o, TaskInsights, in, func(out InsightOutput) (InsightOutput, int) {
		return CleanInsights(in, out)
	})
}

// Themes implements Analyzer; see CleanThemes for what is dropped. Errors are
// as for Learn.
func (o *OpenAI) Themes(ctx context.Context, in ThemeInput) (ThemeOutput, Usage, error) {
	return complete(ctx, o, TaskThemes, in, func(out ThemeOutput) (ThemeOutput, int) {
		return CleanThemes(in, out)
	})
}

// Narrate implements Analyzer; see CleanReport for what is dropped. Errors
// are as for Learn.
func (o *OpenAI) Narrate(ctx context.Context, in ReportInput) (ReportOutput, Usage, error) {
	return complete(ctx, o, TaskReport, in, func(out ReportOutput) (ReportOutput, int) {
		return CleanReport(in, out)
	})
}

// Align implements Aligner: one call for the whole comparison; see
// CleanAlign for what is dropped. Errors are as for Learn.
func (o *OpenAI) Align(ctx context.Context, in AlignInput) (AlignOutput, Usage, error) {
	return complete(ctx, o, TaskAlignment, in, func(out AlignOutput) (AlignOutput, int) {
		return CleanAlign(in, out)
	})
}

// complete runs one task: prompt, call, validate, at most one repair, clean.
func complete[O any](ctx context.Context, o *OpenAI, t Task, in any, clean func(O) (O, int)) (O, Usage, error) {
	var zero O
	p, err := BuildPrompt(t, in)
	if err != nil {
		return zero, Usage{}, err
	}
	msgs := []openai.ChatCompletionMessageParamUnion{
		openai.SystemMessage(p.System),
		openai.UserMessage(p.User),
	}
	est := EstimateTokens(p.System) + EstimateTokens(p.User)
	var usage Usage
	for attempt := 1; attempt <= 2; attempt++ {
		repair := attempt == 2
		a, err := o.send(ctx, t, msgs, est, repair)
		usage = usage.Add(a.usage)
		if err != nil {
			return zero, usage, err
		}
		call := a.call
		out, verr := decodeAnswer[O](t, a.content)
		if verr != nil && a.truncated {
			verr = fmt.Errorf("answer cut off at the token limit, keep it shorter: %w", verr)
		}
		if verr == nil {
			var dropped int
			out, dropped = clean(out)
			call.Status, call.Dropped = CallOK, dropped
			o.record(ctx, call)
			return out, usage, nil
		}
		call.Status, call.Error = CallInvalid, truncate(verr.Error())
		o.record(ctx, call)
		if repair {
			return zero, usage, &InvalidOutputError{Reason: verr.Error()}
		}
		fix := RepairMessage(verr.Error())
		msgs = append(msgs, openai.AssistantMessage(a.content), openai.UserMessage(fix))
		est += EstimateTokens(a.content) + EstimateTokens(fix)
	}
	panic("unreachable")
}

// decodeAnswer extracts the JSON document from a model's message, validates
// it and decodes it.
func decodeAnswer[O any](t Task, content string) (O, error) {
	var out O
	raw := []byte(extractJSON(content))
	if err := Validate(t, raw); err != nil {
		return out, err
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		return out, fmt.Errorf("decode %s answer: %w", t, err)
	}
	return out, nil
}

// extractJSON removes what models wrap around a JSON answer even in JSON
// mode: a leading <think>…</think> block and markdown code fences.
func extractJSON(s string) string {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "<think>") {
		if _, after, ok := strings.Cut(s, "</think>"); ok {
			s = strings.TrimSpace(after)
		}
	}
	if strings.HasPrefix(s, "```") {
		if _, body, ok := strings.Cut(s, "\n"); ok {
			s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(body), "```"))
		}
	}
	return s
}

// attemptResult is one HTTP attempt's answer and the call record to finish.
type attemptResult struct {
	content   string
	truncated bool
	usage     Usage
	call      Call
}

// send makes one HTTP attempt after waiting for the limiter. A failed attempt
// is recorded here; a successful one is recorded by the caller once it knows
// whether the answer validated.
// est is the estimated prompt size in tokens.
func (o *OpenAI) send(ctx context.Context, t Task, msgs []openai.ChatCompletionMessageParamUnion, est int, repair bool) (attemptResult, error) {
	params := openai.ChatCompletionNewParams{
		Model:       o.model,
		Messages:    msgs,
		Temperature: openai.Float(o.temp),
		ResponseFormat: openai.ChatCompletionNewParamsResponseFormatUnion{
			OfJSONObject: &shared.ResponseFormatJSONObjectParam{},
		},
	}
	if o.maxTokens > 0 {
		params.MaxTokens = openai.Int(int64(o.maxTokens))
	}
	var reqOpts []option.RequestOption
	for k, v := range o.extra {
		reqOpts = append(reqOpts, option.WithJSONSet(k, v))
	}
	var resp *http.Response
	reqOpts = append(reqOpts, option.WithResponseInto(&resp))

	// The limiter is asked as late as possible: in a middleware, after the
	// SDK has encoded the request, right before it goes on the wire. Encoding
	// a large prompt after the wait would put a variable delay between the
	// limiter's slot and the send, and delayed sends bunch up on the wire.
	var waitErr error
	var start time.Time
	if o.limiter != nil {
		reqOpts = append(reqOpts, option.WithMiddleware(func(req *http.Request, next option.MiddlewareNext) (*http.Response, error) {
			// Charge the answer too: for these tasks it is about as long as
			// the input, and TPM budgets count both. Waiting on ctx, not the
			// attempt's timeout, keeps the limiter's deadline rule.
			if err := o.limiter.Wait(ctx, 2*est); err != nil {
				waitErr = err
				return nil, err
			}
			start = time.Now()
			return next(req)
		}))
	}

	actx, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()
	if o.limiter == nil {
		start = time.Now()
	}
	cc, err := o.chat.New(actx, params, reqOpts...)
	if waitErr != nil {
		// Turned away by the limiter: the request never left, so it is no
		// call to record.
		return attemptResult{}, waitErr
	}
	var latency time.Duration
	if !start.IsZero() {
		latency = time.Since(start)
	}

	call := Call{Stage: t.Stage(), Provider: o.name, Model: o.model, Latency: latency, Repair: repair}
	usage := Usage{Calls: 1, Latency: latency}
	if err != nil {
		// Token counts stay zero: a failed attempt reports no usage, and
		// whether the provider spent any is unknown.
		err = o.mapError(ctx, actx, t, err, resp)
		call.Status = statusOf(err)
		call.Error = truncate(err.Error())
		o.record(ctx, call)
		return attemptResult{usage: usage}, err
	}
	if len(cc.Choices) == 0 {
		err := fmt.Errorf("llm %s: answer has no choices", t)
		call.Status, call.Error = CallError, err.Error()
		o.record(ctx, call)
		return attemptResult{usage: usage}, err
	}
	ch := cc.Choices[0]
	content := ch.Message.Content
	call.TokensIn, call.TokensOut = int(cc.Usage.PromptTokens), int(cc.Usage.CompletionTokens)
	if call.TokensIn == 0 {
		call.TokensIn = est // some servers (older Ollama) omit usage
	}
	if call.TokensOut == 0 {
		call.TokensOut = EstimateTokens(content)
	}
	usage.TokensIn, usage.TokensOut = call.TokensIn, call.TokensOut

	// A refusal in the answer, not in the status code (OpenAI's refusal
	// field, or a content filter cutting the answer), is a refusal too.
	if ch.Message.Refusal != "" || ch.FinishReason == "content_filter" {
		msg := ch.Message.Refusal
		if msg == "" {
			msg = "answer stopped by the content filter"
		}
		rerr := &RefusalError{Code: "model_refusal", Message: truncate(msg)}
		if ch.FinishReason == "content_filter" {
			rerr.Code = "content_filter"
		}
		call.Status, call.Error = CallRefused, rerr.Error()
		o.record(ctx, call)
		return attemptResult{usage: usage}, rerr
	}
	// A truncated answer (finish_reason "length") fails validation and gets
	// the repair; if that is cut short too, InvalidOutputError makes the
	// caller split the batch, which is what a too-long answer needs.
	return attemptResult{content: content, truncated: ch.FinishReason == "length", usage: usage, call: call}, nil
}

func (o *OpenAI) record(ctx context.Context, c Call) {
	observeCall(c)
	if o.recorder != nil {
		o.recorder.RecordCall(ctx, c)
	}
}

func statusOf(err error) string {
	var rl *RateLimitError
	var rf *RefusalError
	switch {
	case errors.As(err, &rl):
		return CallRateLimited
	case errors.As(err, &rf):
		return CallRefused
	case IsInvalidOutput(err):
		return CallInvalid
	}
	return CallError
}

// apiErrorBody is the error body of OpenAI-compatible servers; DashScope's
// native shape puts code and message at the top level.
type apiErrorBody struct {
	Error *struct {
		Message string `json:"message"`
		Type    string `json:"type"`
		Code    any    `json:"code"`
	} `json:"error"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// parseErrorBody reads an error body in the OpenAI or the DashScope native
// shape; anything else becomes the message.
func parseErrorBody(r io.Reader) (code, typ, msg string) {
	b, _ := io.ReadAll(io.LimitReader(r, 64<<10))
	var body apiErrorBody
	if json.Unmarshal(b, &body) != nil {
		return "", "", string(b)
	}
	if body.Error != nil {
		if s, ok := body.Error.Code.(string); ok {
			code = s
		}
		return code, body.Error.Type, body.Error.Message
	}
	return body.Code, "", body.Message
}

// mapError turns an SDK error into the contract's typed errors. ctx is the
// caller's context, actx the attempt's (ctx plus the attempt timeout).
func (o *OpenAI) mapError(ctx, actx context.Context, t Task, err error, resp *http.Response) error {
	if ctx.Err() != nil {
		return fmt.Errorf("llm %s: %w", t, ctx.Err())
	}
	if actx.Err() != nil {
		return fmt.Errorf("llm %s: request timed out after %s", t, o.timeout)
	}
	status := 0
	var code, typ, msg string
	var res *http.Response
	var apiErr *openai.Error
	switch {
	case errors.As(err, &apiErr):
		status, code, typ, msg, res = apiErr.StatusCode, apiErr.Code, apiErr.Type, apiErr.Message, apiErr.Response
	case resp != nil && resp.StatusCode >= 400:
		status, res = resp.StatusCode, resp
	default:
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			return fmt.Errorf("llm %s: network timeout: %s", t, o.redact(err.Error()))
		}
		return fmt.Errorf("llm %s request: %s", t, o.redact(err.Error()))
	}
	var header http.Header
	if res != nil {
		header = res.Header
		if code == "" && typ == "" && msg == "" && res.Body != nil {
			// Not the OpenAI error shape (DashScope's native one, or a proxy's
			// HTML page): the SDK leaves the body readable.
			code, typ, msg = parseErrorBody(res.Body)
		}
	}
	msg = truncate(o.redact(strings.TrimSpace(msg)))
	if code == "" {
		code = typ
	}
	switch {
	case status == http.StatusTooManyRequests:
		if code == "" {
			code = "rate_limited"
		}
		return &RateLimitError{Code: code, RetryAfter: o.parseRetryAfter(header, time.Now()), Message: msg}
	case status == http.StatusBadRequest && (code == "data_inspection_failed" || typ == "data_inspection_failed"):
		return &RefusalError{Code: "data_inspection_failed", Message: msg}
	case status == http.StatusBadRequest && (strings.EqualFold(code, "Arrearage") || strings.EqualFold(typ, "Arrearage")):
		return &PermanentError{Status: status, Code: "Arrearage", Message: msg}
	case status == http.StatusUnauthorized, status == http.StatusForbidden, status == http.StatusNotFound:
		// Bad key, no access to the model, unknown model: no retry helps
		// until an operator changes the configuration.
		return &PermanentError{Status: status, Code: code, Message: msg}
	case status >= 500:
		return fmt.Errorf("llm %s: provider error %d (%s): %s", t, status, code, msg)
	default:
		return fmt.Errorf("llm %s: provider answered %d (%s): %s", t, status, code, msg)
	}
}

// parseRetryAfter reads retry-after-ms (OpenAI) or Retry-After in seconds or
// as an HTTP date, falling back to the configured default.
func (o *OpenAI) parseRetryAfter(h http.Header, now time.Time) time.Duration {
	d := time.Duration(0)
	if h != nil {
		if v := h.Get("Retry-After-Ms"); v != "" {
			if ms, err := strconv.ParseFloat(v, 64); err == nil && ms > 0 {
				d = time.Duration(ms * float64(time.Millisecond))
			}
		}
		if v := strings.TrimSpace(h.Get("Retry-After")); d == 0 && v != "" {
			if s, err := strconv.ParseFloat(v, 64); err == nil {
				d = time.Duration(s * float64(time.Second))
			} else if at, err := http.ParseTime(v); err == nil {
				d = at.Sub(now)
			}
		}
	}
	switch {
	case d <= 0:
		return o.retryAfter
	case d < time.Second:
		return time.Second
	case d > maxRetryAfter:
		return maxRetryAfter
	}
	return d
}

func (o *OpenAI) redact(s string) string {
	if o.apiKey != "" {
		s = strings.ReplaceAll(s, o.apiKey, "[redacted]")
	}
	return s
}

func truncate(s string) string {
	if len(s) <= maxErrorMessage {
		return s
	}
	cut := maxErrorMessage
	for cut > 0 && !isRuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }
