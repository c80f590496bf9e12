import { describe, expect, it } from "vitest";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import en from "./locales/en";
import zh from "./locales/zh";
import { userLanguage } from "./i18n";

function keys(o: object, prefix = ""): string[] {
  return Object.entries(o).flatMap(([k, v]) => (typeof v === "object" && v !== null ? keys(v, prefix + k + ".") : [prefix + k]));
}

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : /\.tsx?$/.test(f) && !/\.test\./.test(f) ? [p] : [];
  });
}

describe("catalogues", () => {
  it("zh and en have the same keys", () => {
    expect(keys(zh).sort()).toEqual(keys(en).sort());
  });
  it("no zh string is left in English", () => {
    const flat = (o: object): Record<string, string> =>
      Object.fromEntries(keys(o).map((k) => [k, k.split(".").reduce((x: unknown, p) => (x as Record<string, unknown>)[p], o) as string]));
    const e = flat(en);
    const z = flat(zh);
    const same = Object.keys(e).filter((k) => e[k] === z[k] && /[a-z]{4,}/.test(e[k]!) && !/^(Markdown|HTML|PDF)$/.test(e[k]!));
    expect(same).toEqual([]);
  });
  it("every literal t() key used in the sources exists", () => {
    const all = new Set(keys(en));
    const missing: string[] = [];
    for (const f of files(join(__dirname))) {
      for (const m of readFileSync(f, "utf8").matchAll(/\bt\("([a-zA-Z_.]+)"/g)) {
        const k = m[1]!;
        if (k.endsWith(".")) continue;
        if (!all.has(k) && !all.has(k + "_one") && !all.has(k + "_other")) missing.push(f + ": " + k);
      }
    }
    expect(missing).toEqual([]);
  });
});

describe("safety", () => {
  it("no source renders strings as HTML or evaluates code", () => {
    const bad = /dangerouslySetInnerHTML|\.innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function/;
    const hits = files(join(__dirname)).filter((f) => bad.test(readFileSync(f, "utf8")));
    expect(hits).toEqual([]);
  });
  it("no token is kept in storage", () => {
    const hits = files(join(__dirname)).filter((f) => /localStorage\.setItem\([^)]*token/i.test(readFileSync(f, "utf8")));
    expect(hits).toEqual([]);
  });
});

describe("userLanguage", () => {
  it("applies the user's saved choice when it differs", () => {
    expect(userLanguage("zh", "en")).toBe("zh");
    expect(userLanguage("en", "zh")).toBe("en");
  });
  it("keeps the current language without a valid saved one", () => {
    expect(userLanguage("zh", "zh")).toBeNull();
    expect(userLanguage("", "en")).toBeNull();
    expect(userLanguage(undefined, "en")).toBeNull();
    expect(userLanguage("fr", "en")).toBeNull();
  });
});
