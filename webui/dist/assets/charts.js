// Charts as inline SVG, built element by element with createElementNS (via
// s()). Labels are text nodes; colours come from CSS classes, so the
// stylesheet (not inline styles) paints them.
import { s, h } from "./dom.js";
import { fmtInt, fmtNet, fmtPct, fmtTick, niceMax, ticks, truncate } from "./format.js";
const FONT = 11;
function frame(width, height, title, ...children) {
    return s("svg", { class: "chart", viewBox: "0 0 " + width + " " + height, role: "img", "aria-label": title }, s("title", null, title), ...children);
}
function label(x, y, t, anchor = "start", cls = "axis") {
    return s("text", { x: x.toFixed(1), y: y.toFixed(1), "text-anchor": anchor, class: cls, "font-size": FONT }, t);
}
/** barChart draws vertical bars with a value above each and a y axis. */
export function barChart(title, bars, height = 180) {
    const width = 360;
    const left = 36;
    const bottom = 22;
    const top = 16;
    const plotH = height - top - bottom;
    const max = niceMax(Math.max(0, ...bars.map((b) => b.value)));
    const els = [];
    for (const t of ticks(max, 4)) {
        const y = top + plotH - (t / max) * plotH;
        els.push(s("line", { class: "gridline", x1: left, x2: width - 4, y1: y.toFixed(1), y2: y.toFixed(1) }));
        els.push(label(left - 4, y + 4, fmtTick(t), "end"));
    }
    const slot = (width - left - 4) / Math.max(bars.length, 1);
    bars.forEach((b, i) => {
        const bh = (b.value / max) * plotH;
        const x = left + i * slot + slot * 0.15;
        const y = top + plotH - bh;
        els.push(s("rect", { class: "bar " + (b.cls ?? ""), x: x.toFixed(1), y: y.toFixed(1), width: (slot * 0.7).toFixed(1), height: bh.toFixed(1) }, s("title", null, b.label + ": " + fmtInt(b.value))));
        els.push(label(x + slot * 0.35, y - 3, fmtInt(b.value), "middle", "value"));
        els.push(label(x + slot * 0.35, height - 6, b.label, "middle"));
    });
    return frame(width, height, title, ...els);
}
/** shareBar draws one horizontal bar split into shares, with an HTML legend. */
export function shareBar(title, parts) {
    const width = 360;
    const total = parts.reduce((a, p) => a + Math.max(p.share, 0), 0) || 1;
    let x = 0;
    const rects = parts.map((p) => {
        const w = (Math.max(p.share, 0) / total) * width;
        const r = s("rect", { class: "bar " + p.cls, x: x.toFixed(1), y: 0, width: w.toFixed(1), height: 24 }, s("title", null, p.label + ": " + fmtPct(p.share) + " (" + fmtInt(p.count) + ")"));
        x += w;
        return r;
    });
    const svg = frame(width, 24, title, ...rects);
    svg.setAttribute("class", "chart sharebar");
    return h("figure", { class: "share" }, svg, h("figcaption", { class: "legend" }, parts.map((p) => h("span", { class: "key " + p.cls }, p.label + " " + fmtPct(p.share) + " (" + fmtInt(p.count) + ")"))));
}
/** netBars draws net sentiment from −1 to 1 as bars left or right of a centre line. */
export function netBars(title, rows) {
    const width = 560;
    const labelW = 170;
    const rowH = 20;
    const top = 18;
    const height = top + rows.length * rowH + 6;
    // Room on both sides of the plot for the value labels of ±1 bars.
    const pad = 44;
    const plotW = width - labelW - 2 * pad;
    const mid = labelW + pad + plotW / 2;
    const els = [];
    for (const t of [-1, -0.5, 0, 0.5, 1]) {
        const x = mid + (t * plotW) / 2;
        els.push(s("line", { class: t === 0 ? "axisline" : "gridline", x1: x.toFixed(1), x2: x.toFixed(1), y1: top - 4, y2: height - 4 }));
        els.push(label(x, top - 6, t === 0 ? "0" : fmtNet(t), "middle"));
    }
    rows.forEach((r, i) => {
        const y = top + i * rowH;
        const net = Math.max(-1, Math.min(1, r.net));
        const w = (Math.abs(net) * plotW) / 2;
        const x = net >= 0 ? mid : mid - w;
        els.push(s("text", { x: labelW - 8, y: y + 14, "text-anchor": "end", class: "name", "font-size": FONT }, truncate(r.name, 28), s("title", null, r.name)));
        els.push(s("rect", { class: "bar " + (net > 0 ? "positive" : net < 0 ? "negative" : "neutral"), x: x.toFixed(1), y: y + 4, width: Math.max(w, 1).toFixed(1), height: rowH - 8 }, s("title", null, r.name + ": net " + fmtNet(r.net) + " (" + r.detail + ")")));
        els.push(label(net >= 0 ? mid + w + 4 : mid - w - 4, y + 14, fmtNet(r.net), net >= 0 ? "start" : "end", "value"));
    });
    return frame(width, height, title, ...els);
}
/** lineChart draws series over labelled x positions (months), with a legend. */
export function lineChart(title, xs, series, opts = {}) {
    const height = opts.height ?? 200;
    const width = 560;
    const left = 40;
    const right = 8;
    const top = 12;
    const bottom = 24;
    const plotW = width - left - right;
    const plotH = height - top - bottom;
    const all = series.flatMap((sr) => sr.values.filter((v) => v != null));
    const max = opts.max ?? niceMax(Math.max(0, ...all));
    const xAt = (i) => left + (xs.length <= 1 ? plotW / 2 : (i * plotW) / (xs.length - 1));
    const yAt = (v) => top + plotH - (v / max) * plotH;
    const els = [];
    for (const t of ticks(max, opts.ticks ?? 4)) {
        const y = yAt(t);
        els.push(s("line", { class: "gridline", x1: left, x2: width - right, y1: y.toFixed(1), y2: y.toFixed(1) }));
        els.push(label(left - 4, y + 4, fmtTick(t), "end"));
    }
    // At most ~8 x labels, evenly spread, always including the last.
    const step = Math.max(1, Math.ceil(xs.length / 8));
    xs.forEach((x, i) => {
        if (i % step === 0 || i === xs.length - 1)
            els.push(label(xAt(i), height - 6, x, "middle"));
    });
    const lines = [];
    const dots = [];
    for (const sr of series) {
        let d = "";
        let pen = false;
        sr.values.forEach((v, i) => {
            if (v == null) {
                pen = false;
                return;
            }
            d += (pen ? "L" : "M") + xAt(i).toFixed(1) + " " + yAt(v).toFixed(1) + " ";
            pen = true;
            dots.push(s("circle", { class: "dot " + sr.cls, cx: xAt(i).toFixed(1), cy: yAt(v).toFixed(1), r: 2.5 }, s("title", null, sr.name + " " + xs[i] + ": " + fmtTick(v))));
        });
        if (d)
            lines.push(s("path", { class: "line " + sr.cls, d: d.trim(), fill: "none" }));
    }
    return h("figure", { class: "line" }, frame(width, height, title, ...els, ...lines, ...dots), h("figcaption", { class: "legend" }, series.map((sr) => h("span", { class: "key " + sr.cls }, sr.name))));
}
