// Guards for the CSP and for rule 14 (every user-provided string is
// rendered as text): no HTML-parsing sinks and no inline code or styles,
// in the TypeScript sources and in the compiled output.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

function files(dir, ext) {
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...files(p, ext));
    else if (p.endsWith(ext)) out.push(p);
  }
  return out.sort();
}

const SINKS = [
  "innerHTML",
  "outerHTML",
  "insertAdjacentHTML",
  "document.write",
  "createContextualFragment",
  "DOMParser",
  "eval(",
  "new Function",
  "srcdoc",
  "javascript:",
];

test("compiled modules have no HTML or code sinks", () => {
  const js = files(join(root, "dist", "assets"), ".js");
  assert.ok(js.length > 5, "dist/assets has the compiled modules (run npm run build)");
  for (const f of js) {
    const src = readFileSync(f, "utf8");
    for (const s of SINKS) assert.ok(!src.includes(s), relative(root, f) + " uses " + s);
  }
});

test("sources have no HTML sinks and no inline styles", () => {
  for (const f of files(join(root, "src"), ".ts")) {
    const src = readFileSync(f, "utf8");
    for (const s of SINKS) assert.ok(!src.includes(s), relative(root, f) + " uses " + s);
    assert.ok(!/\.style\.|setAttribute\(\s*["']style/.test(src), relative(root, f) + " sets inline styles (blocked by the CSP)");
    assert.ok(!/setAttribute\(\s*["']on/.test(src), relative(root, f) + " sets an on* attribute");
  }
});

test("index.html has no inline script, style or handler", () => {
  const html = readFileSync(join(root, "dist", "index.html"), "utf8");
  assert.match(html, /<script type="module" src="\/assets\/main\.js"><\/script>/);
  assert.doesNotMatch(html, /<script(?![^>]*\ssrc=)[^>]*>/, "inline <script>");
  assert.doesNotMatch(html, /<style/);
  assert.doesNotMatch(html, /\sstyle=/);
  assert.doesNotMatch(html, /\son[a-z]+=/i);
});
