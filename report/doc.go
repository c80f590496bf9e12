// Package report builds and renders voc's reports.
//
// A report is numbers plus prose. The numbers (aggregates: counts, shares,
// nets, ranks, impact on rating, trends, emerging issues) are computed from
// the database through store; the prose (the narrative, written by the LLM
// or the offline analyser) is checked against those numbers by Check before
// it is stored: a figure in a claim that does not match the aggregate the
// claim names is repaired when the true figure is unambiguous, or the claim
// is dropped. Nothing in the prose is ever trusted as a number.
//
// Rendering is not HTTP: Markdown, HTML and PDF take a Document and return
// bytes; the api package only sets headers. Every string that comes from
// reviews or the model is escaped for its output format, and every cited
// review is a link (Links) when the caller has somewhere to link to. The
// HTML page draws its charts as inline SVG (chart.go): one self-contained,
// printable file that runs no script.
//
// Kinds: preliminary and final are built automatically by the pipeline;
// comprehensive, operations, product and supply_chain are built on demand,
// each with its own sections, order and audience (Kinds).
package report
