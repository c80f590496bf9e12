// Shared view pieces: the view context, error display, progress bars,
// polling, and the small bits of state kept in the browser (never secrets).
import { ApiError } from "./api.js";
import { h, s, replace, badge } from "./dom.js";
import { fmtInt, stageShare, tone, RUN_STATUSES } from "./format.js";
/** isAbort reports whether err is a cancelled request. */
export function isAbort(err) {
    return err instanceof DOMException && err.name === "AbortError";
}
/**
 * errorBox renders an error: a problem's title, detail and each of its
 * errors[] with the input it names. Everything is text.
 */
export function errorBox(err) {
    if (err instanceof ApiError) {
        const p = err.problem;
        return h("div", { class: "error", role: "alert" }, h("strong", null, p.title, p.status ? " (" + p.status + ")" : ""), p.detail ? h("p", null, p.detail) : null, p.errors.length
            ? h("ul", null, p.errors.map((e) => h("li", null, e.location ? h("code", null, e.location) : null, e.location ? ": " : "", e.message)))
            : null);
    }
    const msg = err instanceof Error ? err.message : String(err);
    return h("div", { class: "error", role: "alert" }, h("strong", null, "Error"), h("p", null, msg));
}
/** showError puts errorBox(err) into slot, or clears slot for null. */
export function showError(slot, err) {
    if (err == null)
        replace(slot);
    else
        replace(slot, errorBox(err));
}
/** loading is a placeholder shown while a view loads. */
export function loading(what = "Loading…") {
    return h("p", { class: "muted", role: "status" }, what);
}
/** statusBadge shows a run status with a whitelisted tone class. */
export function statusBadge(status) {
    return badge(status || "unknown", tone(status, RUN_STATUSES));
}
/**
 * stageBar draws a stage's progress as an SVG bar: done in the accent
 * colour, failed in red, with the counts as its accessible name. SVG
 * attributes, not inline styles, so the CSP needs no 'unsafe-inline'.
 */
export function stageBar(total, done, failed, compact = false) {
    const share = stageShare(total, done, failed);
    const w = 100;
    const label = fmtInt(done) + " of " + fmtInt(total) + " done" + (failed ? ", " + fmtInt(failed) + " failed" : "");
    return s("svg", {
        class: compact ? "stagebar compact" : "stagebar",
        viewBox: "0 0 100 8",
        preserveAspectRatio: "none",
        role: "img",
        "aria-label": label,
    }, s("title", null, label), s("rect", { class: "track", x: 0, y: 0, width: w, height: 8, rx: 2 }), s("rect", { class: "done", x: 0, y: 0, width: (share.done * w).toFixed(2), height: 8 }), s("rect", { class: "failed", x: (share.done * w).toFixed(2), y: 0, width: (share.failed * w).toFixed(2), height: 8 }));
}
/**
 * poll calls tick now and then again while it asks for more: true means
 * after intervalMs, a number means after that many milliseconds, false
 * stops. It also stops when the signal aborts. Errors go to onError and
 * back off (doubling up to maxMs); a 4xx other than 429 stops polling,
 * since retrying will not fix it.
 */
export function poll(tick, intervalMs, signal, onError, maxMs = 30000) {
    let backoff = intervalMs;
    let timer;
    signal.addEventListener("abort", () => clearTimeout(timer));
    const run = async () => {
        if (signal.aborted)
            return;
        let next;
        try {
            const r = await tick();
            next = r === true ? intervalMs : r;
            backoff = intervalMs;
        }
        catch (err) {
            if (isAbort(err) || signal.aborted)
                return;
            onError(err);
            if (err instanceof ApiError && err.status >= 400 && err.status < 500 && err.status !== 429)
                return;
            backoff = Math.min(backoff * 2, maxMs);
            next = backoff;
        }
        if (next !== false && !signal.aborted)
            timer = setTimeout(run, next);
    };
    void run();
}
/** notice is a transient success message. */
export function notice(msg) {
    return h("p", { class: "notice", role: "status" }, msg);
}
/** kv renders a definition list of label → value pairs. */
export function kv(pairs) {
    return h("dl", { class: "kv" }, pairs.map(([k, v]) => h("div", null, h("dt", null, k), h("dd", null, v))));
}
// ---- Browser-side memory: upload ids per product (ids only, no secrets). ----
const UPLOADS_KEY = "voc.uploads";
const USER_KEY = "voc.user";
const MAX_REMEMBERED = 10;
function readUploads() {
    try {
        const v = JSON.parse(localStorage.getItem(UPLOADS_KEY) ?? "{}");
        return v && typeof v === "object" ? v : {};
    }
    catch {
        return {};
    }
}
/** rememberUpload notes that this browser uploaded uploadID for productID. */
export function rememberUpload(productID, uploadID) {
    const all = readUploads();
    const ids = (all[String(productID)] ?? []).filter((x) => typeof x === "number" && x !== uploadID);
    all[String(productID)] = [uploadID, ...ids].slice(0, MAX_REMEMBERED);
    try {
        localStorage.setItem(UPLOADS_KEY, JSON.stringify(all));
    }
    catch {
        // storage full or disabled: the upload is still on the server
    }
}
/** rememberedUploads returns the upload ids this browser made for productID, newest first. */
export function rememberedUploads(productID) {
    const ids = readUploads()[String(productID)];
    return Array.isArray(ids) ? ids.filter((x) => Number.isSafeInteger(x) && x > 0) : [];
}
/** The signed-in token's name, for the header only; the credential itself is the HttpOnly cookie. */
export const user = {
    get() {
        return sessionStorage.getItem(USER_KEY) ?? "";
    },
    set(name) {
        sessionStorage.setItem(USER_KEY, name);
    },
    clear() {
        sessionStorage.removeItem(USER_KEY);
    },
};
