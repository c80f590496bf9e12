package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/danielgtaylor/huma/v2"
	"github.com/jackc/pgx/v5"

	"github.com/voc-project/voc/llm"
	"github.com/voc-project/voc/store"
)

// Translators of a model language switch.
const (
	translatorLLM  = "llm"
	translatorNone = "none"
)

// ModelLanguage is the outcome of switching a product's model to another
// language.
type ModelLanguage struct {
	Language         string `json:"language" doc:"the product's target language from now on"`
	PreviousLanguage string `json:"previous_language"`
	ModelVersion     int    `json:"model_version" doc:"the model version this switch stored (0: the product has no model yet)"`
	Translator       string `json:"translator" enum:"llm,none" doc:"llm: names and definitions were translated by the configured LLM; none: the provider does not translate (offline analyser), names are kept and listed in untranslated"`
	Translated       int    `json:"translated" doc:"dimensions and labels whose name was translated"`
	// Untranslated lists the items that kept their name.
	Untranslated      []UntranslatedItem `json:"untranslated"`
	TranslationsReset int64              `json:"translations_reset" doc:"reviews whose stored translation (in the old language) was cleared; the next analysis translates them into the new one"`
	Model             store.Model        `json:"model"`
}

// UntranslatedItem is a dimension or label that kept its name, and why.
type UntranslatedItem struct {
	Item   string `json:"item" enum:"dimension,label"`
	ID     int64  `json:"id"`
	Name   string `json:"name"`
	Reason string `json:"reason"`
}

type modelLanguageInput struct {
	ID   int64 `path:"id" minimum:"1"`
	Body struct {
		Language string `json:"language" minLength:"2" maxLength:"12" doc:"language code such as en, de, zh or zh-TW"`
	}
}

type modelLanguageOutput struct {
	Body ModelLanguage
}

func (s *server) registerModelLanguageRoutes(api huma.API) {
	huma.Register(api, huma.Operation{
		OperationID: "switch-model-language",
		Method:      http.MethodPost,
		Path:        "/api/v1/products/{id}/model/language",
		Summary:     "Switch a product's model and future analyses to another language",
		Description: "Translates every dimension's and label's name and definition into `language` with the configured LLM " +
			"(one call, through the same limiter, cache and schema validation as the pipeline's translation) and stores " +
			"the result as a new model version (source `edited`). Ids are kept, so every insight and tag stays on its " +
			"dimension or label and no analysis is lost. `language` becomes the product's target language: later " +
			"analyses, translations and reports are written in it. Stored review translations are in the old language " +
			"and are cleared; insights' `quote_translated` and `analysis`, and existing reports, keep their old text " +
			"until the product is re-analysed (POST /api/v1/products/{id}/rerun). " +
			"With the offline analyser, which does not translate, names are kept, listed in `untranslated`, and only " +
			"the target language changes. A translated name that is blank, over 80 characters or already taken in its " +
			"kind keeps the old name and is listed too. 409 while an analysis of the product is running; 503 when the " +
			"LLM cannot answer (nothing is changed).",
		Tags:   []string{"model"},
		Errors: []int{401, 404, 409, 422, 503},
	}, s.switchModelLanguage)
}

func (s *server) switchModelLanguage(ctx context.Context, in *modelLanguageInput) (*modelLanguageOutput, error) {
	lang := strings.TrimSpace(in.Body.Language)
	if !languageRe.MatchString(lang) {
		return nil, huma.Error422UnprocessableEntity("invalid language", &huma.ErrorDetail{Location: "body.language",
			Message: "language must be a code such as en, de, zh or zh-TW", Value: in.Body.Language})
	}
	p, err := store.ProductGet(ctx, s.Pool, in.ID)
	if err != nil {
		return nil, s.storeError(ctx, "product", err)
	}
	if a, err := store.AnalysisLatest(ctx, s.Pool, p.ID); err == nil && a.Status == "running" {
		return nil, huma.Error409Conflict(fmt.Sprintf("analysis %d of this product is running in %s; switch the language when it is done", a.ID, a.TargetLanguage))
	} else if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, s.storeError(ctx, "analysis of product", err)
	}
	m, err := store.ModelGet(ctx, s.Pool, p.ID)
	if err != nil {
		return nil, s.storeError(ctx, "model", err)
	}
	out := ModelLanguage{Language: lang, PreviousLanguage: p.TargetLanguage, Translator: translatorNone, Untranslated: []UntranslatedItem{}}

	if m.Version == 0 {
		// Nothing learned yet: only the language changes.
		if out.TranslationsReset, err = store.ProductSetLanguage(ctx, s.Pool, p.ID, lang); err != nil {
			return nil, s.storeError(ctx, "product", err)
		}
		out.Model = m
		return &modelLanguageOutput{Body: out}, nil
	}

	dims, labels, err := s.translateModel(ctx, m, lang, &out)
	if err != nil {
		return nil, err
	}
	var edit ModelEdit
	err = s.editModel(ctx, p.ID, &edit, func(tx pgx.Tx) error {
		v, err := store.ModelEditBegin(ctx, tx, p.ID)
		if err != nil {
			return err
		}
		if v != m.Version {
			return huma.Error409Conflict("the model changed while it was being translated; try again")
		}
		ch, err := store.ModelSwitchLanguage(ctx, tx, p.ID, lang, dims, labels)
		out.TranslationsReset = ch.TranslationsReset
		return err
	})
	if err != nil {
		return nil, s.modelError(ctx, "model", err)
	}
	out.ModelVersion = edit.ModelVersion
	if out.Model, err = store.ModelGet(ctx, s.Pool, p.ID); err != nil {
		return nil, s.storeError(ctx, "model", err)
	}
	return &modelLanguageOutput{Body: out}, nil
}

// translateModel asks the LLM for the model's names and definitions in
// lang, outside any transaction, and returns every item's new name and
// definition: the translation when it is usable, else the old one (listed
// in out.Untranslated). The pipeline's translation task carries the items,
// one per "review" (title: name, body: definition), so the call shares the
// provider's prompt, schema validation, limiter and cache.
func (s *server) translateModel(ctx context.Context, m store.Model, lang string, out *ModelLanguage) (dims, labels []store.ModelRename, err error) {
	type item struct {
		kind string // dimension or label
		id   int64
		of   string // the dimension kind or label type: names are unique within it
		name string
		def  string
	}
	items := make([]item, 0, len(m.Dimensions)+len(m.Labels))
	for _, d := range m.Dimensions {
		items = append(items, item{"dimension", d.ID, d.Kind, d.Name, d.Definition})
	}
	for _, l := range m.Labels {
		items = append(items, item{"label", l.ID, l.Type, l.Name, l.Definition})
	}

	got := map[int64]llm.Translation{}
	reason := "the LLM provider does not translate (offline analyser)"
	if s.LLM != nil && s.LLM.Translates() {
		out.Translator = translatorLLM
		reason = "the LLM gave no translation for it"
		in := llm.TranslateInput{TargetLanguage: lang, Reviews: make([]llm.ReviewText, len(items))}
		for i, it := range items {
			in.Reviews[i] = llm.ReviewText{ID: int64(i + 1), Title: it.name, Body: it.def}
		}
		res, _, err := s.LLM.Translate(ctx, in)
		if err != nil {
			s.Log.WarnContext(ctx, "translate model", "language", lang, "error", err)
			return nil, nil, huma.Error503ServiceUnavailable("the language model could not translate the model now; nothing was changed, try again later")
		}
		for _, t := range res.Translations {
			got[t.ID] = t
		}
	}

	taken := map[string]bool{} // of + "\x00" + name, of the names decided so far
	key := func(it item, name string) string { return it.kind + "\x00" + it.of + "\x00" + strings.ToLower(name) }
	final := make([]string, len(items))
	defs := make([]string, len(items))
	// Untranslated names are decided first, so a translation cannot take
	// a name that stays.
	pending := make([]int, 0, len(items))
	for i, it := range items {
		t, ok := got[int64(i+1)]
		name := strings.TrimSpace(t.Title)
		switch {
		case !ok:
			out.Untranslated = append(out.Untranslated, UntranslatedItem{it.kind, it.id, it.name, reason})
		case name == "" || strings.ContainsAny(name, "\r\n") || utf8.RuneCountInString(name) > 80:
			out.Untranslated = append(out.Untranslated, UntranslatedItem{it.kind, it.id, it.name, "the translated name was blank, not one line or over 80 characters"})
		default:
			pending = append(pending, i)
			continue
		}
		final[i], defs[i] = it.name, it.def
		taken[key(it, it.name)] = true
	}
	for _, i := range pending {
		it, t := items[i], got[int64(i+1)]
		name := strings.TrimSpace(t.Title)
		if taken[key(it, name)] {
			out.Untranslated = append(out.Untranslated, UntranslatedItem{it.kind, it.id, it.name,
				fmt.Sprintf("its translation %q is already the name of another %s", name, it.kind)})
			name = it.name
			if taken[key(it, name)] {
				name = fmt.Sprintf("%s #%d", it.name, it.id)
			}
			final[i], defs[i] = name, it.def
			taken[key(it, name)] = true
			continue
		}
		def := strings.TrimSpace(t.Body)
		if it.def == "" || def == "" || utf8.RuneCountInString(def) > 300 {
			def = it.def // nothing to translate, or an unusable translation
		}
		final[i], defs[i] = name, def
		taken[key(it, name)] = true
		if name != it.name {
			out.Translated++
		}
	}
	for i, it := range items {
		r := store.ModelRename{ID: it.id, Name: final[i], Definition: defs[i]}
		if it.kind == "dimension" {
			dims = append(dims, r)
		} else {
			labels = append(labels, r)
		}
	}
	return dims, labels, nil
}
