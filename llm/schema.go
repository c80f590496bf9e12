package llm

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/invopop/jsonschema"
	validator "github.com/santhosh-tekuri/jsonschema/v6"
)

// The output schemas are generated from the Go types in types.go, so the
// contract has one source of truth: change a type or its `jsonschema` tag and
// the prompt, the validator and the cache key (SchemaVersion) all follow.

// taskSpec is everything derived from one task at init: its output schema
// (as sent in the prompt and as compiled for validation) and its prompt.
type taskSpec struct {
	task          Task
	newOutput     func() any
	schemaJSON    []byte
	schema        *validator.Schema
	promptVersion string
	version       string
}

var specs = mustBuildSpecs()

func outputFactory(t Task) func() any {
	switch t {
	case TaskLearning:
		return func() any { return new(LearnOutput) }
	case TaskTranslation:
		return func() any { return new(TranslateOutput) }
	case TaskInsights:
		return func() any { return new(InsightOutput) }
	case TaskThemes:
		return func() any { return new(ThemeOutput) }
	case TaskReport:
		return func() any { return new(ReportOutput) }
	case TaskAlignment:
		return func() any { return new(AlignOutput) }
	}
	return nil
}

func mustBuildSpecs() map[Task]*taskSpec {
	m := make(map[Task]*taskSpec, len(Tasks))
	for _, t := range Tasks {
		s, err := buildSpec(t)
		if err != nil {
			panic(fmt.Sprintf("llm: build %s schema: %v", t, err))
		}
		m[t] = s
	}
	return m
}

func buildSpec(t Task) (*taskSpec, error) {
	newOut := outputFactory(t)
	r := &jsonschema.Reflector{
		// Inline every type: a flat schema is easier for a model to follow
		// than $defs and $refs, and the types are small.
		DoNotReference: true,
		Anonymous:      true,
	}
	s := r.Reflect(newOut())
	s.Version = "" // the draft URL is noise in a prompt; the validator assumes 2020-12
	raw, err := json.Marshal(s)
	if err != nil {
		return nil, fmt.Errorf("marshal schema: %w", err)
	}
	doc, err := validator.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("reparse schema: %w", err)
	}
	c := validator.NewCompiler()
	c.DefaultDraft(validator.Draft2020)
	url := "voc:///schema/" + string(t) + ".json"
	if err := c.AddResource(url, doc); err != nil {
		return nil, fmt.Errorf("add schema: %w", err)
	}
	compiled, err := c.Compile(url)
	if err != nil {
		return nil, fmt.Errorf("compile schema: %w", err)
	}
	p, ok := prompts[t]
	if !ok {
		return nil, errors.New("no prompt template")
	}
	h := sha256.New()
	h.Write(raw)
	h.Write([]byte{0})
	h.Write([]byte(p.version))
	h.Write([]byte{0})
	h.Write([]byte(p.source))
	sum := hex.EncodeToString(h.Sum(nil))[:12]
	return &taskSpec{
		task:          t,
		newOutput:     newOut,
		schemaJSON:    raw,
		schema:        compiled,
		promptVersion: p.version,
		version:       fmt.Sprintf("%s/%s-%s", t, p.version, sum),
	}, nil
}

func spec(t Task) (*taskSpec, error) {
	s, ok := specs[t]
	if !ok {
		return nil, fmt.Errorf("unknown llm task %q", t)
	}
	return s, nil
}

// Schema returns the JSON schema of a task's output, as embedded in its
// prompt. It returns nil for an unknown task.
func Schema(t Task) []byte {
	s, err := spec(t)
	if err != nil {
		return nil
	}
	return bytes.Clone(s.schemaJSON)
}

// SchemaVersion returns a string that changes whenever a task's output schema,
// prompt version or prompt text changes, e.g. "insights/v1-3f2a9c01b7de". It
// is meant to be part of the answer-cache key. It returns "" for an unknown
// task.
func SchemaVersion(t Task) string {
	s, err := spec(t)
	if err != nil {
		return ""
	}
	return s.version
}

// PromptVersion returns the version of a task's prompt template ("v1"), or ""
// for an unknown task.
func PromptVersion(t Task) string {
	s, err := spec(t)
	if err != nil {
		return ""
	}
	return s.promptVersion
}

// Validate checks raw against the output schema of task t. It returns nil when
// raw is one JSON document that satisfies the schema, and otherwise an error
// that names the offending locations ("at /reviews/0/insights/1/type: value
// must be one of ...") and is fit to be sent back to the model in a repair
// request.
func Validate(t Task, raw []byte) error {
	s, err := spec(t)
	if err != nil {
		return err
	}
	doc, err := validator.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		return fmt.Errorf("not valid json: %w", err)
	}
	if err := s.schema.Validate(doc); err != nil {
		var ve *validator.ValidationError
		if errors.As(err, &ve) {
			return &SchemaError{Problems: leafProblems(ve)}
		}
		return fmt.Errorf("validate %s output: %w", t, err)
	}
	return nil
}

// SchemaError lists where an answer breaks its schema.
type SchemaError struct {
	// Problems are "at <json pointer>: <what is wrong>" lines, deepest first.
	Problems []string
}

// maxProblems bounds the error text: a model fixes the first few problems
// as well as all of them, and a log line stays readable.
const maxProblems = 8

func (e *SchemaError) Error() string {
	p := e.Problems
	more := ""
	if len(p) > maxProblems {
		more = fmt.Sprintf("; and %d more", len(p)-maxProblems)
		p = p[:maxProblems]
	}
	return "schema violation: " + strings.Join(p, "; ") + more
}

// leafProblems flattens a validation error tree to its leaves, which carry
// the precise location and reason; inner nodes only say "validation failed".
func leafProblems(ve *validator.ValidationError) []string {
	var out []string
	var walk func(e *validator.ValidationError)
	walk = func(e *validator.ValidationError) {
		if len(e.Causes) == 0 {
			// A leaf prints as "at '/reviews/0/type': value must be ...".
			out = append(out, e.Error())
			return
		}
		for _, c := range e.Causes {
			walk(c)
		}
	}
	walk(ve)
	if len(out) == 0 {
		out = append(out, ve.Error())
	}
	return out
}

// DecodeOutput validates raw against task t's schema and decodes it into the
// task's output type (*LearnOutput, *TranslateOutput, ...). It returns the
// Validate error when raw is invalid.
func DecodeOutput(t Task, raw []byte) (any, error) {
	s, err := spec(t)
	if err != nil {
		return nil, err
	}
	if err := Validate(t, raw); err != nil {
		return nil, err
	}
	out := s.newOutput()
	if err := json.Unmarshal(raw, out); err != nil {
		return nil, fmt.Errorf("decode %s output: %w", t, err)
	}
	return out, nil
}
