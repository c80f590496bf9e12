package report

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/voc-project/voc"

	"github.com/voc-project/voc/store"
)

// mdRefs cites review ids in Markdown, as links when links are on.
func mdRefs(ids []int64, l Links) string {
	if !l.Enabled {
		return refs(ids)
	}
	if len(ids) == 0 {
		return ""
	}
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = fmt.Sprintf("[#%d](%s)", id, l.Review(id, ""))
	}
	if len(ids) == 1 {
		return "review " + parts[0]
	}
	return "reviews " + strings.Join(parts, ", ")
}

// mdQuoteRef cites the review a quote comes from, linking to the review
// with the quote highlighted.
func mdQuoteRef(id int64, quote string, l Links) string {
	if u := l.Review(id, quote); u != "" {
		return fmt.Sprintf("[review #%d](%s)", id, u)
	}
	return fmt.Sprintf("review #%d", id)
}

// refID cites one review by id, as a link when links are on.
func refID(id int64, l Links) string {
	if u := l.Review(id, ""); u != "" {
		return fmt.Sprintf("[#%d](%s)", id, u)
	}
	return fmt.Sprintf("#%d", id)
}

// mdQuoteText renders a quote in the report's language first, with the
// original beside it when the review is in another language.
func mdQuoteText(q store.Quote) string {
	if q.Translated && q.QuoteTranslated != "" {
		return fmt.Sprintf("%s — original (%s): %s", md(q.QuoteTranslated), md(q.Language), md(q.Quote))
	}
	return md(q.Quote)
}

// Markdown renders a report as a standalone Markdown document (CommonMark
// with GFM tables), in its kind's sections and order. Every string that
// comes from reviews or the model passes through md; citations are links
// when l is enabled.
func Markdown(d Document, l Links) []byte {
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	a, n := d.Agg, d.Narrative
	k := kindOf(d.Report.Kind)

	w("# %s: %s\n\n", md(k.Title), md(productName(d.Product)))
	w("| | |\n|---|---|\n")
	w("| Product | %s |\n", md(productName(d.Product)))
	w("| Marketplace / ASIN | %s / %s |\n", md(d.Product.Marketplace), md(d.Product.ASIN))
	w("| Report | #%d, %s, analysis #%d |\n", d.Report.ID, md(d.Report.Kind), d.Report.AnalysisID)
	w("| For | %s |\n", md(k.Audience))
	w("| Generated | %s |\n", d.Report.CreatedAt.UTC().Format("2006-01-02 15:04 UTC"))
	w("| Coverage | %s of %d reviews analysed (insights %d, themes %d, translation %d) |\n", pct(d.Report.Coverage),
		a.Coverage.ReviewsTotal, a.Coverage.InsightsDone, a.Coverage.ThemesDone, a.Coverage.TranslationDone)
	w("| Totals | %d reviews, %d insights, %d 5W tags, average rating %s |\n", a.Reviews, a.Insights, a.Tags, avgRating(a.AverageRating))
	w("| Excluded | %d reviews excluded by an analyst (not counted anywhere in this report) |\n\n", a.ExcludedReviews)
	w("_%s_\n\n", md(k.Goal))
	if d.Report.Kind == KindPreliminary {
		w("> **Preliminary report.** It was written when %s of the reviews were analysed; the final report follows when the analysis completes.\n\n", pct(d.Report.Coverage))
	}

	claims := func(cs []voc.Claim) {
		for _, c := range cs {
			if strings.TrimSpace(c.Text) == "" {
				continue
			}
			w("- %s", md(c.Text))
			if r := mdRefs(c.ReviewIDs, l); r != "" {
				w(" (%s)", r)
			}
			w("\n")
		}
		if len(cs) > 0 {
			w("\n")
		}
	}
	topics := func(title string, ts []store.TopicStat) {
		w("### %s\n\n", title)
		if len(ts) == 0 {
			w("_None found._\n\n")
			return
		}
		for i, t := range ts {
			w("%d. **%s** — %s\n", i+1, md(t.Topic), mentions(t.Count))
		}
		w("\n")
		for _, t := range ts {
			if len(t.Evidence) == 0 {
				continue
			}
			w("#### %s\n\n", md(t.Topic))
			for _, e := range t.Evidence {
				w("> %s (%s)\n\n", mdQuoteText(e), mdQuoteRef(e.ReviewID, e.Quote, l))
			}
		}
	}

	for _, sec := range k.Sections {
		w("## %s\n\n", md(k.SectionTitle(sec)))
		switch sec {
		case SecSummary:
			if s := strings.TrimSpace(n.ExecutiveSummary.Text); s != "" {
				w("%s", md(s))
				if r := mdRefs(n.ExecutiveSummary.ReviewIDs, l); r != "" {
					w(" (%s)", r)
				}
				w("\n\n")
			} else {
				w("_No summary was written._\n\n")
			}
			checkNote(w, n)
		case SecRatings:
			if len(a.RatingDist) == 0 {
				w("_No ratings._\n\n")
				continue
			}
			w("| Rating | Reviews | Share |\n|---|---:|---:|\n")
			for _, c := range a.RatingDist {
				w("| %s | %d | %s |\n", md(ratingName(c.Key)), c.Count, pct(ratingShare(a.Aggregates, c.Count)))
			}
			w("\n")
		case SecSentiment:
			if len(a.SentimentShare) == 0 {
				w("_No review sentiment yet._\n\n")
				continue
			}
			w("| Sentiment | Reviews | Share |\n|---|---:|---:|\n")
			for _, s := range a.SentimentShare {
				w("| %s | %d | %s |\n", md(s.Key), s.Count, pct(s.Share))
			}
			w("\n")
		case SecImpact:
			if len(a.Impact) == 0 {
				w("_No dimension has mentions yet._\n\n")
				continue
			}
			w("Sorted by effect on rating: how much the mean rating (%s) would rise without the reviews that complain about the dimension.\n\n", avgRating(a.AverageRating))
			w("| Dimension | Mentions | Net | Negative reviews | Rating with complaint | Rating without | Effect on rating |\n|---|---:|---:|---:|---:|---:|---:|\n")
			for _, im := range a.Impact {
				w("| %s | %d | %s | %d | %s | %s | %s |\n", md(im.Dimension), im.Mentions, signed(im.Net), im.NegativeReviews,
					avgRating(im.RatingWithNegative), avgRating(im.RatingWithout), lift(im.RatingLift))
			}
			w("\n")
		case SecDimensions:
			if len(a.Dimensions) == 0 {
				w("_The model has no dimensions._\n\n")
				continue
			}
			w("Net sentiment is (positive − negative) / all insights on the dimension, from −1 to +1.\n\n")
			w("| Kind | Dimension | Positive | Neutral | Negative | Net sentiment |\n|---|---|---:|---:|---:|---:|\n")
			for _, s := range a.Dimensions {
				w("| %s | %s | %d | %d | %d | %s |\n", md(s.Kind), md(s.Name), s.Positive, s.Neutral, s.Negative, signed(s.Net))
			}
			w("\n")
		case SecStrengths:
			claims(n.Strengths)
			topics("Top strengths", a.TopStrengths)
		case SecWeaknesses:
			claims(n.Weaknesses)
			topics("Top weaknesses", a.TopWeaknesses)
		case SecPolarising:
			ps := polarising(a)
			if len(ps) == 0 {
				w("_No dimension splits customers: each leans clearly one way._\n\n")
				continue
			}
			w("These dimensions draw both praise and complaints in numbers (the smaller side at least a third of the larger).\n\n")
			w("| Dimension | Positive | Negative |\n|---|---:|---:|\n")
			for _, im := range ps {
				w("| %s | %d | %d |\n", md(im.Dimension), im.Positive, im.Negative)
			}
			w("\n")
		case SecSuggestion:
			topics("Top suggestions", a.TopSuggestions)
		case SecEmerging:
			w("Test: %s.\n\n", md(a.EmergingTest))
			if len(a.Emerging) == 0 {
				w("_No dimension's complaints rose significantly._\n\n")
				continue
			}
			w("| Dimension | Period | Latest | Previous | p |\n|---|---|---:|---:|---:|\n")
			for _, e := range a.Emerging {
				w("| %s | %s of %s vs %s | %d of %d (%s) | %d of %d (%s) | %s |\n", md(e.Dimension), e.Period, e.Latest, e.Previous,
					e.LatestNegative, e.LatestReviews, pct(e.LatestShare), e.PreviousNegative, e.PreviousReviews, pct(e.PreviousShare), pvalue(e.P))
			}
			w("\n")
		case SecFiveW:
			shown := 0
			for _, fw := range a.FiveW {
				if !k.ShowsFiveW(fw.Type) {
					continue
				}
				shown++
				w("### %s\n\n", md(fiveWTitle(fw.Type)))
				if len(fw.Labels) == 0 {
					w("_No labels._\n\n")
					continue
				}
				w("| Label | Tags | Share | Evidence |\n|---|---:|---:|---|\n")
				for _, lb := range fw.Labels {
					ev := ""
					if len(lb.Evidence) > 0 {
						ev = fmt.Sprintf("%s (%s)", mdQuoteText(lb.Evidence[0]), mdQuoteRef(lb.Evidence[0].ReviewID, lb.Evidence[0].Quote, l))
					}
					w("| %s | %d | %s | %s |\n", md(lb.Topic), lb.Count, pct(lb.Share), ev)
				}
				w("\n")
			}
			if shown == 0 {
				w("_No 5W tags yet._\n\n")
			}
		case SecTrend:
			w("### Monthly trend\n\n")
			if len(a.MonthlyTrend) == 0 {
				w("_No dated reviews._\n\n")
			} else {
				w("| Month | Reviews | Avg rating | Positive | Negative |\n|---|---:|---:|---:|---:|\n")
				for _, m := range a.MonthlyTrend {
					w("| %s | %d | %s | %d | %d |\n", md(m.Month), m.Reviews, avgRating(m.AvgRating), m.Positive, m.Negative)
				}
				w("\n")
			}
			for _, tr := range []Trend{a.Trends.Monthly, a.Trends.Weekly} {
				mdTrend(w, tr)
			}
		case SecAgreement:
			rv := a.RatingVsSentiment
			if rv.Compared == 0 {
				w("_No reviews have both a rating and a sentiment yet._\n\n")
				continue
			}
			w("The star rating agrees with the text's sentiment in **%d of %d** reviews (%s): 4–5★ positive, 3★ neutral, 1–2★ negative. "+
				"Disagreements are worth reading: they often hide complaints in high ratings or praise in low ones.\n\n",
				rv.Agree, rv.Compared, pct(rv.Rate))
		case SecPersonas:
			if len(n.Personas) == 0 {
				w("_No personas were written._\n\n")
			}
			for _, p := range n.Personas {
				w("### %s\n\n", md(p.Name))
				if s := strings.TrimSpace(p.Summary); s != "" {
					w("%s", md(s))
					if r := mdRefs(p.ReviewIDs, l); r != "" {
						w(" (%s)", r)
					}
					w("\n\n")
				}
			}
		case SecActions:
			if len(n.PriorityActions) == 0 {
				w("_No actions were written._\n\n")
			}
			for i, c := range n.PriorityActions {
				w("%d. %s", i+1, md(c.Text))
				if r := mdRefs(c.ReviewIDs, l); r != "" {
					w(" (%s)", r)
				}
				w("\n")
			}
			if len(n.PriorityActions) > 0 {
				w("\n")
			}
		case SecChecklist:
			items := checklist(a)
			if len(items) == 0 {
				w("_No complaints to check for._\n\n")
				continue
			}
			w("One check per complaint, most damaging first; each comes with what customers wrote.\n\n")
			for _, it := range items {
				w("- [ ] **%s**: %d negative mentions in %d reviews (effect on rating %s)\n", md(it.Impact.Dimension), it.Impact.Negative, it.Impact.NegativeReviews, lift(it.Impact.RatingLift))
				for _, q := range it.Quotes {
					w("  - %s (%s)\n", mdQuoteText(q), mdQuoteRef(q.ReviewID, q.Quote, l))
				}
			}
			w("\n")
		case SecFailures:
			c := a.Coverage
			w("%d review-stage failures: translation %d, insights %d, themes %d. Failed reviews have no insights or tags, so the insight and 5W figures above leave them out.\n\n",
				failedCount(a.Aggregates), c.TranslationFailed, c.InsightsFailed, c.ThemesFailed)
			if len(a.FailedReviews) > 0 {
				w("| Review | Stage | Reason |\n|---:|---|---|\n")
				for i, f := range a.FailedReviews {
					if i == maxFailuresListed {
						w("\n%d more not listed.\n", len(a.FailedReviews)-maxFailuresListed)
						break
					}
					w("| %s | %s | %s |\n", refID(f.ReviewID, l), md(f.Stage), md(f.Reason))
				}
				w("\n")
			}
		}
	}
	return []byte(b.String())
}

func checkNote(w func(string, ...any), n Narrative) {
	if !n.Check.Checked {
		return
	}
	if r, d := len(n.Check.Repaired), len(n.Check.Dropped); r+d > 0 {
		w("_Every figure in this prose was checked against the data: %d claim(s) corrected, %d dropped._\n\n", r, d)
	}
}

// mdTrend writes one granularity of the per-dimension trend: the share of
// each period's reviews with a negative mention of the dimension.
func mdTrend(w func(string, ...any), tr Trend) {
	title := "Weekly"
	if tr.Period == store.PeriodMonth {
		title = "Monthly"
	}
	w("### %s complaints per dimension\n\n", title)
	if len(tr.Periods) == 0 || len(tr.Dimensions) == 0 {
		w("_No dated reviews with insights._\n\n")
		return
	}
	ps := tr.Periods
	if len(ps) > 8 {
		ps = ps[len(ps)-8:]
	}
	off := len(tr.Periods) - len(ps)
	w("Share of the period's reviews with a negative mention (negative reviews / reviews).\n\n| Dimension |")
	for _, p := range ps {
		w(" %s |", p.Start)
	}
	w("\n|---|%s\n| _reviews_ |", strings.Repeat("---:|", len(ps)))
	for _, p := range ps {
		w(" %d |", p.Reviews)
	}
	w("\n")
	for _, d := range tr.Dimensions {
		w("| %s |", md(d.Dimension))
		for _, pt := range d.Points[off:] {
			w(" %s |", pct(pt.NegativeShare))
		}
		w("\n")
	}
	w("\n")
}

func lift(v float64) string {
	if v < 0.0005 && v > -0.0005 {
		return "0.000"
	}
	return fmt.Sprintf("%+.3f", v)
}

func pvalue(p float64) string {
	if p < 0.001 {
		return "<0.001"
	}
	return strconv.FormatFloat(p, 'f', 3, 64)
}

func fiveWTitle(t string) string {
	if s := fiveWTitles[t]; s != "" {
		return s
	}
	return t
}

// polarising lists the dimensions whose mentions split both ways.
func polarising(a Aggregates) []Impact {
	var out []Impact
	for _, im := range a.Impact {
		if IsPolarising(im.Positive, im.Negative) {
			out = append(out, im)
		}
	}
	return out
}

// checkItem is one QC check: a complaint with its evidence.
type checkItem struct {
	Impact Impact
	Quotes []store.Quote
}

// checklist turns the complaints, most damaging first, into QC checks
// with the weakness quotes of each.
func checklist(a Aggregates) []checkItem {
	ev := map[string][]store.Quote{}
	for _, t := range a.TopWeaknesses {
		ev[t.Topic] = t.Evidence
	}
	var out []checkItem
	for _, im := range a.Impact {
		if im.Negative == 0 || im.Kind != voc.DimProduct {
			continue
		}
		out = append(out, checkItem{Impact: im, Quotes: ev[im.Dimension]})
		if len(out) == 10 {
			break
		}
	}
	return out
}
