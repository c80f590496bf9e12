// Unit tests of the pure helpers, run on the compiled module:
// node --test test/helpers.test.mjs (after npm run build).
import { test } from "node:test";
import assert from "node:assert/strict";
import * as f from "../dist/assets/format.js";

test("fmtInt, fmtPct, fmtNet, fmtRating", () => {
  assert.equal(f.fmtInt(1234567), "1,234,567");
  assert.equal(f.fmtInt(null), "–");
  assert.equal(f.fmtPct(0.125), "12.5%");
  assert.equal(f.fmtPct(0.5), "50%");
  assert.equal(f.fmtPct(1, 0), "100%");
  assert.equal(f.fmtNet(0.4211), "+0.42");
  assert.equal(f.fmtNet(-0.5), "-0.50");
  assert.equal(f.fmtNet(-0.001), "0.00");
  assert.equal(f.fmtRating(4.25), "4.3");
  assert.equal(f.fmtRating(null), "–");
});

test("plural", () => {
  assert.equal(f.plural(1, "mention"), "1 mention");
  assert.equal(f.plural(0, "insight"), "0 insights");
  assert.equal(f.plural(1200, "tag"), "1,200 tags");
});

test("fmtTime and fmtBytes", () => {
  assert.equal(f.fmtTime("2024-01-31T14:05:09.123Z"), "2024-01-31 14:05 UTC");
  assert.equal(f.fmtTime(""), "");
  assert.equal(f.fmtTime("garbage"), "garbage");
  assert.equal(f.fmtBytes(512), "512 B");
  assert.equal(f.fmtBytes(1536), "1.5 KB");
  assert.equal(f.fmtBytes(3 * 1024 * 1024), "3.0 MB");
});

test("stars and truncate", () => {
  assert.equal(f.stars(2), "★★☆☆☆");
  assert.equal(f.stars(null), "no rating");
  assert.equal(f.truncate("abcdef", 4), "abc…");
  assert.equal(f.truncate("abc", 4), "abc");
  assert.equal(f.truncate("电池很差劲", 3), "电池…", "cuts by characters, not UTF-16 units");
});

test("stageShare clamps done and failed into the total", () => {
  assert.deepEqual(f.stageShare(0, 0, 0), { done: 0, failed: 0, finished: 0 });
  assert.deepEqual(f.stageShare(10, 5, 1), { done: 0.5, failed: 0.1, finished: 0.6 });
  const over = f.stageShare(10, 12, 3);
  assert.equal(over.done, 1);
  assert.equal(over.failed, 0);
});

test("stageInRun", () => {
  assert.equal(f.stageInRun("full", "translation"), true);
  assert.equal(f.stageInRun("rerun", "translation"), false);
  assert.equal(f.stageInRun("rerun", "insight_extraction"), true);
  assert.equal(f.stageInRun("translate_only", "theme_extraction"), false);
});

test("tone only returns whitelisted class names", () => {
  assert.equal(f.tone("Negative", f.SENTIMENTS), "negative");
  assert.equal(f.tone("x onmouseover=alert(1)", f.SENTIMENTS), "unknown");
  assert.equal(f.tone(null, f.RUN_STATUSES), "unknown");
  assert.equal(f.tone("running", f.RUN_STATUSES), "running");
});

test("safeHref keeps http(s), paths and hashes only", () => {
  assert.equal(f.safeHref("https://example.com/a"), "https://example.com/a");
  assert.equal(f.safeHref("/api/v1/reports/1/html"), "/api/v1/reports/1/html");
  assert.equal(f.safeHref("#/products/1"), "#/products/1");
  assert.equal(f.safeHref("javascript:alert(1)"), "");
  assert.equal(f.safeHref(" JavaScript:alert(1)"), "");
  assert.equal(f.safeHref("//evil.example/x"), "");
  assert.equal(f.safeHref("data:text/html,<script>"), "");
});

test("parseHash and href round-trip", () => {
  const r = f.parseHash("#/products/12/reviews?rating=1&rating=2&dimension=battery%20life");
  assert.deepEqual(r.path, ["products", "12", "reviews"]);
  assert.deepEqual(r.query.getAll("rating"), ["1", "2"]);
  assert.equal(r.query.get("dimension"), "battery life");
  assert.equal(f.href(["products", 12]), "#/products/12");
  assert.equal(f.href(["products"], { offset: "25" }), "#/products?offset=25");
  assert.deepEqual(f.parseHash("").path, []);
  assert.deepEqual(f.parseHash("#/a%2Fb/%E0%A4").path, ["a/b", "%E0%A4"], "bad escapes stay as they are");
});

test("parseID accepts positive integers only", () => {
  assert.equal(f.parseID("42"), 42);
  for (const bad of ["0", "-1", "1.5", "01", "", "1e3", "99999999999999999", undefined, null]) {
    assert.equal(f.parseID(bad), null, String(bad));
  }
});

test("review filters: query round-trip, comma lists and repeats", () => {
  const q = new URLSearchParams("rating=1,2&rating=2&sentiment=negative&language=en, de&dimension=4&insight_type=weakness&label=gym");
  const filters = f.filtersFromQuery(q);
  assert.deepEqual(filters.rating, ["1", "2"]);
  assert.deepEqual(filters.language, ["en", "de"]);
  assert.equal(filters.insight_type, "weakness");
  assert.equal(filters.label_type, "");
  assert.equal(
    f.filtersToQuery(filters).toString(),
    "rating=1&rating=2&sentiment=negative&language=en&language=de&dimension=4&label=gym&insight_type=weakness",
  );
  assert.equal(f.filtersToQuery(f.emptyFilters()).toString(), "");
});

test("niceMax, ticks and fmtTick", () => {
  assert.equal(f.niceMax(0), 1);
  assert.equal(f.niceMax(7), 10);
  assert.equal(f.niceMax(13), 20);
  assert.equal(f.niceMax(420), 500);
  assert.equal(f.niceMax(1000), 1000);
  assert.equal(f.niceMax(4.6), 5);
  assert.deepEqual(f.ticks(20, 4), [0, 5, 10, 15, 20]);
  assert.equal(f.fmtTick(1.25), "1.25");
  assert.equal(f.fmtTick(2000), "2,000");
});

test("toProblem reads problem+json and falls back to text", () => {
  const body = JSON.stringify({
    title: "Unprocessable Entity",
    status: 422,
    detail: "invalid review filter",
    errors: [{ message: "rating must be a whole number from 1 to 5", location: "query.rating", value: "9" }],
  });
  const p = f.toProblem(422, "Unprocessable Entity", "application/problem+json", body);
  assert.equal(p.title, "Unprocessable Entity");
  assert.equal(p.detail, "invalid review filter");
  assert.deepEqual(p.errors, [{ location: "query.rating", message: "rating must be a whole number from 1 to 5" }]);

  const plain = f.toProblem(502, "Bad Gateway", "text/html", "<html>proxy down</html>");
  assert.equal(plain.title, "Bad Gateway");
  assert.equal(plain.detail, "<html>proxy down</html>", "kept as text; the UI renders it with textContent");
  assert.deepEqual(plain.errors, []);

  const broken = f.toProblem(500, "", "application/json", "{nope");
  assert.equal(broken.title, "HTTP 500");
});

test("mapping checks", () => {
  assert.deepEqual(f.mappingProblems({ body: "text", rating: "stars" }), []);
  assert.deepEqual(f.mappingProblems({ body: "text" }), ["Rating (1–5) must be mapped to a column"]);
  assert.deepEqual(f.mappingProblems({ body: "text", rating: "text" }), ['column "text" is mapped to both body and rating']);
  assert.deepEqual(f.compactMapping({ title: "", body: "b", bogus: "x", rating: "r" }), { rating: "r", body: "b" });
});

test("pick reads Go-style and JSON-style keys", () => {
  assert.deepEqual(f.pick({ Headers: ["a"] }, "headers", "Headers"), ["a"]);
  assert.deepEqual(f.pick({ headers: ["b"], Headers: ["a"] }, "headers", "Headers"), ["b"]);
  assert.equal(f.pick(null, "x"), undefined);
});
