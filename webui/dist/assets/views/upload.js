// Upload form: pick a file and the product it belongs to, optionally
// preview how its columns map to review fields and change the mapping, then
// upload with a progress bar. On success the product page takes over.
import * as api from "../api.js";
import { h, option, replace } from "../dom.js";
import { compactMapping, fmtBytes, fmtInt, href, mappingProblems, pick, truncate, UPLOAD_FIELDS } from "../format.js";
import { isAbort, loading, rememberUpload, showError } from "../ui.js";
/** Files larger than this are previewed from their first PREVIEW_BYTES when the format is line-based. */
const PREVIEW_BYTES = 1 << 20;
const LINE_FORMATS = /\.(csv|tsv|tab|txt|jsonl|ndjson)$/i;
const LANGUAGES = [
    ["zh", "Chinese"],
    ["en", "English"],
    ["de", "German"],
    ["fr", "French"],
    ["es", "Spanish"],
    ["it", "Italian"],
    ["ja", "Japanese"],
    ["ko", "Korean"],
    ["pt", "Portuguese"],
];
export function uploadView(root, ctx) {
    ctx.setTitle("Upload reviews");
    const q = ctx.route.query;
    const file = h("input", {
        type: "file",
        name: "file",
        required: true,
        accept: ".csv,.tsv,.xlsx,.json,.jsonl,text/csv,text/tab-separated-values,application/json",
    });
    const marketplace = h("input", { type: "text", name: "marketplace", value: q.get("marketplace") ?? "US", required: true, pattern: "[A-Za-z]{2,5}", maxlength: 5, size: 6 });
    const asin = h("input", { type: "text", name: "asin", value: q.get("asin") ?? "", required: true, pattern: "[A-Za-z0-9_\\-]{5,20}", minlength: 5, maxlength: 20, spellcheck: "false" });
    const lang = h("input", { type: "text", name: "target_language", value: q.get("target_language") ?? "zh", list: "languages", maxlength: 16, size: 6 });
    const datalist = h("datalist", { id: "languages" }, LANGUAGES.map(([code, name]) => option(code, name)));
    const previewBtn = h("button", { type: "button", class: "secondary" }, "Preview mapping");
    const uploadBtn = h("button", { type: "submit" }, "Upload");
    const cancelBtn = h("button", { type: "button", class: "secondary", hidden: true }, "Cancel");
    const progress = h("progress", { max: 100, value: 0, hidden: true });
    const progressText = h("span", { class: "muted", role: "status" });
    const errSlot = h("div");
    const previewSlot = h("div");
    // The mapping the user sees in the preview; null until a preview ran.
    let selects = null;
    let headers = [];
    const form = h("form", { class: "card", novalidate: true }, h("div", { class: "crumbs" }, h("a", { href: href(["products"]) }, "Products"), " / Upload"), h("h2", null, "Upload reviews"), h("p", { class: "hint" }, "CSV, TSV, XLSX, JSON or JSON Lines. Common export headers (rating, stars, body, text, review, title, date, variant, author…) are mapped automatically; preview to check or change the mapping."), h("label", { class: "field" }, h("span", { class: "label" }, "File"), file), h("div", { class: "grid" }, h("label", { class: "field" }, h("span", { class: "label" }, "ASIN"), asin), h("label", { class: "field" }, h("span", { class: "label" }, "Marketplace"), marketplace), h("label", { class: "field" }, h("span", { class: "label" }, "Target language"), lang, datalist)), h("div", { class: "row" }, previewBtn, uploadBtn, cancelBtn, progress, progressText), errSlot, previewSlot);
    root.append(form);
    file.addEventListener("change", () => {
        selects = null;
        headers = [];
        replace(previewSlot);
        showError(errSlot, null);
    });
    const currentMapping = () => {
        const m = {};
        if (selects)
            for (const [field, sel] of selects)
                if (sel.value)
                    m[field] = sel.value;
        return m;
    };
    previewBtn.addEventListener("click", async () => {
        const f = file.files?.[0];
        if (!f) {
            showError(errSlot, new Error("Choose a file first."));
            return;
        }
        const fd = new FormData();
        const partial = f.size > PREVIEW_BYTES && LINE_FORMATS.test(f.name);
        fd.append("file", partial ? new File([f.slice(0, PREVIEW_BYTES)], f.name, { type: f.type }) : f, f.name);
        // A second preview checks the mapping as edited.
        if (selects)
            fd.append("mapping", JSON.stringify(compactMapping(currentMapping())));
        previewBtn.disabled = true;
        showError(errSlot, null);
        replace(previewSlot, loading("Reading the file…"));
        try {
            const p = await api.previewUpload(fd, ctx.signal);
            const built = renderPreview(p, partial);
            selects = built.selects;
            headers = built.headers;
            replace(previewSlot, built.el);
        }
        catch (err) {
            if (isAbort(err))
                return;
            replace(previewSlot);
            showError(errSlot, err);
        }
        finally {
            previewBtn.disabled = false;
        }
    });
    let xhrAbort = null;
    cancelBtn.addEventListener("click", () => xhrAbort?.abort());
    form.addEventListener("submit", async (e) => {
        e.preventDefault();
        showError(errSlot, null);
        const f = file.files?.[0];
        const problems = [];
        if (!f)
            problems.push("Choose a file.");
        if (!/^[A-Za-z0-9_-]{5,20}$/.test(asin.value.trim()))
            problems.push("ASIN must be 5–20 letters, digits, - or _.");
        if (!/^[A-Za-z]{2,5}$/.test(marketplace.value.trim()))
            problems.push("Marketplace must be a 2–5 letter code such as US or DE.");
        const m = compactMapping(currentMapping());
        if (selects)
            problems.push(...mappingProblems(m).map((p) => "Mapping: " + p + "."));
        if (problems.length || !f) {
            showError(errSlot, new api.ApiError({ title: "Check the form", status: 0, detail: "", errors: problems.map((message) => ({ location: "", message })) }));
            return;
        }
        const fd = new FormData();
        fd.append("file", f, f.name);
        fd.append("asin", asin.value.trim());
        fd.append("marketplace", marketplace.value.trim().toUpperCase());
        if (lang.value.trim())
            fd.append("target_language", lang.value.trim());
        if (selects && headers.length)
            fd.append("mapping", JSON.stringify(m));
        xhrAbort = new AbortController();
        uploadBtn.disabled = previewBtn.disabled = true;
        cancelBtn.hidden = progress.hidden = false;
        progress.value = 0;
        progressText.textContent = "0% of " + fmtBytes(f.size);
        try {
            // Not tied to ctx.signal: leaving the page does not cancel an upload.
            const res = await api.createUpload(fd, (frac) => {
                progress.value = Math.round(frac * 100);
                progressText.textContent = Math.round(frac * 100) + "% of " + fmtBytes(f.size) + (frac >= 1 ? " — queuing…" : "");
            }, xhrAbort.signal);
            rememberUpload(res.product_id, res.upload_id);
            if (!ctx.signal.aborted)
                location.hash = href(["products", res.product_id]);
        }
        catch (err) {
            if (isAbort(err))
                progressText.textContent = "Upload cancelled.";
            else {
                progressText.textContent = "";
                showError(errSlot, err);
            }
        }
        finally {
            xhrAbort = null;
            uploadBtn.disabled = previewBtn.disabled = false;
            cancelBtn.hidden = progress.hidden = true;
        }
    });
}
/** renderPreview shows the detected format, an editable field → column mapping and sample rows. */
function renderPreview(p, partial) {
    const headers = (pick(p, "headers", "Headers") ?? []).filter((x) => typeof x === "string");
    const mapping = pick(p, "mapping", "Mapping") ?? {};
    const missing = pick(p, "missing", "Missing") ?? [];
    const unmapped = pick(p, "unmapped", "Unmapped") ?? [];
    const rows = pick(p, "rows", "Rows") ?? [];
    const format = pick(p, "format", "Format") ?? "";
    const selects = new Map();
    const mapRows = UPLOAD_FIELDS.map(([field, label, required]) => {
        const current = mapping[field] ?? "";
        const sel = h("select", { name: "map-" + field, "aria-label": label + " column" }, option("", "— not mapped —", current), headers.map((col) => option(col, col, current)));
        selects.set(field, sel);
        const isMissing = missing.includes(field);
        return h("tr", { class: isMissing ? "missing" : null }, h("th", { scope: "row" }, label, required ? h("span", { class: "req", title: "required" }, " *") : null, h("div", { class: "muted small" }, field)), h("td", null, sel), h("td", { class: "small bad" }, isMissing ? "required: pick a column" : ""));
    });
    const sample = rows.slice(0, 10).map((r) => {
        const row = pick(r, "row", "Row") ?? 0;
        const rv = pick(r, "review", "Review");
        const rej = pick(r, "rejections", "Rejections") ?? [];
        if (!rv) {
            const reasons = rej.map((x) => {
                const col = pick(x, "column", "Column");
                const reason = pick(x, "reason", "Reason") ?? "";
                return (col ? col + ": " : "") + reason;
            });
            return h("tr", { class: "rejected" }, h("td", { class: "num" }, fmtInt(row)), h("td", { colspan: 4, class: "bad" }, "rejected — " + reasons.join("; ")));
        }
        const rating = pick(rv, "rating", "Rating");
        return h("tr", null, h("td", { class: "num" }, fmtInt(row)), h("td", { class: "num" }, rating != null ? String(rating) : "–"), h("td", null, pick(rv, "review_date_raw", "ReviewDateRaw") ?? ""), h("td", null, truncate(pick(rv, "title", "Title") ?? "", 60)), h("td", null, truncate(pick(rv, "body", "Body") ?? "", 160)));
    });
    const el = h("div", { class: "preview" }, h("h3", null, "Preview"), h("p", { class: "hint" }, "Format " + (format || "?") + ", " + fmtInt(headers.length) + " columns." + (partial ? " Previewed from the first " + fmtBytes(PREVIEW_BYTES) + " of the file." : ""), unmapped.length ? " Not used: " + unmapped.join(", ") + "." : ""), missing.length ? h("p", { class: "bad" }, "Missing required fields: " + missing.join(", ") + ". Pick their columns, then preview again or upload.") : null, h("table", { class: "mapping" }, h("thead", null, h("tr", null, h("th", null, "Field"), h("th", null, "Column"), h("th"))), h("tbody", null, mapRows)), h("p", { class: "hint" }, "Changed the mapping? “Preview mapping” again checks it against the sample rows; “Upload” sends it with the file."), sample.length
        ? h("table", { class: "list sample" }, h("thead", null, h("tr", null, h("th", { class: "num" }, "Row"), h("th", { class: "num" }, "Rating"), h("th", null, "Date"), h("th", null, "Title"), h("th", null, "Text"))), h("tbody", null, sample))
        : null);
    return { el, selects, headers };
}
