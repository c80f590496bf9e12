import { describe, expect, it } from "vitest";
import { duration, eta, highlight, sameText, similar } from "./text";

describe("highlight", () => {
  it("marks every occurrence, case-insensitively", () => {
    expect(highlight("Loud and LOUD", ["loud"])).toEqual([
      { text: "Loud", mark: true },
      { text: " and ", mark: false },
      { text: "LOUD", mark: true },
    ]);
  });
  it("merges overlapping needles and ignores empty ones", () => {
    expect(highlight("battery life", ["battery", "tery life", "", null])).toEqual([{ text: "battery life", mark: true }]);
  });
  it("works on Chinese text", () => {
    expect(highlight("电池续航很好", ["续航"]).filter((s) => s.mark)).toEqual([{ text: "续航", mark: true }]);
  });
  it("returns the text unmarked without needles", () => {
    expect(highlight("abc", [])).toEqual([{ text: "abc", mark: false }]);
  });
});

describe("helpers", () => {
  it("sameText ignores case and spaces", () => {
    expect(sameText(" Great ", "great")).toBe(true);
    expect(sameText("great", "bien")).toBe(false);
  });
  it("similar finds near-duplicate names", () => {
    expect(similar("Battery life", "battery")).toBeGreaterThanOrEqual(0.6);
    expect(similar("Sound quality", "Price")).toBeLessThan(0.6);
  });
  it("eta uses the average rate", () => {
    expect(eta(50, 100, 10)).toBe(10);
    expect(eta(0, 100, 10)).toBeNull();
    expect(eta(100, 100, 10)).toBeNull();
  });
  it("duration formats", () => {
    expect(duration(5)).toBe("5 s");
    expect(duration(125)).toBe("2 min 05 s");
    expect(duration(3720)).toBe("1 h 02 min");
  });
});
