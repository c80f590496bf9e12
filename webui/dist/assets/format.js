// Pure helpers: formatting, query strings, chart scales. Nothing here
// touches the DOM, so test/helpers.test.mjs can run it under Node.
const intFormat = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
/** fmtInt formats a count with thousands separators; "–" for null. */
export function fmtInt(n) {
    if (n == null || !Number.isFinite(n))
        return "–";
    return intFormat.format(n);
}
/** plural formats a count with a regular English noun ("1 insight", "3 insights"). */
export function plural(n, noun) {
    return fmtInt(n) + " " + noun + (n === 1 ? "" : "s");
}
/** fmtPct formats a 0–1 share as a percentage ("12.5%"). */
export function fmtPct(share, digits = 1) {
    if (share == null || !Number.isFinite(share))
        return "–";
    return (share * 100).toFixed(digits).replace(/\.0+$/, "") + "%";
}
/** fmtNet formats a net sentiment from −1 to 1 with its sign ("+0.42"). */
export function fmtNet(net) {
    if (!Number.isFinite(net))
        return "–";
    const s = net.toFixed(2);
    return net > 0 ? "+" + s : s === "-0.00" ? "0.00" : s;
}
/** fmtRating formats an average star rating ("4.2"). */
export function fmtRating(r) {
    return r == null || !Number.isFinite(r) ? "–" : r.toFixed(1);
}
/** fmtTime turns an RFC 3339 time into "2024-01-31 14:05 UTC"; "" when absent. */
export function fmtTime(iso) {
    if (!iso)
        return "";
    const d = new Date(iso);
    if (Number.isNaN(d.getTime()))
        return String(iso);
    return d.toISOString().slice(0, 16).replace("T", " ") + " UTC";
}
/** fmtBytes formats a size ("1.5 MB"). */
export function fmtBytes(n) {
    if (!Number.isFinite(n) || n < 0)
        return "–";
    const units = ["B", "KB", "MB", "GB"];
    let i = 0;
    while (n >= 1024 && i < units.length - 1) {
        n /= 1024;
        i++;
    }
    return (i === 0 ? String(n) : n.toFixed(1)) + " " + units[i];
}
/** stars renders a 1–5 rating as "★★★☆☆"; "no rating" for null. */
export function stars(rating) {
    if (rating == null || rating < 1 || rating > 5)
        return "no rating";
    const r = Math.round(rating);
    return "★".repeat(r) + "☆".repeat(5 - r);
}
/** truncate cuts s to at most n characters, adding an ellipsis. */
export function truncate(s, n) {
    const chars = Array.from(s);
    return chars.length <= n ? s : chars.slice(0, Math.max(0, n - 1)).join("") + "…";
}
/** stageShare returns the done and failed shares of a stage's total. */
export function stageShare(total, done, failed) {
    if (!(total > 0))
        return { done: 0, failed: 0, finished: 0 };
    const d = Math.min(Math.max(done, 0) / total, 1);
    const f = Math.min(Math.max(failed, 0) / total, 1 - d);
    return { done: d, failed: f, finished: d + f };
}
/** The pipeline stages, in order, with their display names. */
export const STAGES = [
    ["translation", "Translation"],
    ["insight_extraction", "Insights"],
    ["theme_extraction", "5W themes"],
];
/**
 * stageInRun reports whether an analysis of this kind runs the stage: a
 * rerun keeps the translations, a translate_only run stops after them.
 */
export function stageInRun(kind, stage) {
    if (kind === "rerun")
        return stage !== "translation";
    if (kind === "translate_only")
        return stage === "translation";
    return true;
}
const CLASS_SAFE = /^[a-z][a-z0-9_-]{0,31}$/;
/**
 * tone returns a CSS class for a server-provided enum value (sentiment,
 * status, kind) when it is one of the allowed values, else "unknown", so
 * that server text never picks arbitrary classes.
 */
export function tone(value, allowed) {
    const v = (value ?? "").toLowerCase();
    return allowed.includes(v) && CLASS_SAFE.test(v) ? v : "unknown";
}
export const SENTIMENTS = ["positive", "neutral", "negative"];
export const INSIGHT_TYPES = ["strength", "weakness", "suggestion", "scenario", "emotion"];
export const DIMENSION_KINDS = ["product", "scenario", "emotion"];
export const LABEL_TYPES = ["buyer", "user", "where", "when", "why", "what"];
export const RUN_STATUSES = ["pending", "ingesting", "running", "done", "failed"];
/** safeHref returns url when it is http(s), a same-origin path or a hash, else "". */
export function safeHref(url) {
    if (!url)
        return "";
    const u = url.trim();
    if (/^#/.test(u))
        return u;
    if (/^\/(?!\/)/.test(u))
        return u;
    if (/^https?:\/\//i.test(u))
        return u;
    return "";
}
/** splitList splits a comma list, trimming and dropping empties and repeats. */
export function splitList(s) {
    const out = [];
    for (const part of s.split(",")) {
        const v = part.trim();
        if (v && !out.includes(v))
            out.push(v);
    }
    return out;
}
/** emptyFilters returns filters that match every review. */
export function emptyFilters() {
    return { rating: [], sentiment: [], language: [], dimension: [], insight_type: "", label: [], label_type: "" };
}
const MULTI = ["rating", "sentiment", "language", "dimension", "label"];
const SINGLE = ["insight_type", "label_type"];
/** filtersFromQuery reads filters from URL parameters (repeated or comma lists). */
export function filtersFromQuery(q) {
    const f = emptyFilters();
    for (const k of MULTI) {
        const vals = [];
        for (const raw of q.getAll(k))
            for (const v of splitList(raw))
                if (!vals.includes(v))
                    vals.push(v);
        f[k] = vals;
    }
    for (const k of SINGLE)
        f[k] = (q.get(k) ?? "").trim();
    return f;
}
/** filtersToQuery writes filters as repeated parameters, in a stable order. */
export function filtersToQuery(f) {
    const q = new URLSearchParams();
    for (const k of MULTI)
        for (const v of f[k])
            if (v !== "")
                q.append(k, v);
    for (const k of SINGLE)
        if (f[k])
            q.set(k, f[k]);
    return q;
}
/** parseHash splits a location hash into decoded path segments and a query. */
export function parseHash(hash) {
    let h = hash.replace(/^#/, "");
    let qs = "";
    const qi = h.indexOf("?");
    if (qi >= 0) {
        qs = h.slice(qi + 1);
        h = h.slice(0, qi);
    }
    const path = h
        .split("/")
        .filter((s) => s !== "")
        .map((s) => {
        try {
            return decodeURIComponent(s);
        }
        catch {
            return s;
        }
    });
    return { path, query: new URLSearchParams(qs) };
}
/** href builds a hash link from path segments and an optional query. */
export function href(path, query) {
    const p = "#/" + path.map((s) => encodeURIComponent(String(s))).join("/");
    const q = query instanceof URLSearchParams ? query : new URLSearchParams(query ?? {});
    const qs = q.toString();
    return qs ? p + "?" + qs : p;
}
/** parseID returns a positive integer id, or null. */
export function parseID(s) {
    if (!s || !/^[1-9][0-9]{0,15}$/.test(s))
        return null;
    const n = Number(s);
    return Number.isSafeInteger(n) ? n : null;
}
/**
 * niceMax rounds a chart's maximum up to 1, 2 or 5 times a power of ten, so
 * axis ticks land on round numbers. It returns 1 for empty data.
 */
export function niceMax(max) {
    if (!(max > 0) || !Number.isFinite(max))
        return 1;
    const pow = Math.pow(10, Math.floor(Math.log10(max)));
    for (const m of [1, 2, 5, 10])
        if (m * pow >= max)
            return m * pow;
    return 10 * pow;
}
/** ticks returns n+1 evenly spaced values from 0 to max. */
export function ticks(max, n = 4) {
    const out = [];
    for (let i = 0; i <= n; i++)
        out.push((max * i) / n);
    return out;
}
/** fmtTick formats an axis value without trailing zeros. */
export function fmtTick(v) {
    if (Number.isInteger(v))
        return fmtInt(v);
    return String(Math.round(v * 100) / 100);
}
/**
 * toProblem turns any error response into a Problem: the problem+json body
 * when there is one, else the status text and the start of the body.
 */
export function toProblem(status, statusText, contentType, text) {
    if (/json/i.test(contentType)) {
        try {
            const p = JSON.parse(text);
            if (p && typeof p === "object") {
                const o = p;
                const errs = Array.isArray(o["errors"]) ? o["errors"] : [];
                return {
                    title: typeof o["title"] === "string" && o["title"] ? o["title"] : statusText || "HTTP " + status,
                    status: typeof o["status"] === "number" ? o["status"] : status,
                    detail: typeof o["detail"] === "string" ? o["detail"] : "",
                    errors: errs.map((e) => {
                        const eo = (e && typeof e === "object" ? e : {});
                        return {
                            location: typeof eo["location"] === "string" ? eo["location"] : "",
                            message: typeof eo["message"] === "string" ? eo["message"] : String(e),
                        };
                    }),
                };
            }
        }
        catch {
            // not JSON after all: fall through to the plain form
        }
    }
    return { title: statusText || "HTTP " + status, status, detail: truncate(text.trim(), 300), errors: [] };
}
/** The canonical review fields a file column can be mapped to, in the API's order. */
export const UPLOAD_FIELDS = [
    ["review_id", "Review id", false],
    ["author", "Author", false],
    ["rating", "Rating (1–5)", true],
    ["title", "Title", false],
    ["body", "Review text", true],
    ["review_date", "Date", false],
    ["variant", "Variant", false],
    ["helpful_votes", "Helpful votes", false],
    ["verified_purchase", "Verified purchase", false],
    ["review_url", "Review URL", false],
    ["image_urls", "Image URLs", false],
    ["video_url", "Video URL", false],
    ["has_video", "Has video", false],
    ["has_images", "Has images", false],
];
/**
 * mappingProblems checks a field → column mapping before upload: required
 * fields must be mapped and no column may feed two fields. It returns one
 * message per problem.
 */
export function mappingProblems(mapping) {
    const out = [];
    for (const [field, label, required] of UPLOAD_FIELDS) {
        if (required && !mapping[field])
            out.push(label + " must be mapped to a column");
    }
    const seen = new Map();
    for (const [field, col] of Object.entries(mapping)) {
        if (!col)
            continue;
        const prev = seen.get(col);
        if (prev)
            out.push('column "' + col + '" is mapped to both ' + prev + " and " + field);
        else
            seen.set(col, field);
    }
    return out;
}
/** compactMapping drops unmapped fields. */
export function compactMapping(mapping) {
    const out = {};
    for (const [field] of UPLOAD_FIELDS) {
        const col = mapping[field];
        if (col)
            out[field] = col;
    }
    return out;
}
/** pick returns the first of obj's keys that is present: the API's preview uses Go field names. */
export function pick(obj, ...keys) {
    if (!obj || typeof obj !== "object")
        return undefined;
    const o = obj;
    for (const k of keys)
        if (k in o && o[k] != null)
            return o[k];
    return undefined;
}
