import { afterEach, describe, expect, it, vi } from "vitest";
import { capabilities, minimumRole } from "./api";
import { ALONE, alignmentWords, draftOf, moveDimension, renameGroup, sameAlignment, toPatch } from "./comparison";

describe("alignmentWords", () => {
  it("reads the server's notes", () => {
    expect(alignmentWords("llm", "aligned by meaning by the language model gpt-x (answer from the cache)")).toEqual({
      lines: [{ key: "compare.source.llm", params: { source: "llm" } }, { key: "compare.why.model", params: { model: "gpt-x" } }, { key: "compare.why.cached" }],
      raw: false,
    });
    expect(alignmentWords("offline", "aligned by concept and normalised name (no language model is configured)").lines.map((l) => l.key)).toEqual([
      "compare.source.offline",
      "compare.why.noLLM",
    ]);
    expect(alignmentWords("offline", "aligned by concept and normalised name (the language model could not align them: it was rate limited)").lines[1]!.key).toBe(
      "compare.why.rateLimited",
    );
    expect(alignmentWords("edited", "corrected by an analyst")).toEqual({ lines: [{ key: "compare.source.edited", params: { source: "edited" } }], raw: false });
  });
  it("keeps a note it does not know, to show as it is", () => {
    expect(alignmentWords("offline", "something new").raw).toBe(true);
    expect(alignmentWords("analyst", "").lines[0]!.key).toBe("compare.source.other");
  });
});

describe("the alignment editor", () => {
  const groups = () =>
    draftOf([
      { name: "Battery", kind: "product", members: [{ product_id: 1, dimension_id: 10, name: "Battery" }, { product_id: 2, dimension_id: 20, name: "Akku" }] },
      { name: "Sound", kind: "product", members: [{ product_id: 1, dimension_id: 11, name: "Sound" }] },
      { name: "Gym", kind: "scenario", members: [{ product_id: 2, dimension_id: 21, name: "Gym" }] },
    ]);
  it("moves a dimension to its own group, named after it", () => {
    const g = moveDimension(groups(), 20, ALONE);
    expect(g.map((x) => [x.name, x.members.map((m) => m.dimension_id)])).toEqual([
      ["Battery", [10]],
      ["Akku", [20]],
      ["Sound", [11]],
      ["Gym", [21]],
    ]);
  });
  it("moves a dimension to another group of its kind, dropping the emptied group", () => {
    const start = groups();
    const g = moveDimension(start, 11, start[0]!.uid);
    expect(g.map((x) => x.members.map((m) => m.dimension_id))).toEqual([[10, 20, 11], [21]]);
    expect(moveDimension(start, 21, start[0]!.uid)).toBe(start);
    expect(moveDimension(start, 11, ALONE)).toBe(start);
  });
  it("sends every group without local ids or names of members", () => {
    const start = groups();
    const body = toPatch(renameGroup(start, start[1]!.uid, "  "));
    expect(body[1]).toEqual({ name: "Sound", kind: "product", members: [{ product_id: 1, dimension_id: 11 }] });
    expect(sameAlignment(body, toPatch(start))).toBe(true);
    expect(sameAlignment(toPatch(renameGroup(start, start[0]!.uid, "Power")), toPatch(start))).toBe(false);
    expect(sameAlignment(toPatch(moveDimension(groups(), 20, ALONE)), toPatch(groups()))).toBe(false);
  });
});

describe("minimumRole", () => {
  it("reads the documented minimum role", () => {
    expect(minimumRole("Corrects it.\n\nMinimum role: **analyst**.")).toBe("analyst");
    expect(minimumRole("Minimum role: none (public).")).toBeUndefined();
  });
});

describe("capabilities", () => {
  afterEach(() => vi.unstubAllGlobals());
  it("offer a viewer no operation whose minimum role is analyst", async () => {
    const doc = {
      paths: {
        "/api/v1/comparisons/{id}": { get: { description: "Minimum role: **viewer**." } },
        "/api/v1/comparisons/{id}/alignment": { patch: { description: "Send the whole alignment.\n\nMinimum role: **analyst**." } },
      },
    };
    vi.stubGlobal("fetch", async () => new Response(JSON.stringify(doc), { status: 200, headers: { "Content-Type": "application/json" } }));
    const viewer = await capabilities(undefined, "viewer");
    expect(viewer.has("get", "/api/v1/comparisons/{id}")).toBe(true);
    expect(viewer.has("patch", "/api/v1/comparisons/{id}/alignment")).toBe(false);
    expect((await capabilities(undefined, "analyst")).has("patch", "/api/v1/comparisons/{id}/alignment")).toBe(true);
    expect((await capabilities(undefined, "admin")).has("patch", "/api/v1/comparisons/{id}/alignment")).toBe(true);
    expect((await capabilities()).has("patch", "/api/v1/comparisons/{id}/alignment")).toBe(true);
    expect(viewer.has("delete", "/api/v1/comparisons/{id}")).toBe(false);
  });
});
