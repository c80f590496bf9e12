// Review reader: a product's reviews with original and translation,
// insight chips coloured by sentiment and 5W tags, filtered by the URL's
// query and paged with the API's cursor.
import * as api from "../api.js";
import { badge, h, option, replace } from "../dom.js";
import { DIMENSION_KINDS, emptyFilters, filtersFromQuery, filtersToQuery, fmtInt, href, INSIGHT_TYPES, LABEL_TYPES, SENTIMENTS, splitList, stars, tone, } from "../format.js";
import { isAbort, loading, showError } from "../ui.js";
const PAGE = 20;
export async function reviewsView(root, ctx, productID) {
    ctx.setTitle("Reviews");
    const filters = filtersFromQuery(ctx.route.query);
    const title = h("h2", null, "Reviews");
    const filterSlot = h("div", null, loading());
    const summary = h("p", { class: "muted", role: "status" });
    const list = h("div", { class: "reviews" });
    const more = h("button", { type: "button", class: "secondary", hidden: true }, "Load more");
    const errSlot = h("div");
    root.append(h("section", { class: "card" }, h("div", { class: "crumbs" }, h("a", { href: href(["products"]) }, "Products"), " / ", h("a", { href: href(["products", productID]) }, "Product " + productID), " / Reviews"), title, filterSlot), h("section", { class: "card" }, summary, errSlot, list, h("div", { class: "row center" }, more)));
    // The product (for its title) and model (for the filter lists) are
    // optional: the reader works without them.
    const [product, model] = await Promise.all([
        api.getProduct(productID, ctx.signal).catch(() => null),
        api.getModel(productID, ctx.signal).catch(() => null),
    ]);
    if (ctx.signal.aborted)
        return;
    if (product) {
        title.textContent = "Reviews of " + (product.title || product.asin);
        ctx.setTitle("Reviews · " + (product.title || product.asin));
    }
    replace(filterSlot, filterForm(productID, filters, model));
    const go = (f) => {
        location.hash = href(["products", productID, "reviews"], filtersToQuery(f));
    };
    let cursor;
    const load = async () => {
        const q = filtersToQuery(filters);
        q.set("limit", String(PAGE));
        if (cursor)
            q.set("cursor", cursor);
        more.disabled = true;
        try {
            const page = await api.listReviews(productID, q, ctx.signal);
            const items = page.items ?? [];
            for (const r of items)
                list.append(reviewCard(r, filters, go));
            const shown = list.childElementCount;
            summary.textContent = fmtInt(page.total) + (page.total === 1 ? " review matches" : " reviews match") + (shown < page.total ? "; showing " + fmtInt(shown) : "") + ".";
            if (page.total === 0)
                list.append(h("p", { class: "muted" }, "No reviews match these filters."));
            cursor = page.next_cursor;
            more.hidden = !cursor;
            showError(errSlot, null);
        }
        catch (err) {
            if (!isAbort(err))
                showError(errSlot, err);
        }
        finally {
            more.disabled = false;
        }
    };
    more.addEventListener("click", () => void load());
    await load();
}
function checkboxes(name, values, checked, labels) {
    return h("div", { class: "checks" }, values.map((v) => {
        const box = h("input", { type: "checkbox", name, value: v });
        box.checked = checked.includes(v);
        return h("label", { class: "check" }, box, " ", labels ? labels(v) : v);
    }));
}
function filterForm(productID, f, model) {
    const dims = model?.dimensions ?? [];
    const labels = model?.labels ?? [];
    const dimSel = h("select", { name: "dimension", multiple: true, size: 5, "aria-label": "Dimensions" }, DIMENSION_KINDS.map((kind) => {
        const items = dims.filter((d) => d.kind === kind);
        return items.length ? h("optgroup", { label: kind }, items.map((d) => option(String(d.id), d.name))) : null;
    }));
    const labelSel = h("select", { name: "label", multiple: true, size: 5, "aria-label": "5W labels" }, LABEL_TYPES.map((t) => {
        const items = labels.filter((l) => l.type === t);
        return items.length ? h("optgroup", { label: t }, items.map((l) => option(String(l.id), l.name))) : null;
    }));
    // A filter value may be a name or an id: select the options it names.
    const selectValues = (sel, vals, names) => {
        for (const o of Array.from(sel.options))
            o.selected = vals.includes(o.value) || vals.includes(names.get(o.value) ?? "\u0000");
    };
    selectValues(dimSel, f.dimension, new Map(dims.map((d) => [String(d.id), d.name])));
    selectValues(labelSel, f.label, new Map(labels.map((l) => [String(l.id), l.name])));
    const known = new Set([...dims.map((d) => String(d.id)), ...dims.map((d) => d.name)]);
    const knownLabels = new Set([...labels.map((l) => String(l.id)), ...labels.map((l) => l.name)]);
    // Values the model does not list (a deleted dimension, a typed name) stay as extra filters.
    const extraDims = f.dimension.filter((v) => !known.has(v));
    const extraLabels = f.label.filter((v) => !knownLabels.has(v));
    const insightType = h("select", { name: "insight_type" }, option("", "any type", f.insight_type), INSIGHT_TYPES.map((t) => option(t, t, f.insight_type)));
    const labelType = h("select", { name: "label_type" }, option("", "any type", f.label_type), LABEL_TYPES.map((t) => option(t, t, f.label_type)));
    const language = h("input", { type: "text", name: "language", value: f.language.join(", "), placeholder: "en, de, zh", size: 12, spellcheck: "false" });
    const form = h("form", { class: "filters" }, h("fieldset", null, h("legend", null, "Rating"), checkboxes("rating", ["1", "2", "3", "4", "5"], f.rating, (v) => v + "★")), h("fieldset", null, h("legend", null, "Sentiment"), checkboxes("sentiment", SENTIMENTS, f.sentiment)), h("fieldset", null, h("legend", null, "Language"), language), h("fieldset", null, h("legend", null, "Dimension"), dims.length ? dimSel : h("p", { class: "muted small" }, "no model yet"), h("label", { class: "inline" }, "insight ", insightType), extraDims.length ? h("p", { class: "small" }, "also: " + extraDims.join(", ")) : null), h("fieldset", null, h("legend", null, "5W label"), labels.length ? labelSel : h("p", { class: "muted small" }, "no labels yet"), h("label", { class: "inline" }, "type ", labelType), extraLabels.length ? h("p", { class: "small" }, "also: " + extraLabels.join(", ")) : null), h("div", { class: "row" }, h("button", { type: "submit" }, "Apply"), h("a", { class: "button secondary", href: href(["products", productID, "reviews"]) }, "Clear")));
    form.addEventListener("submit", (e) => {
        e.preventDefault();
        const next = emptyFilters();
        const checked = (name) => Array.from(form.querySelectorAll('input[name="' + name + '"]:checked')).map((b) => b.value);
        next.rating = checked("rating");
        next.sentiment = checked("sentiment");
        next.language = splitList(language.value);
        next.dimension = [...Array.from(dimSel.selectedOptions).map((o) => o.value), ...extraDims];
        next.label = [...Array.from(labelSel.selectedOptions).map((o) => o.value), ...extraLabels];
        next.insight_type = insightType.value;
        next.label_type = labelType.value;
        location.hash = href(["products", productID, "reviews"], filtersToQuery(next));
    });
    return form;
}
const TRANSLATION_NOTE = {
    pending: "translation pending",
    skipped: "not translated (already in the target language, or the offline analyser ran)",
    failed: "translation failed",
};
/** reviewCard renders one review. go applies new filters (a click on a chip). */
function reviewCard(r, current, go) {
    const insights = r.insights ?? [];
    const tags = r.tags ?? [];
    const translated = r.translation_status === "done" && (r.body_translated || r.title_translated);
    const meta = [
        r.review_date || r.review_date_raw || "",
        r.language ? "lang " + r.language : "",
        r.variant ?? "",
        r.verified_purchase ? "verified purchase" : "",
        r.helpful_votes ? fmtInt(r.helpful_votes) + " helpful" : "",
        r.author ? "by " + r.author : "",
    ].filter(Boolean);
    // A chip narrows the current filters to its dimension (label) and type.
    const byDimension = (i) => () => go({ ...current, dimension: [String(i.dimension_id)], insight_type: i.type });
    const byLabel = (t) => () => go({ ...current, label: [String(t.label_id)], label_type: t.type });
    return h("article", { class: "review" }, h("header", null, h("span", { class: "stars", title: r.rating != null ? r.rating + " of 5" : "no rating" }, stars(r.rating)), " ", r.sentiment ? badge(r.sentiment, tone(r.sentiment, SENTIMENTS)) : null, h("span", { class: "muted small" }, " " + meta.join(" · ")), h("span", { class: "muted small id" }, "#" + r.id + (r.source_review_id ? " · " + r.source_review_id : ""))), 
    // Side by side when there is a translation; otherwise the original
    // takes the width and a note says why there is none.
    h("div", { class: translated ? "texts" : "texts single" }, h("div", { class: "original", lang: r.language && r.language !== "und" ? r.language : null }, h("div", { class: "label" }, translated ? "Original" : "Original · " + (TRANSLATION_NOTE[r.translation_status] ?? "no translation")), r.title ? h("h4", null, r.title) : null, h("p", { class: "body" }, r.body)), translated
        ? h("div", { class: "translation" }, h("div", { class: "label" }, "Translation"), r.title_translated ? h("h4", null, r.title_translated) : null, h("p", { class: "body" }, r.body_translated ?? ""))
        : null), insights.length
        ? h("div", { class: "chips" }, h("span", { class: "label" }, "Insights"), insights.map((i) => h("button", {
            type: "button",
            class: "chip " + tone(i.sentiment, SENTIMENTS),
            title: "“" + i.quote + "”" + (i.analysis ? " — " + i.analysis : "") + " (click: reviews with this)",
            onclick: byDimension(i),
        }, h("span", { class: "kind" }, i.type), " ", i.dimension)))
        : null, tags.length
        ? h("div", { class: "chips" }, h("span", { class: "label" }, "5W"), tags.map((t) => h("button", {
            type: "button",
            class: "chip tag",
            title: "“" + t.quote + "”" + (t.explanation ? " — " + t.explanation : "") + " (click: reviews with this)",
            onclick: byLabel(t),
        }, h("span", { class: "kind" }, t.type), " ", t.label)))
        : null, insights.length || tags.length
        ? h("details", { class: "evidence" }, h("summary", null, "Quotes and analysis"), h("ul", null, insights.map((i) => h("li", null, badge(i.sentiment || "?", tone(i.sentiment, SENTIMENTS)), " ", h("strong", null, i.type + " · " + i.dimension), ": “" + i.quote + "”", i.quote_translated ? h("span", { class: "muted" }, " (" + i.quote_translated + ")") : null, i.analysis ? " — " + i.analysis : "", h("span", { class: "muted small" }, " [" + i.confidence + "]"))), tags.map((t) => h("li", null, h("strong", null, t.type + " · " + t.label), ": “" + t.quote + "”", t.quote_translated ? h("span", { class: "muted" }, " (" + t.quote_translated + ")") : null, t.explanation ? " — " + t.explanation : "", h("span", { class: "muted small" }, " [" + t.confidence + "]")))))
        : null);
}
