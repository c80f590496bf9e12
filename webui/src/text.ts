// Text helpers: highlighting quotes and search words inside review text,
// and small formatters. Pure functions, unit-tested.

/** Segment is a run of text, marked or not. */
export interface Segment {
  text: string;
  mark: boolean;
}

/**
 * highlight splits text into segments, marking every occurrence of each
 * needle (case-insensitive). Overlapping matches merge. Empty needles are
 * ignored.
 */
export function highlight(text: string, needles: (string | undefined | null)[]): Segment[] {
  const lower = text.toLowerCase();
  const ranges: [number, number][] = [];
  for (const n of needles) {
    const needle = (n ?? "").trim().toLowerCase();
    if (!needle) continue;
    let at = lower.indexOf(needle);
    while (at >= 0) {
      ranges.push([at, at + needle.length]);
      at = lower.indexOf(needle, at + needle.length);
    }
  }
  if (ranges.length === 0) return text ? [{ text, mark: false }] : [];
  ranges.sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const r of ranges) {
    const last = merged[merged.length - 1];
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else merged.push([r[0], r[1]]);
  }
  const out: Segment[] = [];
  let pos = 0;
  for (const [a, b] of merged) {
    if (a > pos) out.push({ text: text.slice(pos, a), mark: false });
    out.push({ text: text.slice(a, b), mark: true });
    pos = b;
  }
  if (pos < text.length) out.push({ text: text.slice(pos), mark: false });
  return out;
}

/** sameText says whether a translation adds nothing (equal after trimming and case). */
export function sameText(a?: string | null, b?: string | null): boolean {
  return (a ?? "").trim().toLowerCase() === (b ?? "").trim().toLowerCase();
}

/** similar scores two names 0..1 by shared words and characters, for merge suggestions. */
export function similar(a: string, b: string): number {
  const norm = (s: string) => s.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, " ").trim();
  const x = norm(a);
  const y = norm(b);
  if (!x || !y) return 0;
  if (x === y) return 1;
  if (x.includes(y) || y.includes(x)) return 0.9;
  const wx = new Set(x.split(" "));
  const wy = new Set(y.split(" "));
  let shared = 0;
  for (const w of wx) if (wy.has(w) && w.length > 2) shared++;
  const words = shared / Math.max(wx.size, wy.size);
  const bigrams = (s: string) => {
    const out = new Set<string>();
    for (let i = 0; i < s.length - 1; i++) out.add(s.slice(i, i + 2));
    return out;
  };
  const bx = bigrams(x);
  const by = bigrams(y);
  let common = 0;
  for (const g of bx) if (by.has(g)) common++;
  const dice = (2 * common) / (bx.size + by.size || 1);
  return Math.max(words, dice);
}

/** eta returns seconds left at the average rate so far, or null when unknown. */
export function eta(done: number, total: number, elapsedSeconds: number): number | null {
  if (done <= 0 || elapsedSeconds <= 0 || done >= total) return null;
  return ((total - done) * elapsedSeconds) / done;
}

/** duration formats seconds as "1 h 02 min", "3 min 05 s" or "12 s". */
export function duration(s: number): string {
  const t = Math.max(0, Math.round(s));
  const h = Math.floor(t / 3600);
  const m = Math.floor((t % 3600) / 60);
  const sec = t % 60;
  if (h > 0) return `${h} h ${String(m).padStart(2, "0")} min`;
  if (m > 0) return `${m} min ${String(sec).padStart(2, "0")} s`;
  return `${sec} s`;
}
