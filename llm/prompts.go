package llm

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"text/template"
)

// Prompts are text/templates embedded from prompts/<task>.tmpl. Each file
// defines a "system" and a "user" template. The framing around them — the
// machine-readable first line and the input markers — is written here, not in
// the templates, so that no template edit can break what the simulator and
// the answer cache rely on.
//
// Bump a task's version below whenever its template changes meaning.
// SchemaVersion also hashes the template text, so a forgotten bump still
// invalidates cached answers.
var promptVersions = map[Task]string{
	TaskLearning:    "v1",
	TaskTranslation: "v1",
	TaskInsights:    "v1",
	TaskThemes:      "v1",
	TaskReport:      "v1",
	TaskAlignment:   "v1",
}

//go:embed prompts/*.tmpl
var promptFS embed.FS

const (
	// taskLinePrefix starts the first line of every system message:
	// "voc-task: insights v1".
	taskLinePrefix = "voc-task:"
	inputBegin     = "<<<VOC_INPUT_JSON"
	inputEnd       = "VOC_INPUT_JSON>>>"
	repairPrefix   = "voc-repair:"
)

type promptTemplate struct {
	version string
	source  string
	tmpl    *template.Template
}

var prompts = mustLoadPrompts()

func mustLoadPrompts() map[Task]promptTemplate {
	m := make(map[Task]promptTemplate, len(Tasks))
	for _, t := range Tasks {
		name := "prompts/" + string(t) + ".tmpl"
		src, err := promptFS.ReadFile(name)
		if err != nil {
			panic(fmt.Sprintf("llm: read %s: %v", name, err))
		}
		tm, err := template.New(string(t)).Option("missingkey=error").Parse(string(src))
		if err != nil {
			panic(fmt.Sprintf("llm: parse %s: %v", name, err))
		}
		for _, part := range []string{"system", "user"} {
			if tm.Lookup(part) == nil {
				panic(fmt.Sprintf("llm: %s defines no %q template", name, part))
			}
		}
		m[t] = promptTemplate{version: promptVersions[t], source: string(src), tmpl: tm}
	}
	return m
}

// Prompt is a rendered request for one task.
type Prompt struct {
	Task   Task
	System string
	User   string
}

type promptData struct {
	Task           Task
	Version        string
	TargetLanguage string
	Schema         string
}

// BuildPrompt renders the system and user messages of task t for input in
// (LearnInput for TaskLearning, TranslateInput for TaskTranslation, and so
// on). The input is embedded in the user message as one JSON document between
// markers. It returns an error for an unknown task or an input of the wrong
// type.
func BuildPrompt(t Task, in any) (Prompt, error) {
	s, err := spec(t)
	if err != nil {
		return Prompt{}, err
	}
	lang, err := targetLanguage(t, in)
	if err != nil {
		return Prompt{}, err
	}
	input, err := EncodeOutput(in) // [] rather than null for empty lists
	if err != nil {
		return Prompt{}, fmt.Errorf("encode %s input: %w", t, err)
	}
	p := prompts[t]
	data := promptData{Task: t, Version: p.version, TargetLanguage: lang, Schema: string(s.schemaJSON)}
	var sys, usr bytes.Buffer
	fmt.Fprintf(&sys, "%s %s %s\n", taskLinePrefix, t, p.version)
	if err := p.tmpl.ExecuteTemplate(&sys, "system", data); err != nil {
		return Prompt{}, fmt.Errorf("render %s system prompt: %w", t, err)
	}
	if err := p.tmpl.ExecuteTemplate(&usr, "user", data); err != nil {
		return Prompt{}, fmt.Errorf("render %s user prompt: %w", t, err)
	}
	usr.WriteString("\n" + inputBegin + "\n")
	usr.Write(input)
	usr.WriteString("\n" + inputEnd + "\n")
	return Prompt{Task: t, System: sys.String(), User: usr.String()}, nil
}

func targetLanguage(t Task, in any) (string, error) {
	var lang string
	ok := false
	switch t {
	case TaskLearning:
		var v LearnInput
		v, ok = in.(LearnInput)
		lang = v.TargetLanguage
	case TaskTranslation:
		var v TranslateInput
		v, ok = in.(TranslateInput)
		lang = v.TargetLanguage
	case TaskInsights:
		var v InsightInput
		v, ok = in.(InsightInput)
		lang = v.TargetLanguage
	case TaskThemes:
		var v ThemeInput
		v, ok = in.(ThemeInput)
		lang = v.TargetLanguage
	case TaskReport:
		var v ReportInput
		v, ok = in.(ReportInput)
		lang = v.TargetLanguage
	case TaskAlignment:
		var v AlignInput
		v, ok = in.(AlignInput)
		lang = v.TargetLanguage
	}
	if !ok {
		return "", fmt.Errorf("%s prompt: unexpected input type %T", t, in)
	}
	if lang == "" {
		lang = "zh"
	}
	return lang, nil
}

// marshalCompact encodes v without HTML escaping: review text with < > & stays
// readable (and cheaper in tokens) for the model.
func marshalCompact(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}

// ParsedPrompt is what ParsePrompt recovers from a request.
type ParsedPrompt struct {
	Task    Task
	Version string
	// Input is the embedded input JSON document, undecoded.
	Input json.RawMessage
}

// ErrNotVocPrompt is returned by ParsePrompt when the system message has no
// "voc-task:" first line.
var ErrNotVocPrompt = errors.New("system message has no voc-task line")

// ParsePrompt recovers the task, prompt version and input JSON from messages
// built by BuildPrompt. It returns ErrNotVocPrompt when system does not start
// with a task line, and a descriptive error for an unknown task or a missing
// or malformed input document.
func ParsePrompt(system, user string) (ParsedPrompt, error) {
	line, _, _ := strings.Cut(strings.TrimLeft(system, " \t\r\n"), "\n")
	rest, ok := strings.CutPrefix(strings.TrimSpace(line), taskLinePrefix)
	if !ok {
		return ParsedPrompt{}, ErrNotVocPrompt
	}
	fields := strings.Fields(rest)
	if len(fields) == 0 {
		return ParsedPrompt{}, errors.New("empty voc-task line")
	}
	t, err := ParseTask(fields[0])
	if err != nil {
		return ParsedPrompt{}, err
	}
	p := ParsedPrompt{Task: t}
	if len(fields) > 1 {
		p.Version = fields[1]
	}
	_, after, ok := strings.Cut(user, inputBegin)
	if !ok {
		return ParsedPrompt{}, fmt.Errorf("%s prompt: no %s marker in the user message", t, inputBegin)
	}
	// Decode exactly one JSON value after the marker and ignore the rest, so a
	// review that happens to contain the end marker cannot cut the input short.
	dec := json.NewDecoder(strings.NewReader(after))
	if err := dec.Decode(&p.Input); err != nil {
		return ParsedPrompt{}, fmt.Errorf("%s prompt: decode input json: %w", t, err)
	}
	return p, nil
}

// RepairMessage returns the user message that asks the model to correct an
// answer that failed validation with problem.
func RepairMessage(problem string) string {
	return repairPrefix + " 1\nYour previous answer is not valid: " + problem +
		"\nReply with the corrected json object only, matching the JSON schema in the system message. " +
		"Keep every review id from the input; no markdown, no prose."
}

// IsRepairMessage reports whether a user message is a repair request built by
// RepairMessage.
func IsRepairMessage(s string) bool {
	return strings.HasPrefix(s, repairPrefix)
}
