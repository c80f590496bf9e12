package llm

// This file is the contract between the pipeline stages (jobs/), the
// providers (offline, openai-compatible) and the simulator (llmsim). Every
// output is keyed by review id so a batch answer can be matched back to its
// rows, and every type doubles as the source of its JSON schema.

// Stage names, also used as the recorded stage of every LLM call.
const (
	StageLearning    = "learning"
	StageTranslation = "translation"
	StageInsights    = "insight_extraction"
	StageThemes      = "theme_extraction"
	StageReport      = "reports"
)

// Insight types.
const (
	InsightStrength   = "strength"
	InsightWeakness   = "weakness"
	InsightSuggestion = "suggestion"
	InsightScenario   = "scenario"
	InsightEmotion    = "emotion"
)

// Dimension kinds. Strength, weakness and suggestion insights take product
// dimensions; scenario takes scenario; emotion takes emotion.
const (
	DimProduct  = "product"
	DimScenario = "scenario"
	DimEmotion  = "emotion"
)

// 5W label types.
const (
	WBuyer = "buyer"
	WUser  = "user"
	WWhere = "where"
	WWhen  = "when"
	WWhy   = "why"
	WWhat  = "what"
)

// WTypes lists the 5W label types in display order.
var WTypes = []string{WBuyer, WUser, WWhere, WWhen, WWhy, WWhat}

// Sentiments and confidences.
const (
	Positive = "positive"
	Neutral  = "neutral"
	Negative = "negative"

	High   = "high"
	Medium = "medium"
	Low    = "low"
)

// DimensionKindFor returns the dimension kind an insight type must use.
func DimensionKindFor(insightType string) string {
	switch insightType {
	case InsightScenario:
		return DimScenario
	case InsightEmotion:
		return DimEmotion
	default:
		return DimProduct
	}
}

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

// Dimension is one learned analysis dimension.
type Dimension struct {
	Name       string `json:"name" jsonschema:"minLength=1,maxLength=80"`
	Definition string `json:"definition" jsonschema:"maxLength=300"`
}

// Label is one 5W library label.
type Label struct {
	Name       string `json:"name" jsonschema:"minLength=1,maxLength=80"`
	Definition string `json:"definition,omitempty" jsonschema:"maxLength=300"`
}

// LearnInput is the learning stage's input: product context and a
// stratified sample of reviews.
type LearnInput struct {
	ProductTitle   string       `json:"product_title,omitempty"`
	BulletPoints   []string     `json:"bullet_points,omitempty"`
	TargetLanguage string       `json:"target_language"`
	Reviews        []ReviewText `json:"reviews"`
}

// Dimensions groups dimensions by kind.
type Dimensions struct {
	Product  []Dimension `json:"product" jsonschema:"minItems=1,maxItems=8"`
	Scenario []Dimension `json:"scenario" jsonschema:"maxItems=5"`
	Emotion  []Dimension `json:"emotion" jsonschema:"maxItems=4"`
}

// Labels groups the 5W library by type.
type Labels struct {
	Buyer []Label `json:"buyer" jsonschema:"maxItems=8"`
	User  []Label `json:"user" jsonschema:"maxItems=8"`
	Where []Label `json:"where" jsonschema:"maxItems=8"`
	When  []Label `json:"when" jsonschema:"maxItems=8"`
	Why   []Label `json:"why" jsonschema:"maxItems=8"`
	What  []Label `json:"what" jsonschema:"maxItems=8"`
}

// ByType returns the labels of one 5W type.
func (l Labels) ByType(t string) []Label {
	switch t {
	case WBuyer:
		return l.Buyer
	case WUser:
		return l.User
	case WWhere:
		return l.Where
	case WWhen:
		return l.When
	case WWhy:
		return l.Why
	case WWhat:
		return l.What
	}
	return nil
}

// LearnOutput is the learned product model.
type LearnOutput struct {
	Dimensions Dimensions `json:"dimensions"`
	Labels     Labels     `json:"labels"`
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

// Insight is one extracted insight.
type Insight struct {
	Type            string `json:"type" jsonschema:"enum=strength,enum=weakness,enum=suggestion,enum=scenario,enum=emotion"`
	Dimension       string `json:"dimension" jsonschema:"minLength=1"`
	Quote           string `json:"quote" jsonschema:"minLength=1"`
	QuoteTranslated string `json:"quote_translated"`
	Analysis        string `json:"analysis"`
	Sentiment       string `json:"sentiment" jsonschema:"enum=positive,enum=neutral,enum=negative"`
	Confidence      string `json:"confidence" jsonschema:"enum=high,enum=medium,enum=low"`
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

// Tag is one 5W theme tag.
type Tag struct {
	Type            string `json:"type" jsonschema:"enum=buyer,enum=user,enum=where,enum=when,enum=why,enum=what"`
	Label           string `json:"label" jsonschema:"minLength=1"`
	Quote           string `json:"quote" jsonschema:"minLength=1"`
	QuoteTranslated string `json:"quote_translated"`
	Explanation     string `json:"explanation"`
	Confidence      string `json:"confidence" jsonschema:"enum=high,enum=medium,enum=low"`
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

// Evidence is a quote the narrative may cite.
type Evidence struct {
	ReviewID  int64  `json:"review_id"`
	Kind      string `json:"kind"` // insight type or 5W type
	Topic     string `json:"topic"`
	Sentiment string `json:"sentiment,omitempty"`
	Quote     string `json:"quote"`
}

// Claim is one narrative statement with the review ids that support it.
type Claim struct {
	Text      string  `json:"text" jsonschema:"minLength=1"`
	ReviewIDs []int64 `json:"review_ids" jsonschema:"minItems=1"`
}

// Persona is a summarised consumer persona.
type Persona struct {
	Name      string  `json:"name" jsonschema:"minLength=1"`
	Summary   string  `json:"summary"`
	ReviewIDs []int64 `json:"review_ids" jsonschema:"minItems=1"`
}

// ReportOutput is the LLM-written narrative.
type ReportOutput struct {
	ExecutiveSummary Claim     `json:"executive_summary"`
	Personas         []Persona `json:"personas"`
	Strengths        []Claim   `json:"strengths"`
	Weaknesses       []Claim   `json:"weaknesses"`
	PriorityActions  []Claim   `json:"priority_actions"`
}
