// Package llmsim is an OpenAI-compatible chat-completions server that answers
// voc's prompts from an llm.Analyzer (the offline analyser by default). It is
// for demos, load tests and CI: the real provider client (llm.OpenAI) talks
// to it over HTTP exactly as it talks to DashScope.
//
// It recognises a request by the first line of its system message
// ("voc-task: insights v1") and recovers the task input from the JSON
// document embedded between markers in the user message (llm.ParsePrompt).
// Around the analyser it simulates what makes real providers hard:
// latency with jitter, RPM/TPM/burst limits answered with DashScope's 429
// codes and a Retry-After header, and injected faults (5xx, hangs, malformed
// JSON, missing ids, content refusals, misquoted evidence). Refusals are
// deterministic per review text, as with a real content filter; the other
// faults follow a seeded schedule keyed by the request's content and how
// often that content was sent before, so a run's faults do not depend on how
// concurrent requests interleave.
package llmsim
