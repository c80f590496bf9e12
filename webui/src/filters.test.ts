import { describe, expect, it } from "vitest";
import { chips, drill, filterParams, toggle, without, withOnly } from "./filters";

describe("filters", () => {
  it("keeps only filter parameters", () => {
    const q = new URLSearchParams("rating=5&sort=newest&cursor=x&g=week&q=loud&dimension=3");
    expect(filterParams(q).toString()).toBe("rating=5&q=loud&dimension=3");
  });
  it("removes one chip and keeps the rest", () => {
    const q = new URLSearchParams("rating=5&rating=4&sentiment=negative");
    expect(chips(q)).toHaveLength(3);
    expect(without(q, { key: "rating", value: "5" }).toString()).toBe("rating=4&sentiment=negative");
  });
  it("replaces a filter instead of adding to it, and drops the cursor", () => {
    const q = new URLSearchParams("dimension=1&dimension=2&cursor=abc&q=x");
    expect(withOnly(q, "dimension", ["7"]).toString()).toBe("q=x&dimension=7");
  });
  it("toggles a value", () => {
    const q = new URLSearchParams("rating=5");
    expect(toggle(q, "rating", "4").getAll("rating")).toEqual(["5", "4"]);
    expect(toggle(q, "rating", "5").getAll("rating")).toEqual([]);
  });
  it("intersects a drilled date range with the filter's", () => {
    const q = new URLSearchParams("date_from=2024-03-10&date_to=2024-03-20&language=en&g=week");
    const d = drill(q, { date_from: "2024-03-01", date_to: "2024-03-31", dimension: "4" });
    expect(d.get("date_from")).toBe("2024-03-10");
    expect(d.get("date_to")).toBe("2024-03-20");
    expect(d.get("language")).toBe("en");
    expect(d.get("dimension")).toBe("4");
    expect(d.get("g")).toBeNull();
    const e = drill(new URLSearchParams(), { date_from: "2024-03-01", date_to: "2024-03-31" });
    expect(e.toString()).toBe("date_from=2024-03-01&date_to=2024-03-31");
  });
  it("a chart's own value replaces the same filter", () => {
    const d = drill(new URLSearchParams("rating=1&rating=2"), { rating: "2" });
    expect(d.getAll("rating")).toEqual(["2"]);
  });
});
