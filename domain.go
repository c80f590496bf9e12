// Package voc holds the nouns of Voice-of-Customer analysis that every part
// of voc shares: the stages, the kinds of dimension, insight and 5W label,
// a product's learned model (dimensions and labels), the insights and tags
// extracted from a review, and a report's narrative. The LLM providers
// (llm), the database (store), the HTTP API (api), the reports (report) and
// the pipeline (jobs) all speak in these types; none of them owns them.
//
// The struct tags double as the source of the JSON schemas that LLM answers
// are validated against (see llm/schema.go).
package voc

// Stage names, also used as the recorded stage of every LLM call.
const (
	StageLearning    = "learning"
	StageTranslation = "translation"
	StageInsights    = "insight_extraction"
	StageThemes      = "theme_extraction"
	StageReport      = "reports"
	// StageAlignment is not a pipeline stage: it records the one LLM call
	// that aligns a comparison's dimensions.
	StageAlignment = "comparison_alignment"
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

// Model is a product's learned model: its dimensions and 5W label library.
type Model struct {
	Dimensions Dimensions `json:"dimensions"`
	Labels     Labels     `json:"labels"`
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

// Tag is one 5W theme tag.
type Tag struct {
	Type            string `json:"type" jsonschema:"enum=buyer,enum=user,enum=where,enum=when,enum=why,enum=what"`
	Label           string `json:"label" jsonschema:"minLength=1"`
	Quote           string `json:"quote" jsonschema:"minLength=1"`
	QuoteTranslated string `json:"quote_translated"`
	Explanation     string `json:"explanation"`
	Confidence      string `json:"confidence" jsonschema:"enum=high,enum=medium,enum=low"`
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

// Narrative is a report's written part: the executive summary, personas,
// strengths, weaknesses and priority actions, each claim citing reviews.
type Narrative struct {
	ExecutiveSummary Claim     `json:"executive_summary"`
	Personas         []Persona `json:"personas"`
	Strengths        []Claim   `json:"strengths"`
	Weaknesses       []Claim   `json:"weaknesses"`
	PriorityActions  []Claim   `json:"priority_actions"`
}

// QuoteSpan is where a quote sits in a review: the field, the offsets in
// Unicode code points (characters, as Postgres's substr counts them) of the
// half-open range [Start, End), and Text, the review's own characters in that
// range. Text, never the model's rendering, is what gets stored.
type QuoteSpan struct {
	Field      string
	Start, End int
	Text       string
}
