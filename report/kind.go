package report

import "slices"

// Report kinds. Preliminary and final are built by the pipeline at 90% and
// 100% of an analysis; the four role reports are built on demand.
const (
	KindPreliminary   = "preliminary"
	KindFinal         = "final"
	KindComprehensive = "comprehensive"
	KindOperations    = "operations"
	KindProduct       = "product"
	KindSupplyChain   = "supply_chain"
)

// OnDemandKinds are the role reports a person can ask for.
var OnDemandKinds = []string{KindComprehensive, KindOperations, KindProduct, KindSupplyChain}

// Section ids, in the default (preliminary and final) order.
const (
	SecSummary    = "summary"
	SecRatings    = "ratings"
	SecSentiment  = "sentiment"
	SecImpact     = "impact"
	SecDimensions = "dimensions"
	SecStrengths  = "strengths"
	SecWeaknesses = "weaknesses"
	SecPolarising = "polarising"
	SecEmerging   = "emerging"
	SecSuggestion = "suggestions"
	SecFiveW      = "five_w"
	SecTrend      = "trend"
	SecAgreement  = "agreement"
	SecPersonas   = "personas"
	SecActions    = "actions"
	SecChecklist  = "qc_checklist"
	SecFailures   = "failures"
)

// Kind describes one kind of report: who it is for, what it is for, and
// which sections it shows in which order, with its own section titles.
type Kind struct {
	ID       string
	Title    string
	Audience string
	Goal     string
	Sections []string
	// Titles overrides the default title of a section.
	Titles map[string]string
	// FiveW limits the 5W types shown; nil shows all six.
	FiveW []string
}

var defaultSections = []string{SecSummary, SecRatings, SecSentiment, SecImpact, SecDimensions, SecStrengths, SecWeaknesses,
	SecPolarising, SecSuggestion, SecEmerging, SecFiveW, SecTrend, SecAgreement, SecPersonas, SecActions, SecFailures}

// The four role reports carry over what the system voc replaces gave each
// audience (CEO, CMO, CPO, supply-chain director), but every figure in them
// is computed from the data.
var kinds = map[string]Kind{
	KindPreliminary: {ID: KindPreliminary, Title: "Voice-of-Customer report (preliminary)", Audience: "everyone",
		Goal: "An early read, written when 90% of the reviews were analysed.", Sections: defaultSections},
	KindFinal: {ID: KindFinal, Title: "Voice-of-Customer report", Audience: "everyone",
		Goal: "The full analysis of every review.", Sections: defaultSections},
	KindComprehensive: {ID: KindComprehensive, Title: "Comprehensive strategy report", Audience: "leadership (CEO, general manager)",
		Goal:     "Judge product–market fit, the strengths to build on, the weaknesses and rising risks to fix, and what each team should do first.",
		Sections: []string{SecSummary, SecRatings, SecSentiment, SecImpact, SecStrengths, SecWeaknesses, SecPolarising, SecEmerging, SecSuggestion, SecPersonas, SecActions, SecTrend, SecFiveW, SecAgreement, SecFailures},
		Titles:   map[string]string{SecStrengths: "Strengths to build on", SecWeaknesses: "Weaknesses to fix", SecSuggestion: "Opportunities: what customers ask for", SecEmerging: "Threats: emerging issues"}},
	KindOperations: {ID: KindOperations, Title: "Operations and marketing report", Audience: "operations, marketing and customer service",
		Goal:     "Find the selling points for the listing and ads, the audiences to target, and the complaints customer service must be ready for.",
		Sections: []string{SecSummary, SecStrengths, SecFiveW, SecPersonas, SecWeaknesses, SecEmerging, SecRatings, SecSentiment, SecAgreement, SecTrend, SecActions, SecFailures},
		Titles:   map[string]string{SecStrengths: "Selling points", SecWeaknesses: "Customer-service watchlist", SecFiveW: "Audience and buying triggers", SecAgreement: "Hidden complaints in high ratings", SecEmerging: "Complaints on the rise"},
		FiveW:    []string{"buyer", "user", "why", "when", "where"}},
	KindProduct: {ID: KindProduct, Title: "Product and R&D report", Audience: "product management and R&D",
		Goal:     "Rank the design problems by their effect on rating, list the unmet needs, and show how and where the product is really used.",
		Sections: []string{SecSummary, SecImpact, SecWeaknesses, SecPolarising, SecEmerging, SecSuggestion, SecDimensions, SecFiveW, SecPersonas, SecTrend, SecActions, SecFailures},
		Titles:   map[string]string{SecImpact: "Problems ranked by effect on rating", SecWeaknesses: "Defects and usability issues", SecSuggestion: "Unmet needs", SecFiveW: "Real usage: who, where, when, what for"},
		FiveW:    []string{"user", "where", "when", "what"}},
	KindSupplyChain: {ID: KindSupplyChain, Title: "Supply-chain and quality report", Audience: "supply chain, factory and quality control",
		Goal:     "Cut returns: find the quality and packaging defects, catch rising defects early, and turn complaints into a QC checklist.",
		Sections: []string{SecSummary, SecWeaknesses, SecImpact, SecEmerging, SecChecklist, SecTrend, SecRatings, SecFiveW, SecFailures},
		Titles:   map[string]string{SecWeaknesses: "Quality issues", SecImpact: "Effect of each issue on rating", SecEmerging: "Early warning: defects on the rise", SecFiveW: "Usage conditions"},
		FiveW:    []string{"where", "when", "what"}},
}

// KindOf returns a kind's description, and false for an unknown kind.
func KindOf(id string) (Kind, bool) {
	k, ok := kinds[id]
	return k, ok
}

// IsOnDemand reports whether kind is a role report a person can ask for.
func IsOnDemand(kind string) bool { return slices.Contains(OnDemandKinds, kind) }

var sectionTitles = map[string]string{
	SecSummary: "Executive summary", SecRatings: "Rating distribution", SecSentiment: "Sentiment share",
	SecImpact: "Impact on rating", SecDimensions: "Dimensions", SecStrengths: "Strengths", SecWeaknesses: "Weaknesses",
	SecPolarising: "Polarising dimensions", SecEmerging: "Emerging issues", SecSuggestion: "Suggestions",
	SecFiveW: "5W consumer model", SecTrend: "Trends", SecAgreement: "Rating vs. sentiment", SecPersonas: "Personas",
	SecActions: "Priority actions", SecChecklist: "QC checklist", SecFailures: "Failed reviews",
}

// SectionTitle is the title of section sec in this kind.
func (k Kind) SectionTitle(sec string) string {
	if t := k.Titles[sec]; t != "" {
		return t
	}
	return sectionTitles[sec]
}

// ShowsFiveW reports whether the kind shows 5W type t.
func (k Kind) ShowsFiveW(t string) bool { return k.FiveW == nil || slices.Contains(k.FiveW, t) }

// kindOf is KindOf with the final report's layout for unknown kinds, so an
// old or hand-made report still renders.
func kindOf(id string) Kind {
	if k, ok := kinds[id]; ok {
		return k
	}
	return kinds[KindFinal]
}
