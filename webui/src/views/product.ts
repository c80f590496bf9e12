// Product page: the product, its latest analysis with live per-stage
// progress (polled every 2 s while running), and the uploads this browser
// made for it (polled while they ingest).

import * as api from "../api.js";
import { h, replace } from "../dom.js";
import { fmtBytes, fmtInt, fmtPct, fmtTime, href, parseID, stageInRun, stageShare, STAGES } from "../format.js";
import { errorBox, isAbort, kv, loading, poll, rememberUpload, rememberedUploads, showError, stageBar, statusBadge, type Ctx } from "../ui.js";

const POLL_MS = 2000;
const IDLE_POLL_MS = 10000;
const MAX_REJECTIONS_SHOWN = 100;

export async function productView(root: HTMLElement, ctx: Ctx, productID: number): Promise<void> {
  ctx.setTitle("Product " + productID);
  const head = h("section", { class: "card" }, loading());
  const pipeline = h("section", { class: "card" }, h("h2", null, "Pipeline"), loading());
  const uploads = h("section", { class: "card" });
  root.append(head, pipeline, uploads);

  let product: api.ProductDetail;
  try {
    product = await api.getProduct(productID, ctx.signal);
  } catch (err) {
    if (!isAbort(err)) replace(head, errorBox(err));
    pipeline.remove();
    uploads.remove();
    return;
  }
  renderHead(head, product);
  ctx.setTitle(product.title || product.asin);

  // Pipeline: poll every 2 s while an analysis runs or an upload on this
  // page ingests (its analysis starts when it is done), and every 10 s
  // otherwise, so a run started elsewhere shows up too. The header (review
  // count, model version, report links) is reloaded when the run changes.
  const pipeErr = h("div");
  const pipeBody = h("div");
  replace(pipeline, h("h2", null, "Pipeline"), pipeErr, pipeBody);
  const ingesting = new Set<number>();
  const refreshHead = async () => {
    try {
      product = await api.getProduct(productID, ctx.signal);
      renderHead(head, product);
    } catch {
      // the next poll shows any lasting problem
    }
  };
  let lastKey: string | null = null;
  let ticks = 0;
  poll(
    async () => {
      const a = await api.getAnalysis(productID, ctx.signal);
      showError(pipeErr, null);
      replace(pipeBody, analysisPanel(a));
      const key = a ? a.analysis_id + ":" + a.status : "";
      const running = a?.status === "running";
      ticks++;
      if ((lastKey !== null && key !== lastKey) || (running && ticks % 5 === 0)) await refreshHead();
      lastKey = key;
      return running || ingesting.size > 0 ? POLL_MS : IDLE_POLL_MS;
    },
    POLL_MS,
    ctx.signal,
    (err) => showError(pipeErr, err),
  );

  renderUploads(uploads, product, ctx, (uploadID, status) => {
    const was = ingesting.has(uploadID);
    if (status === "pending" || status === "ingesting") ingesting.add(uploadID);
    else ingesting.delete(uploadID);
    if (was && !ingesting.has(uploadID)) void refreshHead();
  });
}

/** UploadWatcher hears each status an upload card reads. */
type UploadWatcher = (uploadID: number, status: string) => void;

function renderHead(head: HTMLElement, p: api.ProductDetail): void {
  const links = h(
    "nav",
    { class: "actions" },
    h("a", { class: "button", href: href(["products", p.id, "reviews"]) }, "Reviews"),
    h("a", { class: "button secondary", href: href(["products", p.id, "model"]) }, "Model"),
    h("a", { class: "button secondary", href: href(["products", p.id, "reports"]) }, "Reports"),
    p.latest_report_id != null ? h("a", { class: "button secondary", href: href(["reports", p.latest_report_id]) }, "Latest report") : null,
    h("a", { class: "button secondary", href: href(["upload"], { asin: p.asin, marketplace: p.marketplace, target_language: p.target_language }) }, "Upload more"),
    h("a", { class: "button secondary", href: api.links.xlsx(p.id), download: "" }, "Export XLSX"),
  );
  const bullets = p.bullet_points ?? [];
  replace(
    head,
    h("div", { class: "crumbs" }, h("a", { href: href(["products"]) }, "Products"), " / ", p.asin),
    h("h2", null, p.title || p.asin),
    kv([
      ["Marketplace · ASIN", p.marketplace + " · " + p.asin],
      ["Reviews", fmtInt(p.review_count)],
      ["Model", p.model_version ? "version " + p.model_version : "not learned yet"],
      ["Target language", p.target_language || "–"],
      ["Latest analysis", p.latest_analysis_id != null ? h("span", null, "#" + p.latest_analysis_id + " ", p.latest_analysis_kind ?? "", " ", statusBadge(p.latest_analysis_status)) : "none yet"],
    ]),
    bullets.length
      ? h("details", null, h("summary", null, "Product details (" + bullets.length + " bullet points)"), h("ul", null, bullets.map((b) => h("li", null, b))))
      : null,
    links,
  );
}

/** analysisPanel renders an analysis: status, per-stage bars and LLM spend. */
export function analysisPanel(a: api.AnalysisStatus | null): HTMLElement {
  if (!a) {
    return h("p", { class: "muted" }, "No analysis yet. One starts when an upload finishes ingesting.");
  }
  const rows = STAGES.map(([key, name]) => {
    const st = a.stages[key] ?? { total: 0, done: 0, failed: 0 };
    if (!stageInRun(a.kind, key)) {
      return h("tr", null, h("th", { scope: "row" }, name), h("td", { class: "muted", colspan: 4 }, a.kind === "rerun" ? "kept from the earlier translation" : "not part of this run"));
    }
    const share = stageShare(st.total, st.done, st.failed);
    return h(
      "tr",
      null,
      h("th", { scope: "row" }, name),
      h("td", { class: "barcell" }, stageBar(st.total, st.done, st.failed)),
      h("td", { class: "num" }, fmtInt(st.done) + " / " + fmtInt(st.total)),
      h("td", { class: "num" }, fmtPct(share.finished, 0)),
      h("td", { class: st.failed ? "num bad" : "num muted" }, fmtInt(st.failed) + " failed"),
    );
  });
  return h(
    "div",
    null,
    h(
      "p",
      null,
      "Analysis #" + a.analysis_id + " (" + a.kind + ") ",
      statusBadge(a.status),
      h("span", { class: "muted" }, " started " + fmtTime(a.created_at) + (a.finished_at ? ", finished " + fmtTime(a.finished_at) : "")),
    ),
    h("table", { class: "stages" }, h("tbody", null, rows)),
    h(
      "dl",
      { class: "counts" },
      [
        ["LLM calls", fmtInt(a.calls)],
        ["Cache hits", fmtInt(a.cache_hits)],
        ["Tokens in", fmtInt(a.tokens_in)],
        ["Tokens out", fmtInt(a.tokens_out)],
      ].map(([k, v]) => h("div", null, h("dt", null, k), h("dd", null, v))),
    ),
  );
}

function renderUploads(section: HTMLElement, p: api.ProductDetail, ctx: Ctx, watch: UploadWatcher): void {
  const list = h("div", { class: "uploads" });
  const lookup = h("input", { type: "text", inputmode: "numeric", placeholder: "upload id", "aria-label": "Upload id", size: 10 });
  const lookupErr = h("div");
  const form = h("form", { class: "row" }, lookup, h("button", { type: "submit", class: "secondary" }, "Show upload"));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const id = parseID(lookup.value.trim());
    if (id == null) {
      showError(lookupErr, new Error("Enter an upload id (a positive whole number)."));
      return;
    }
    showError(lookupErr, null);
    lookup.value = "";
    list.querySelector(".none")?.remove();
    list.prepend(uploadCard(id, ctx, p.id, watch));
  });
  replace(
    section,
    h("div", { class: "head" }, h("h2", null, "Uploads"), form),
    lookupErr,
    h("p", { class: "hint" }, "Uploads made from this browser. The server keeps every upload; look one up by its id."),
    list,
  );
  const ids = rememberedUploads(p.id);
  if (ids.length === 0) list.append(h("p", { class: "muted none" }, "None from this browser."));
  for (const id of ids) list.append(uploadCard(id, ctx, p.id, watch));
}

/** uploadCard shows one upload's status and counts, polling until it is done or failed. */
export function uploadCard(uploadID: number, ctx: Ctx, productID?: number, watch?: UploadWatcher): HTMLElement {
  const card = h("article", { class: "upload" }, h("h3", null, "Upload #" + uploadID), loading());
  const errSlot = h("div");
  poll(
    async () => {
      const u = await api.getUpload(uploadID, ctx.signal);
      if (productID != null && u.product_id === productID) rememberUpload(productID, uploadID);
      replace(card, ...uploadBody(u), errSlot);
      watch?.(uploadID, u.status);
      showError(errSlot, null);
      return u.status === "pending" || u.status === "ingesting";
    },
    POLL_MS,
    ctx.signal,
    (err) => {
      if (!card.contains(errSlot)) card.append(errSlot);
      showError(errSlot, err);
    },
  );
  return card;
}

function uploadBody(u: api.Upload): Node[] {
  const rej = u.rejections ?? [];
  return [
    h(
      "h3",
      null,
      "Upload #" + u.id + " ",
      statusBadge(u.status),
      h("span", { class: "muted small" }, " " + [u.filename, u.format, fmtBytes(u.size_bytes), fmtTime(u.created_at)].filter(Boolean).join(" · ")),
    ),
    h(
      "dl",
      { class: "counts" },
      [
        ["Rows", u.rows_total],
        ["Ingested", u.rows_ingested],
        ["Duplicates", u.rows_duplicate],
        ["Rejected", u.rows_rejected],
      ].map(([k, v]) => h("div", null, h("dt", null, String(k)), h("dd", null, fmtInt(Number(v))))),
    ),
    u.error ? h("p", { class: "bad" }, u.error) : h("span"),
    rej.length
      ? h(
          "details",
          null,
          h("summary", null, "Rejected rows (" + fmtInt(u.rows_rejected || rej.length) + ")"),
          h(
            "table",
            { class: "list" },
            h("thead", null, h("tr", null, h("th", null, "Row"), h("th", null, "Column"), h("th", null, "Reason"))),
            h(
              "tbody",
              null,
              rej.slice(0, MAX_REJECTIONS_SHOWN).map((r) => h("tr", null, h("td", { class: "num" }, fmtInt(r.row)), h("td", null, r.column || "–"), h("td", null, r.reason))),
            ),
          ),
          rej.length > MAX_REJECTIONS_SHOWN ? h("p", { class: "muted" }, "… and " + fmtInt(rej.length - MAX_REJECTIONS_SHOWN) + " more; GET /api/v1/uploads/" + u.id + " lists up to 1,000.") : null,
        )
      : h("span"),
  ];
}
