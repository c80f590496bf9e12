package llm

import "github.com/voc-project/voc"

// This file is the contract between the pipeline stages (jobs/), the
// providers (offline, openai-compatible) and the simulator (llmsim). Every
// output is keyed by review id so a batch answer can be matched back to its
// rows, and every type doubles as the source of its JSON schema.

// The domain's nouns live in package voc; these aliases keep the
// provider code and its schemas reading as before.
type (
	Dimension    = voc.Dimension
	Label        = voc.Label
	Dimensions   = voc.Dimensions
	Labels       = voc.Labels
	LearnOutput  = voc.Model
	Insight      = voc.Insight
	Tag          = voc.Tag
	Evidence     = voc.Evidence
	Claim        = voc.Claim
	Persona      = voc.Persona
	ReportOutput = voc.Narrative
)

// Stage names, insight types, dimension kinds, 5W types, sentiments and
// confidences: see package voc.
const (
	StageLearning    = voc.StageLearning
	StageTranslation = voc.StageTranslation
	StageInsights    = voc.StageInsights
	StageThemes      = voc.StageThemes
	StageReport      = voc.StageReport
	StageAlignment   = voc.StageAlignment

	InsightStrength   = voc.InsightStrength
	InsightWeakness   = voc.InsightWeakness
	InsightSuggestion = voc.InsightSuggestion
	InsightScenario   = voc.InsightScenario
	InsightEmotion    = voc.InsightEmotion

	DimProduct  = voc.DimProduct
	DimScenario = voc.DimScenario
	DimEmotion  = voc.DimEmotion

	WBuyer = voc.WBuyer
	WUser  = voc.WUser
	WWhere = voc.WWhere
	WWhen  = voc.WWhen
	WWhy   = voc.WWhy
	WWhat  = voc.WWhat

	Positive = voc.Positive
	Neutral  = voc.Neutral
	Negative = voc.Negative

	High   = voc.High
	Medium = voc.Medium
	Low    = voc.Low
)

// WTypes lists the 5W label types in display order.
var WTypes = voc.WTypes

// DimensionKindFor returns the dimension kind an insight type must use.
func DimensionKindFor(insightType string) string { return voc.DimensionKindFor(insightType) }

// ReviewText is one review as sent to a model.
type ReviewText struct {
	ID       int64  `json:"id"`
	Rating   int    `json:"rating,omitempty"`
	Title    string `json:"title,omitempty"`
	Body     string `json:"body"`
	Language string `json:"language,omitempty"`
	// Translated title/body in the target language, when available.
	TitleTranslated string `json:"title_translated,omitempty"`
	BodyTranslated  string `json:"body_translated,omitempty"`
	HelpfulVotes    int    `json:"helpful_votes,omitempty"`
}

// LearnInput is the learning stage's input: product context and a
// stratified sample of reviews.
type LearnInput struct {
	ProductTitle   string       `json:"product_title,omitempty"`
	BulletPoints   []string     `json:"bullet_points,omitempty"`
	TargetLanguage string       `json:"target_language"`
	Reviews        []ReviewText `json:"reviews"`
}

// TranslateInput asks for title and body of each review in one call.
type TranslateInput struct {
	TargetLanguage string       `json:"target_language"`
	Reviews        []ReviewText `json:"reviews"`
}

// Translation is one translated review.
type Translation struct {
	ID    int64  `json:"id"`
	Title string `json:"title"`
	Body  string `json:"body"`
}

// TranslateOutput holds translations keyed by id. Missing ids are retried by
// the caller in a smaller batch.
type TranslateOutput struct {
	Translations []Translation `json:"translations"`
}

// InsightInput asks for per-review insights against the product's
// dimensions.
type InsightInput struct {
	TargetLanguage string       `json:"target_language"`
	Dimensions     Dimensions   `json:"dimensions"`
	Reviews        []ReviewText `json:"reviews"`
}

// ReviewInsights are the insights of one review plus its overall sentiment.
type ReviewInsights struct {
	ID        int64     `json:"id"`
	Sentiment string    `json:"sentiment" jsonschema:"enum=positive,enum=neutral,enum=negative"`
	Insights  []Insight `json:"insights"`
}

// InsightOutput is the insight stage's answer.
type InsightOutput struct {
	Reviews []ReviewInsights `json:"reviews"`
}

// ThemeInput asks for 5W tags chosen from the label library only.
type ThemeInput struct {
	TargetLanguage string       `json:"target_language"`
	Labels         Labels       `json:"labels"`
	Reviews        []ReviewText `json:"reviews"`
}

// ReviewTags are the tags of one review; empty beats a guess.
type ReviewTags struct {
	ID   int64 `json:"id"`
	Tags []Tag `json:"tags"`
}

// ThemeOutput is the theme stage's answer.
type ThemeOutput struct {
	Reviews []ReviewTags `json:"reviews"`
}

// ReportInput carries the SQL aggregates the narrative is written from.
// Facts is free-form JSON-able aggregate data; Evidence lists quotes the
// narrative may cite by review id.
type ReportInput struct {
	TargetLanguage string `json:"target_language"`
	ProductTitle   string `json:"product_title,omitempty"`
	// Audience and Goal say whom the report is for and what it must help
	// them do (a role report's); empty for the general report.
	Audience string     `json:"audience,omitempty"`
	Goal     string     `json:"goal,omitempty"`
	Facts    any        `json:"facts"`
	Evidence []Evidence `json:"evidence"`
}

// AlignInput asks which dimensions of products whose models were learned
// separately mean the same thing. Dimension ids are unique across the
// products, so an answer names dimensions by id alone.
type AlignInput struct {
	TargetLanguage string         `json:"target_language"`
	Products       []AlignProduct `json:"products"`
}

// AlignProduct is one compared product and its dimensions.
type AlignProduct struct {
	ID         int64            `json:"id"`
	Title      string           `json:"title,omitempty"`
	Dimensions []AlignDimension `json:"dimensions"`
}

// AlignDimension is one dimension of a compared product.
type AlignDimension struct {
	ID         int64  `json:"id"`
	Kind       string `json:"kind"`
	Name       string `json:"name"`
	Definition string `json:"definition,omitempty"`
}

// AlignGroup is a set of dimensions, of one kind, that mean the same
// thing; Name is the group's name in the target language.
type AlignGroup struct {
	Name         string  `json:"name" jsonschema:"minLength=1,maxLength=80"`
	Kind         string  `json:"kind" jsonschema:"enum=product,enum=scenario,enum=emotion"`
	DimensionIDs []int64 `json:"dimension_ids" jsonschema:"minItems=1"`
}

// AlignOutput is the alignment's answer: every input dimension in exactly
// one group (a dimension no other product shares is a group of its own).
type AlignOutput struct {
	Groups []AlignGroup `json:"groups"`
}
