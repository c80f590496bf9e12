// Products list: every product with its latest analysis's per-stage
// progress. Rows whose analysis is running refresh themselves.

import * as api from "../api.js";
import { h, replace } from "../dom.js";
import { fmtInt, fmtTime, href, stageInRun, STAGES } from "../format.js";
import { errorBox, isAbort, loading, poll, showError, stageBar, statusBadge, type Ctx } from "../ui.js";

const PAGE = 25;
const LIST_POLL_MS = 5000;

/** pipelineCell renders a product's latest analysis compactly. */
export function pipelineCell(a: api.AnalysisStatus | null): HTMLElement {
  if (!a) return h("span", { class: "muted" }, "no analysis yet");
  return h(
    "div",
    { class: "mini-stages" },
    h("div", null, statusBadge(a.status), " ", h("span", { class: "muted" }, a.kind)),
    STAGES.filter(([key]) => stageInRun(a.kind, key)).map(([key, name]) => {
      const st = a.stages[key] ?? { total: 0, done: 0, failed: 0 };
      return h("div", { class: "mini-stage" }, h("span", { class: "mini-label" }, name), stageBar(st.total, st.done, st.failed, true));
    }),
  );
}

/** mapLimit runs fn over items with at most n calls in flight. */
async function mapLimit<T>(items: readonly T[], n: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
}

export async function productsView(root: HTMLElement, ctx: Ctx): Promise<void> {
  ctx.setTitle("Products");
  const offset = Math.max(0, Number(ctx.route.query.get("offset") ?? "0") || 0);
  const body = h("div", null, loading());
  root.append(
    h(
      "section",
      { class: "card" },
      h("div", { class: "head" }, h("h2", null, "Products"), h("a", { class: "button", href: href(["upload"]) }, "Upload reviews")),
      body,
    ),
  );

  let page: api.Page<api.Product>;
  try {
    page = await api.listProducts(PAGE, offset, ctx.signal);
  } catch (err) {
    if (!isAbort(err)) replace(body, errorBox(err));
    return;
  }
  const items = page.items ?? [];
  if (items.length === 0) {
    replace(
      body,
      h("p", { class: "muted" }, offset > 0 ? "No more products." : "No products yet. ", offset > 0 ? null : h("a", { href: href(["upload"]) }, "Upload a review file"), offset > 0 ? null : " to start."),
    );
    return;
  }

  const cells = new Map<number, HTMLElement>();
  const rows = items.map((p) => {
    const cell = h("td", { class: "pipeline" }, h("span", { class: "muted" }, "…"));
    cells.set(p.id, cell);
    return h(
      "tr",
      null,
      h(
        "td",
        null,
        h("a", { href: href(["products", p.id]) }, p.title || p.asin),
        h("div", { class: "muted small" }, p.marketplace + " · " + p.asin),
      ),
      h("td", { class: "num" }, fmtInt(p.review_count)),
      h("td", { class: "num" }, p.model_version ? "v" + p.model_version : "–"),
      cell,
      h("td", { class: "small" }, fmtTime(p.updated_at)),
    );
  });
  const errSlot = h("div");
  replace(
    body,
    errSlot,
    h(
      "table",
      { class: "list" },
      h("thead", null, h("tr", null, h("th", null, "Product"), h("th", { class: "num" }, "Reviews"), h("th", { class: "num" }, "Model"), h("th", null, "Pipeline"), h("th", null, "Updated"))),
      h("tbody", null, rows),
    ),
    pager(offset, page.total),
  );

  // Load each product's latest analysis, then keep refreshing the running ones.
  const running = new Set<number>();
  const refresh = async (id: number) => {
    const a = await api.getAnalysis(id, ctx.signal);
    const cell = cells.get(id);
    if (cell) replace(cell, pipelineCell(a));
    if (a?.status === "running") running.add(id);
    else running.delete(id);
  };
  poll(
    async () => {
      const ids = running.size ? [...running] : items.map((p) => p.id);
      await mapLimit(ids, 4, refresh);
      showError(errSlot, null);
      return running.size > 0;
    },
    LIST_POLL_MS,
    ctx.signal,
    (err) => showError(errSlot, err),
  );
}

function pager(offset: number, total: number): HTMLElement {
  const from = offset + 1;
  const to = Math.min(offset + PAGE, total);
  return h(
    "nav",
    { class: "pager" },
    offset > 0 ? h("a", { href: href(["products"], { offset: String(Math.max(0, offset - PAGE)) }) }, "← Newer") : null,
    h("span", { class: "muted" }, fmtInt(from) + "–" + fmtInt(to) + " of " + fmtInt(total)),
    to < total ? h("a", { href: href(["products"], { offset: String(offset + PAGE) }) }, "Older →") : null,
  );
}
