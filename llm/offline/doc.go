// Package offline is the built-in analyser that needs no network and no
// account: the default provider when no LLM key is configured, and the
// content source of the LLM simulator.
//
// It works from hand-written, per-language lexicons (en, de, fr, es, zh, ja)
// compiled into tries at start-up:
//
//   - text is split into sentences (including 。！？ and newlines) and
//     clauses; quotes are always byte-exact substrings of the review;
//   - sentiment is lexicon based, with negation (pre-posed "not", "nicht",
//     "pas", "no", 不/没; post-posed German "nicht" and Japanese ない),
//     intensifiers, downtoners, "too"/太 excess, and but/although weighting;
//     Chinese and Japanese are scanned character by character for the
//     longest lexicon match, so no word segmentation is needed;
//   - aspects, scenarios, emotions and 5W cues come from seed concept tables
//     with bilingual (en/zh) names, so "battery"/"battery life"/电池/续航 or
//     "sound"/"audio"/音质 land on one dimension.
//
// Every method is deterministic and safe for concurrent use: the tables are
// built once and only read afterwards. Usage reports zero calls and zero
// tokens because no model is called.
package offline
