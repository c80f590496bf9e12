package offline

import (
	"math"
	"sync"

	"github.com/voc-project/voc/language"
	"github.com/voc-project/voc/llm"
)

// Tuning constants, set on the SemEval-2015 laptops training sentences and
// the Alexa reviews (English); see docs/OFFLINE.md for how they were chosen.
const (
	negWindowWords = 4   // "not very good", "doesn't really work"
	negWindowRunes = 3   // 不是很好, 没有那么好
	intWindowWords = 2   // "very very good"
	intWindowRunes = 2   // 非常好, 很不错
	butBefore      = 0.5 // weight of items before "but"
	butAfter       = 1.5 // weight of items after "but"
	concedeWeight  = 0.5 // weight inside an "although" clause
	condWeight     = 0.2 // weight inside an "if"/"unless" clause
	negatedPos     = -0.9
	negatedNeg     = -0.5
	maxMult        = 2.0

	// sentenceThreshold is the |score| at or above which a sentence is
	// positive or negative rather than neutral.
	sentenceThreshold = 0.5
)

// contrib is one sentiment item's contribution, located by rune position in
// the folded sentence.
type contrib struct {
	start, end int32
	value      float64
}

// sentenceResult is the sentiment of one sentence.
type sentenceResult struct {
	score    float64
	pos, neg float64 // sums of positive and (absolute) negative contributions
	contribs []contrib
}

// scratch holds per-call buffers; pooled so scoring does not allocate on the
// hot path.
type scratch struct {
	ft   foldedText
	hits []hit
	cons []contrib
	used []bool // negators that negated something
	cues []cueHit
}

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

// scoreSentence scores the folded sentence held in sc.ft with lx. The
// returned contribs alias sc.cons.
func scoreSentence(lx *lexicon, sc *scratch) sentenceResult {
	rs := sc.ft.runes
	sc.hits = lx.trie.scan(rs, sc.hits[:0])
	hits := sc.hits
	sc.cons = sc.cons[:0]
	var res sentenceResult

	lastContrast := -1
	for i := range hits {
		if lx.entries[hits[i].val].kind == kContrast {
			lastContrast = i
		}
	}
	dist := func(a, b hit) int32 { // gap from a (earlier) to b (later)
		if lx.cjk {
			return b.start - a.end
		}
		return b.word - a.wordEnd
	}
	negWin, intWin := int32(negWindowWords), int32(intWindowWords)
	if lx.cjk {
		negWin, intWin = negWindowRunes, intWindowRunes
	}
	sc.used = sc.used[:0]
	for range hits {
		sc.used = append(sc.used, false)
	}
	concede, cond := false, false
	for i, h := range hits {
		e := &lx.entries[h.val]
		switch e.kind {
		case kConcede:
			concede = true
			continue
		case kCond:
			cond = true
			continue
		case kBound, kContrast:
			concede, cond = false, false
			continue
		case kSent, kIntSent, kExcessTo:
		default:
			continue
		}
		if e.kind == kIntSent {
			if i+1 < len(hits) {
				nx := lx.entries[hits[i+1].val].kind
				if (nx == kSent || nx == kIntSent) && dist(h, hits[i+1]) <= intWin {
					continue // acts as an intensifier of the next item
				}
			}
			if !lx.cjk && followedByModifiedWord(rs, int(h.end)) {
				continue // modifies a word the lexicon does not know ("super shiny")
			}
		}
		base := float64(e.score)
		negated := false
		mult := 1.0
		excess, downBefore := false, false
		for j := i - 1; j >= 0; j-- {
			p := hits[j]
			pe := &lx.entries[p.val]
			if pe.kind == kSent || pe.kind == kBound || pe.kind == kContrast || pe.kind == kConcede || pe.kind == kExcessTo {
				break
			}
			d := dist(p, h)
			if d > negWin {
				break
			}
			switch pe.kind {
			case kNeg:
				if !e.selfNeg {
					negated = true
					sc.used[j] = true
				}
			case kInt, kIntSent:
				if d <= intWin {
					if pe.kind == kIntSent {
						mult *= 1.5
					} else {
						mult *= float64(pe.score)
					}
				}
			case kDown:
				if d <= intWin {
					mult *= float64(pe.score)
					downBefore = downBefore || d <= 1
				}
			case kExcess:
				if d <= 1 {
					excess = true
					mult *= float64(pe.score)
				}
			}
		}
		switch {
		case e.kind == kExcessTo:
			switch {
			case excess:
				base = -float64(e.score)
			case downBefore:
				base = -float64(e.score) * 0.7 // "a bit small", 有点大
			default:
				continue
			}
			mult = 1
		case excess && base > 0 && lx.excessFlips:
			base = -1.5 // "too bright", "zu schnell"
			mult = 1
		}
		if !negated && (lx.lang == "ja" || e.post) {
			for j := i + 1; j < len(hits); j++ {
				n := hits[j]
				ne := &lx.entries[n.val]
				if ne.kind == kSent || ne.kind == kBound || ne.kind == kContrast {
					break
				}
				if lx.lang == "ja" {
					if ne.kind == kPostNeg && n.start-h.end <= int32(ne.score) {
						negated = true
						break
					}
					if n.start-h.end > 12 {
						break
					}
				} else {
					if n.word-h.wordEnd > negWindowWords {
						break
					}
					if ne.kind == kNeg {
						negated = true
						sc.used[j] = true
						break
					}
				}
			}
		}
		v := base
		if negated {
			switch {
			case e.neg != 0:
				v = float64(e.neg)
			case base > 0:
				v = base * negatedPos
			default:
				v = base * negatedNeg
			}
			if mult > 1 {
				mult = 0.8 // "not very good" is milder than "not good"
			}
		}
		v *= math.Min(mult, maxMult)
		switch {
		case lastContrast >= 0 && i < lastContrast:
			v *= butBefore
		case lastContrast >= 0 && i > lastContrast:
			v *= butAfter
		}
		if concede {
			v *= concedeWeight
		}
		if cond {
			v *= condWeight
		}
		sc.cons = append(sc.cons, contrib{start: h.start, end: h.end, value: v})
		res.score += v
		if v > 0 {
			res.pos += v
		} else {
			res.neg -= v
		}
	}
	// A negator with a score of its own ("no longer", "nicht mehr") that
	// negated nothing still signals a loss.
	for i, h := range hits {
		if e := &lx.entries[h.val]; e.kind == kNeg && e.score != 0 && !sc.used[i] {
			v := float64(e.score)
			sc.cons = append(sc.cons, contrib{start: h.start, end: h.end, value: v})
			res.score += v
			res.neg -= v
		}
	}
	res.contribs = sc.cons
	return res
}

// followedByModifiedWord reports whether the next word after position i is
// one an intensifier could modify: any word except prepositions,
// conjunctions and product nouns ("super for kids", "top produit").
func followedByModifiedWord(rs []rune, i int) bool {
	for i < len(rs) && rs[i] == ' ' {
		i++
	}
	if i == len(rs) || !isWordRune(rs[i]) {
		return false
	}
	j := i
	for j < len(rs) && isWordRune(rs[j]) {
		j++
	}
	return !standaloneFollowers[string(rs[i:j])]
}

var standaloneFollowers = toSet("for|and|but|with|to|the|a|product|item|thing|quality|price|" +
	"für|und|aber|mit|produkt|artikel|qualität|preis|teil|ware|" +
	"pour|et|mais|avec|produit|article|qualite|prix|" +
	"para|y|pero|con|producto|articulo|calidad|precio")

// polarity maps a score to positive, neutral or negative.
func polarity(score float64) string {
	switch {
	case score >= sentenceThreshold:
		return llm.Positive
	case score <= -sentenceThreshold:
		return llm.Negative
	}
	return llm.Neutral
}

// Review-level weights: each sentence is capped so one gushing sentence
// cannot drown a complaint; the title and the closing sentence, where
// reviewers state their verdict, weigh more. Chosen on a small grid over the
// MARC sample and the Chinese phone reviews (docs/OFFLINE.md).
const (
	sentenceCap = 3.0
	titleWeight = 1.5
	lastWeight  = 1.5
)

// docScore aggregates sentence scores into a review score.
type docScore struct {
	score, pos, neg float64
}

func (d *docScore) add(r sentenceResult, weight float64) {
	s := math.Max(-sentenceCap, math.Min(sentenceCap, r.score)) * weight
	d.score += s
	if s > 0 {
		d.pos += s
	} else {
		d.neg -= s
	}
}

func (d docScore) polarity() string { return polarity(d.score) }

// sentenceWeight is the weight of sentence i of n in the body.
func sentenceWeight(i, n int) float64 {
	if n > 1 && i == n-1 {
		return lastWeight
	}
	return 1
}

// detectLanguage returns the review language: the given code when set,
// otherwise language.Detect on the text.
func detectLanguage(given, text string) string {
	if given != "" && given != language.Undetermined {
		return given
	}
	return language.Detect(text)
}

// scoreSpan scores text[s.start:s.end] in lx, falling back to English for a
// Latin-script language whose own lexicon finds nothing (short English text
// is often misdetected).
func scoreSpan(lx *lexicon, text string, s span, sc *scratch) sentenceResult {
	fold(text, s, lx.accents, &sc.ft)
	r := scoreSentence(lx, sc)
	if len(r.contribs) == 0 && !lx.cjk && lx.lang != "en" {
		en := lexiconFor("en")
		fold(text, s, en.accents, &sc.ft)
		if r2 := scoreSentence(en, sc); len(r2.contribs) > 0 {
			return r2
		}
		fold(text, s, lx.accents, &sc.ft)
		return scoreSentence(lx, sc)
	}
	return r
}

// Sentiment returns the lexicon polarity ("positive", "neutral" or
// "negative") and score of text in lang (an ISO 639-1 code; "" detects it).
// Text with no opinion words is neutral with score 0; it never fails.
func Sentiment(text, lang string) (string, float64) {
	lx := lexiconFor(detectLanguage(lang, text))
	sc := scratchPool.Get().(*scratch)
	defer scratchPool.Put(sc)
	var d docScore
	sents := splitSentences(text)
	for i, s := range sents {
		d.add(scoreSpan(lx, text, s, sc), sentenceWeight(i, len(sents)))
	}
	return d.polarity(), d.score
}

// sentenceSentiment scores one sentence as a whole (no splitting), as the
// SemEval evaluation does.
func sentenceSentiment(text, lang string) (string, float64) {
	lx := lexiconFor(lang)
	sc := scratchPool.Get().(*scratch)
	defer scratchPool.Put(sc)
	r := scoreSpan(lx, text, span{0, len(text)}, sc)
	return polarity(r.score), r.score
}
