// The global filter: what the dashboard, the review reader and the export
// share, kept in the URL query so a view can be bookmarked and shared.
// Pure functions, unit-tested.

/** FILTER_KEYS are the query parameters that filter reviews (repeatable ones are lists). */
export const LIST_KEYS = ["rating", "sentiment", "language", "variant", "dimension", "label"] as const;
export const SINGLE_KEYS = ["q", "date_from", "date_to", "insight_type", "insight_sentiment", "label_type"] as const;
export const FILTER_KEYS: readonly string[] = [...LIST_KEYS, ...SINGLE_KEYS];

/** filterParams keeps only the filter parameters of a query (no sort, cursor or view state). */
export function filterParams(q: URLSearchParams): URLSearchParams {
  const out = new URLSearchParams();
  for (const [k, v] of q) if (FILTER_KEYS.includes(k) && v !== "") out.append(k, v);
  return out;
}

/** Chip is one applied filter value, removable on its own. */
export interface Chip {
  key: string;
  value: string;
}

export function chips(q: URLSearchParams): Chip[] {
  const out: Chip[] = [];
  for (const [k, v] of filterParams(q)) out.push({ key: k, value: v });
  return out;
}

/** without returns q minus one chip (the key's other values stay). */
export function without(q: URLSearchParams, c: Chip): URLSearchParams {
  const out = new URLSearchParams();
  for (const [k, v] of q) if (!(k === c.key && v === c.value) && k !== "cursor") out.append(k, v);
  return out;
}

/** withOnly sets key to exactly these values (replacing what was set), dropping the cursor. */
export function withOnly(q: URLSearchParams, key: string, values: string[]): URLSearchParams {
  const out = new URLSearchParams();
  for (const [k, v] of q) if (k !== key && k !== "cursor") out.append(k, v);
  for (const v of values) if (v !== "") out.append(key, v);
  return out;
}

/** toggle adds the value to key's list, or removes it when present. */
export function toggle(q: URLSearchParams, key: string, value: string): URLSearchParams {
  const vs = q.getAll(key);
  return withOnly(q, key, vs.includes(value) ? vs.filter((v) => v !== value) : [...vs, value]);
}

/**
 * drill returns the review reader's query for a chart element: the
 * dashboard's filters with the element's own set over them. A date range
 * is intersected with the filter's, so the list holds exactly the reviews
 * the chart counted.
 */
export function drill(q: URLSearchParams, extra: Record<string, string | string[]>): URLSearchParams {
  let out = filterParams(q);
  for (const [k, v] of Object.entries(extra)) {
    if (k === "date_from") {
      const cur = q.get("date_from");
      out = withOnly(out, k, [cur && cur > (v as string) ? cur : (v as string)]);
    } else if (k === "date_to") {
      const cur = q.get("date_to");
      out = withOnly(out, k, [cur && cur < (v as string) ? cur : (v as string)]);
    } else out = withOnly(out, k, Array.isArray(v) ? v : [v]);
  }
  return out;
}
