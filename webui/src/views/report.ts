// Reports: a product's report list, and one report with SVG charts,
// evidence quotes (with review ids) and the narrative, plus the Markdown,
// HTML and XLSX downloads.

import * as api from "../api.js";
import { barChart, lineChart, netBars, shareBar } from "../charts.js";
import { badge, h, replace } from "../dom.js";
import { DIMENSION_KINDS, fmtInt, fmtNet, fmtPct, fmtRating, fmtTime, href, plural, SENTIMENTS, tone } from "../format.js";
import { errorBox, isAbort, kv, loading, type Ctx } from "../ui.js";

const KINDS = ["preliminary", "final"] as const;

export async function reportsView(root: HTMLElement, ctx: Ctx, productID: number): Promise<void> {
  ctx.setTitle("Reports");
  const body = h("div", null, loading());
  const title = h("h2", null, "Reports");
  root.append(
    h(
      "section",
      { class: "card" },
      h("div", { class: "crumbs" }, h("a", { href: href(["products"]) }, "Products"), " / ", h("a", { href: href(["products", productID]) }, "Product " + productID), " / Reports"),
      title,
      body,
    ),
  );
  api
    .getProduct(productID, ctx.signal)
    .then((p) => (title.textContent = "Reports of " + (p.title || p.asin)))
    .catch(() => {});
  try {
    const res = await api.listReports(productID, ctx.signal);
    const items = res.items ?? [];
    if (items.length === 0) {
      replace(body, h("p", { class: "muted" }, "No reports yet. A preliminary report is written when insights and themes are 90% done, a final one at 100%."));
      return;
    }
    replace(
      body,
      h(
        "table",
        { class: "list" },
        h("thead", null, h("tr", null, h("th", null, "Report"), h("th", null, "Kind"), h("th", null, "Analysis"), h("th", { class: "num" }, "Coverage"), h("th", null, "Created"), h("th", null, "Download"))),
        h(
          "tbody",
          null,
          items.map((r) =>
            h(
              "tr",
              null,
              h("td", null, h("a", { href: href(["reports", r.id]) }, "Report #" + r.id)),
              h("td", null, badge(r.kind, tone(r.kind, KINDS))),
              h("td", null, "#" + r.analysis_id),
              h("td", { class: "num" }, fmtPct(r.coverage)),
              h("td", null, fmtTime(r.created_at)),
              h("td", null, h("a", { href: api.links.markdown(r.id) }, "Markdown"), " · ", h("a", { href: api.links.htmlDownload(r.id) }, "HTML")),
            ),
          ),
        ),
      ),
    );
  } catch (err) {
    if (!isAbort(err)) replace(body, errorBox(err));
  }
}

/** ids renders cited review ids ("reviews #12, #40"). */
function ids(list: readonly number[] | null | undefined): HTMLElement | null {
  if (!list || list.length === 0) return null;
  return h("span", { class: "cite" }, " (" + (list.length === 1 ? "review " : "reviews ") + list.map((i) => "#" + i).join(", ") + ")");
}

function claims(heading: string, list: readonly api.Claim[] | null): HTMLElement | null {
  if (!list || list.length === 0) return null;
  return h("div", null, h("h3", null, heading), h("ul", { class: "claims" }, list.map((c) => h("li", null, c.text, ids(c.review_ids)))));
}

function evidence(list: readonly api.Quote[] | null): HTMLElement | null {
  if (!list || list.length === 0) return null;
  return h(
    "ul",
    { class: "quotes" },
    list.map((q) => h("li", null, h("q", null, q.quote), h("span", { class: "cite" }, " review #" + q.review_id))),
  );
}

function topics(heading: string, list: readonly api.TopicStat[] | null, cls: string): HTMLElement {
  const items = list ?? [];
  return h(
    "div",
    { class: "topics " + cls },
    h("h3", null, heading),
    items.length
      ? h(
          "ol",
          null,
          items.map((t) => h("li", null, h("strong", null, t.topic), h("span", { class: "muted" }, " · " + plural(t.count, "mention")), evidence(t.evidence))),
        )
      : h("p", { class: "muted" }, "none"),
  );
}

export async function reportView(root: HTMLElement, ctx: Ctx, reportID: number): Promise<void> {
  ctx.setTitle("Report " + reportID);
  const slot = h("div", null, h("section", { class: "card" }, loading()));
  root.append(slot);
  let r: api.Report;
  try {
    r = await api.getReport(reportID, ctx.signal);
  } catch (err) {
    if (!isAbort(err)) replace(slot, h("section", { class: "card" }, errorBox(err)));
    return;
  }
  const name = r.product.title || r.product.asin;
  ctx.setTitle("Report · " + name);
  const g = r.aggregates;
  // Reports written by older versions may lack newer fields.
  const n: api.Narrative = r.narrative ?? { executive_summary: { text: "", review_ids: [] }, personas: [], strengths: [], weaknesses: [], priority_actions: [] };
  const agree = g.rating_vs_sentiment ?? { compared: 0, agree: 0, rate: 0 };

  const header = h(
    "section",
    { class: "card" },
    h(
      "div",
      { class: "crumbs" },
      h("a", { href: href(["products"]) }, "Products"),
      " / ",
      h("a", { href: href(["products", r.product.id]) }, name),
      " / ",
      h("a", { href: href(["products", r.product.id, "reports"]) }, "Reports"),
      " / #" + r.id,
    ),
    h("h2", null, "VOC report: " + name, " ", badge(r.kind, tone(r.kind, KINDS))),
    r.kind === "preliminary" ? h("p", { class: "notice warn" }, "Preliminary: written at " + fmtPct(r.coverage) + " coverage. A final report follows when every review is through the pipeline.") : null,
    kv([
      ["Marketplace · ASIN", r.product.marketplace + " · " + r.product.asin],
      ["Generated", fmtTime(r.created_at)],
      ["Coverage", fmtPct(r.coverage)],
      ["Reviews · insights · 5W tags", fmtInt(g.reviews) + " · " + fmtInt(g.insights) + " · " + fmtInt(g.tags)],
      ["Rating agrees with sentiment", agree.compared ? fmtPct(agree.rate) + " of " + fmtInt(agree.compared) : "–"],
    ]),
    h(
      "nav",
      { class: "actions" },
      h("a", { class: "button", href: api.links.markdown(r.id) }, "Download Markdown"),
      h("a", { class: "button secondary", href: api.links.html(r.id), target: "_blank", rel: "noopener" }, "Open HTML"),
      h("a", { class: "button secondary", href: api.links.htmlDownload(r.id) }, "Download HTML"),
      h("a", { class: "button secondary", href: api.links.xlsx(r.product.id) }, "Export reviews (XLSX)"),
      h("a", { class: "button secondary", href: href(["products", r.product.id, "reviews"]) }, "Read reviews"),
    ),
  );

  const summary = h(
    "section",
    { class: "card" },
    h("h2", null, "Executive summary"),
    n.executive_summary?.text ? h("p", { class: "lead" }, n.executive_summary.text, ids(n.executive_summary.review_ids)) : h("p", { class: "muted" }, "No summary."),
  );

  // Charts.
  const ratings = (g.rating_distribution ?? []).filter((x) => x.key !== "none");
  const byKey = new Map(ratings.map((x) => [x.key, x.count]));
  const ratingBars = ["1", "2", "3", "4", "5"].map((k) => ({ label: k + "★", value: byKey.get(k) ?? 0, cls: "r" + k }));
  const unrated = (g.rating_distribution ?? []).find((x) => x.key === "none")?.count ?? 0;
  const order: readonly string[] = SENTIMENTS;
  const shares = (g.sentiment_share ?? []).slice().sort((a, b) => order.indexOf(a.key) - order.indexOf(b.key));
  const dims = g.dimensions ?? [];
  const trend = g.monthly_trend ?? [];

  const charts = h(
    "section",
    { class: "card" },
    h("h2", null, "Ratings and sentiment"),
    h(
      "div",
      { class: "chart-grid" },
      h("figure", null, barChart("Rating distribution", ratingBars), h("figcaption", null, "Rating distribution" + (unrated ? " (" + fmtInt(unrated) + " without rating)" : ""))),
      h(
        "div",
        null,
        h("h3", null, "Sentiment share"),
        shares.length
          ? shareBar(
              "Sentiment share",
              shares.map((x) => ({ label: x.key, share: x.share, count: x.count, cls: tone(x.key, SENTIMENTS) })),
            )
          : h("p", { class: "muted" }, "No sentiment yet."),
      ),
    ),
    h("h3", null, "Net sentiment per dimension"),
    h("p", { class: "hint" }, "Net = (positive − negative) ÷ all insights on the dimension, from −1 to +1."),
    dims.length
      ? DIMENSION_KINDS.map((kind) => {
          const rows = dims.filter((d) => d.kind === kind);
          return rows.length
            ? h(
                "figure",
                null,
                netBars(
                  "Net sentiment: " + kind + " dimensions",
                  rows.map((d) => ({ name: d.name, net: d.net, detail: fmtInt(d.positive) + " positive, " + fmtInt(d.neutral) + " neutral, " + fmtInt(d.negative) + " negative" })),
                ),
                h("figcaption", null, kind + " dimensions"),
              )
            : null;
        })
      : h("p", { class: "muted" }, "No dimensions."),
    h("h3", null, "Monthly trend"),
    trend.length
      ? [
          lineChart(
            "Reviews per month",
            trend.map((m) => m.month),
            [
              { name: "reviews", cls: "total", values: trend.map((m) => m.reviews) },
              { name: "positive", cls: "positive", values: trend.map((m) => m.positive) },
              { name: "negative", cls: "negative", values: trend.map((m) => m.negative) },
            ],
          ),
          lineChart("Average rating per month", trend.map((m) => m.month), [{ name: "average rating", cls: "rating", values: trend.map((m) => m.avg_rating) }], { height: 150, max: 5, ticks: 5 }),
        ]
      : h("p", { class: "muted" }, "No dated reviews."),
    dims.length
      ? h(
          "details",
          null,
          h("summary", null, "Dimension table"),
          h(
            "table",
            { class: "list" },
            h("thead", null, h("tr", null, h("th", null, "Kind"), h("th", null, "Dimension"), h("th", { class: "num" }, "Positive"), h("th", { class: "num" }, "Neutral"), h("th", { class: "num" }, "Negative"), h("th", { class: "num" }, "Net"))),
            h(
              "tbody",
              null,
              dims.map((d) => h("tr", null, h("td", null, d.kind), h("td", null, d.name), h("td", { class: "num" }, fmtInt(d.positive)), h("td", { class: "num" }, fmtInt(d.neutral)), h("td", { class: "num" }, fmtInt(d.negative)), h("td", { class: "num" }, fmtNet(d.net)))),
            ),
          ),
          trend.length
            ? h(
                "table",
                { class: "list" },
                h("thead", null, h("tr", null, h("th", null, "Month"), h("th", { class: "num" }, "Reviews"), h("th", { class: "num" }, "Avg rating"), h("th", { class: "num" }, "Positive"), h("th", { class: "num" }, "Negative"))),
                h("tbody", null, trend.map((m) => h("tr", null, h("td", null, m.month), h("td", { class: "num" }, fmtInt(m.reviews)), h("td", { class: "num" }, fmtRating(m.avg_rating)), h("td", { class: "num" }, fmtInt(m.positive)), h("td", { class: "num" }, fmtInt(m.negative))))),
              )
            : null,
        )
      : null,
  );

  const strengths = h(
    "section",
    { class: "card" },
    h("h2", null, "Strengths and weaknesses"),
    claims("What customers value", n.strengths),
    claims("What customers criticise", n.weaknesses),
    h("div", { class: "cols" }, topics("Top strengths", g.top_strengths, "positive"), topics("Top weaknesses", g.top_weaknesses, "negative")),
    topics("Top suggestions", g.top_suggestions, "neutral"),
  );

  const fiveW = h(
    "section",
    { class: "card" },
    h("h2", null, "5W consumer model"),
    h(
      "div",
      { class: "cols three" },
      (g.five_w ?? []).map((w) => {
        const labels = (w.labels ?? []).filter((l) => l.count > 0);
        return h(
          "div",
          { class: "fivew" },
          h("h3", null, w.type),
          labels.length
            ? h(
                "ul",
                null,
                labels.map((l) =>
                  h(
                    "li",
                    null,
                    h("strong", null, l.topic),
                    h("span", { class: "muted" }, " " + fmtInt(l.count) + " · " + fmtPct(l.share ?? 0)),
                    l.evidence && l.evidence[0] ? h("div", { class: "small" }, h("q", null, l.evidence[0].quote), h("span", { class: "cite" }, " review #" + l.evidence[0].review_id)) : null,
                  ),
                ),
              )
            : h("p", { class: "muted small" }, "no tags"),
        );
      }),
    ),
  );

  const personas = n.personas ?? [];
  const actions = h(
    "section",
    { class: "card" },
    h("h2", null, "Personas and priorities"),
    personas.length ? h("div", null, h("h3", null, "Personas"), h("ul", { class: "claims" }, personas.map((p) => h("li", null, h("strong", null, p.name), p.summary ? " — " + p.summary : "", ids(p.review_ids))))) : null,
    claims("Priority actions", n.priority_actions) ?? h("p", { class: "muted" }, "No priority actions."),
  );

  const failed = g.failed_reviews ?? [];
  const c = g.coverage ?? { reviews_total: 0, translation_done: 0, translation_failed: 0, insights_done: 0, insights_failed: 0, themes_done: 0, themes_failed: 0, fraction: 0 };
  const coverage = h(
    "section",
    { class: "card" },
    h("h2", null, "Coverage"),
    h(
      "table",
      { class: "list" },
      h("thead", null, h("tr", null, h("th", null, "Stage"), h("th", { class: "num" }, "Done"), h("th", { class: "num" }, "Failed"), h("th", { class: "num" }, "Reviews"))),
      h(
        "tbody",
        null,
        (
          [
            ["Translation", c.translation_done, c.translation_failed],
            ["Insights", c.insights_done, c.insights_failed],
            ["5W themes", c.themes_done, c.themes_failed],
          ] as const
        ).map(([stage, done, fail]) => h("tr", null, h("td", null, stage), h("td", { class: "num" }, fmtInt(done)), h("td", { class: "num" }, fmtInt(fail)), h("td", { class: "num" }, fmtInt(c.reviews_total)))),
      ),
    ),
    failed.length
      ? h(
          "details",
          null,
          h("summary", null, "Failed reviews (" + fmtInt(failed.length) + (failed.length >= 200 ? "+" : "") + ")"),
          h(
            "table",
            { class: "list" },
            h("thead", null, h("tr", null, h("th", null, "Review"), h("th", null, "Stage"), h("th", null, "Reason"))),
            h("tbody", null, failed.map((f) => h("tr", null, h("td", null, "#" + f.review_id), h("td", null, f.stage), h("td", null, f.reason)))),
          ),
        )
      : h("p", { class: "muted" }, "No review failed."),
  );

  replace(slot, header, summary, charts, strengths, fiveW, actions, coverage);
}
