// Reports: the product's reports, role reports (when the server has them),
// and one report with its charts, narrative, evidence, downloads (Markdown,
// HTML, PDF) and share links. Citations open the cited review with the
// quote highlighted.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { EChartsCoreOption } from "echarts/core";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useParams } from "react-router";
import { api, type Claim, type Report, type TopicStat } from "../api";
import { useSession } from "../App";
import { Chart, palette } from "../components/Chart";
import { ProductNav } from "../components/ProductNav";
import { ErrorBox, Loading } from "../components/Status";

export function ReportsPage() {
  const { t, i18n } = useTranslation();
  const id = Number(useParams().id);
  const { caps } = useSession();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const reports = useQuery({ queryKey: ["reports", id], queryFn: ({ signal }) => api.reports(id, signal) });
  const product = useQuery({ queryKey: ["product", id], queryFn: ({ signal }) => api.product(id, signal) });
  const rolePath = caps.find("post", /^\/api\/v1\/analyses\/\{[^}]+\}\/reports$/);
  const kinds = rolePath ? caps.enumOf("post", rolePath, "kind").filter((k) => k !== "preliminary" && k !== "final") : [];
  const roleKinds = kinds.length > 0 ? kinds : ["executive", "product", "marketing", "support"];
  const [kind, setKind] = useState("");
  const create = useMutation({
    mutationFn: () => api.createRoleReport(product.data!.latest_analysis_id!, kind || roleKinds[0]!),
    onSuccess: (r) => {
      void qc.invalidateQueries({ queryKey: ["reports", id] });
      if (r?.id) navigate(`/reports/${r.id}`);
    },
  });
  const canDelete = caps.has("delete", "/api/v1/reports/{id}");
  const del = useMutation({ mutationFn: (rid: number) => api.deleteReport(rid), onSuccess: () => qc.invalidateQueries({ queryKey: ["reports", id] }) });
  return (
    <main>
      <ProductNav id={id} title={t("reports.title")} />
      {rolePath && product.data?.latest_analysis_id && (
        <form
          className="row wrap card"
          onSubmit={(e) => {
            e.preventDefault();
            create.mutate();
          }}
        >
          <label>
            {t("reports.role")}
            <select value={kind || roleKinds[0]} onChange={(e) => setKind(e.target.value)} data-testid="role-kind">
              {roleKinds.map((k) => (
                <option key={k} value={k}>
                  {t("reportKind." + k, { defaultValue: k })}
                </option>
              ))}
            </select>
          </label>
          <button type="submit" className="primary" disabled={create.isPending} data-testid="create-role-report">
            {t("reports.create")}
          </button>
          {create.error && <ErrorBox error={create.error} />}
        </form>
      )}
      {reports.isPending && <Loading />}
      {reports.error && <ErrorBox error={reports.error} retry={() => reports.refetch()} />}
      {reports.data && reports.data.length === 0 && <p className="empty">{t("reports.none")}</p>}
      {reports.data && reports.data.length > 0 && (
        <ul className="cards">
          {reports.data.map((r) => (
            <li key={r.id} className="card row between wrap">
              <Link to={`/reports/${r.id}`} data-testid="report-link">
                {t("reportKind." + r.kind, { defaultValue: r.kind })} · #{r.id}
              </Link>
              <span className="muted">
                {new Date(r.created_at).toLocaleString(i18n.language)} · {t("reports.coverage", { p: Math.round(r.coverage * 100) })}
              </span>
              {canDelete && r.kind !== "final" && r.kind !== "preliminary" && (
                <button type="button" className="danger" onClick={() => confirm(t("reports.deleteConfirm")) && del.mutate(r.id)}>
                  {t("action.delete")}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </main>
  );
}

function Cite({ ids }: { ids: number[] | null }) {
  if (!ids || ids.length === 0) return null;
  return (
    <span className="cites">
      {ids.slice(0, 6).map((r) => (
        <Link key={r} to={`/reviews/${r}`}>
          [#{r}]
        </Link>
      ))}
    </span>
  );
}

function Claims({ title, claims }: { title: string; claims: Claim[] | null }) {
  if (!claims || claims.length === 0) return null;
  return (
    <section className="panel">
      <h2>{title}</h2>
      <ul>
        {claims.map((c, i) => (
          <li key={i}>
            {c.text} <Cite ids={c.review_ids} />
          </li>
        ))}
      </ul>
    </section>
  );
}

export function ReportPage() {
  const { t, i18n } = useTranslation();
  const id = Number(useParams().id);
  const { caps } = useSession();
  const navigate = useNavigate();
  // An on-demand report is stored "building" until its job writes it: poll
  // until it is ready (or failed).
  const q = useQuery({
    queryKey: ["report", id],
    queryFn: ({ signal }) => api.report(id, signal),
    refetchInterval: (query) => {
      const d = query.state.data;
      return d && !d.aggregates && (d as { status?: string }).status !== "failed" ? 1000 : false;
    },
  });
  const hasPDF = caps.has("get", "/api/v1/reports/{id}/pdf");
  const hasShares = caps.has("post", "/api/v1/reports/{id}/shares");
  const report = q.data;
  const r = report?.aggregates ? (report as Report & { aggregates: NonNullable<Report["aggregates"]> }) : undefined;
  const status = (report as { status?: string } | undefined)?.status;
  const topics = (key: "top_strengths" | "top_weaknesses" | "top_suggestions") => r?.aggregates[key] ?? [];
  const option = useMemo<EChartsCoreOption | null>(() => {
    if (!r) return null;
    const s = (r.aggregates.top_strengths ?? []).slice(0, 8);
    const w = (r.aggregates.top_weaknesses ?? []).slice(0, 8);
    const names = Array.from(new Set([...s.map((x) => x.topic), ...w.map((x) => x.topic)]));
    const val = (list: TopicStat[], n: string) => list.find((x) => x.topic === n)?.count ?? 0;
    return {
      tooltip: { trigger: "item" },
      legend: { top: 0 },
      grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", data: names, axisLabel: { width: 140, overflow: "truncate", fontSize: 12 } },
      series: [
        { name: t("insightType.strength"), type: "bar", data: names.map((n) => val(s, n)), itemStyle: { color: palette.positive } },
        { name: t("insightType.weakness"), type: "bar", data: names.map((n) => val(w, n)), itemStyle: { color: palette.negative } },
      ],
    };
  }, [r, t]);
  return (
    <main>
      {report && (
        <p className="crumb">
          <Link to={`/products/${report.product.id}/reports`}>
            {report.product.marketplace} · {report.product.asin} {report.product.title}
          </Link>
        </p>
      )}
      <h1>{report ? t("report.title", { kind: t("reportKind." + report.kind, { defaultValue: report.kind }), id: report.id }) : t("report.loading")}</h1>
      {q.isPending && <Loading />}
      {q.error && <ErrorBox error={q.error} retry={() => q.refetch()} />}
      {report && !r && (
        <p className="muted" data-testid="report-building">
          {status === "failed" ? t("report.failed") : t("report.building")}
        </p>
      )}
      {r && (
        <>
          <p className="muted">
            {new Date(r.created_at).toLocaleString(i18n.language)} · {t("reports.coverage", { p: Math.round(r.coverage * 100) })} ·{" "}
            {t("report.totals", { reviews: r.aggregates.reviews, insights: r.aggregates.insights, tags: r.aggregates.tags })}
          </p>
          <div className="row wrap downloads">
            <a className="button" href={api.links.markdown(r.id)}>
              {t("report.markdown")}
            </a>
            <a className="button" href={api.links.html(r.id)} target="_blank" rel="noopener">
              {t("report.html")}
            </a>
            {hasPDF && (
              <a className="button" href={api.links.pdf(r.id)} data-testid="pdf">
                {t("report.pdf")}
              </a>
            )}
          </div>
          {hasShares && <Shares reportID={r.id} />}
          {r.narrative?.executive_summary?.text && (
            <section className="panel">
              <h2>{t("report.summary")}</h2>
              <p>
                {r.narrative.executive_summary.text} <Cite ids={r.narrative.executive_summary.review_ids} />
              </p>
            </section>
          )}
          {option && (
            <section className="panel">
              <h2>{t("report.topics")}</h2>
              <Chart
                option={option}
                testid="report-topics"
                label={t("report.topics")}
                height={320}
                onClick={(c) => {
                  const type = c.seriesIndex === 0 ? "strength" : "weakness";
                  navigate(`/products/${r.product.id}/reviews?` + new URLSearchParams({ dimension: c.name, insight_type: type }).toString());
                }}
              />
            </section>
          )}
          <Claims title={t("report.strengths")} claims={r.narrative?.strengths ?? null} />
          <Claims title={t("report.weaknesses")} claims={r.narrative?.weaknesses ?? null} />
          <Claims title={t("report.actions")} claims={r.narrative?.priority_actions ?? null} />
          {(r.narrative?.personas ?? []).length > 0 && (
            <section className="panel">
              <h2>{t("report.personas")}</h2>
              <ul>
                {(r.narrative?.personas ?? []).map((p, i) => (
                  <li key={i}>
                    <strong>{p.name}</strong>: {p.summary} <Cite ids={p.review_ids} />
                  </li>
                ))}
              </ul>
            </section>
          )}
          {(["top_strengths", "top_weaknesses", "top_suggestions"] as const).map((k) =>
            topics(k).length > 0 ? (
              <section className="panel" key={k}>
                <h2>{t("report." + k)}</h2>
                <ul className="evidence">
                  {topics(k).map((x) => (
                    <li key={x.topic}>
                      <Link
                        to={`/products/${r.product.id}/reviews?` + new URLSearchParams({ dimension: x.topic, insight_type: k.replace("top_", "").replace(/s$/, "") }).toString()}
                      >
                        {x.topic}
                      </Link>{" "}
                      ({x.count})
                      <ul>
                        {(x.evidence ?? []).map((e, i) => (
                          <li key={i}>
                            “{e.quote}”{e.quote_translated && e.quote_translated !== e.quote ? ` — ${e.quote_translated}` : ""}{" "}
                            <Link to={`/reviews/${e.review_id}?quote=${encodeURIComponent(e.quote)}`}>#{e.review_id}</Link>
                          </li>
                        ))}
                      </ul>
                    </li>
                  ))}
                </ul>
              </section>
            ) : null,
          )}
        </>
      )}
    </main>
  );
}

function Shares({ reportID }: { reportID: number }) {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const list = useQuery({ queryKey: ["shares", reportID], queryFn: ({ signal }) => api.shares(reportID, signal) });
  // The server stores only a hash of each link's token, so a link's URL is
  // known only from the answer that created it; keep those for this visit.
  const [created, setCreated] = useState<Record<number, string>>({});
  const create = useMutation({
    mutationFn: () => api.createShare(reportID),
    onSuccess: (s) => {
      if (s.url) setCreated((c) => ({ ...c, [s.id]: s.url! }));
      return qc.invalidateQueries({ queryKey: ["shares", reportID] });
    },
  });
  const revoke = useMutation({ mutationFn: (id: number) => api.deleteShare(id), onSuccess: () => qc.invalidateQueries({ queryKey: ["shares", reportID] }) });
  const url = (s: { url?: string; token?: string }) => (s.url ? new URL(s.url, window.location.origin).toString() : s.token ? window.location.origin + "/s/" + s.token : "");
  return (
    <section className="panel" data-testid="shares">
      <div className="row between">
        <h2>{t("share.title")}</h2>
        <button type="button" onClick={() => create.mutate()} disabled={create.isPending} data-testid="create-share">
          {t("share.create")}
        </button>
      </div>
      {create.error && <ErrorBox error={create.error} />}
      {list.error && <ErrorBox error={list.error} retry={() => list.refetch()} />}
      {list.data && list.data.length === 0 && <p className="muted">{t("share.none")}</p>}
      <ul>
        {(list.data ?? []).map((s) => (
          <li key={s.id} className="row wrap" data-testid="share">
            {created[s.id] || url(s) ? (
              <input readOnly value={created[s.id] ? new URL(created[s.id], window.location.origin).toString() : url(s)} aria-label={t("share.link")} className="grow" />
            ) : (
              <span className="grow muted">{t("share.hidden", { id: s.id })}</span>
            )}
            {s.views != null && <span className="muted">{t("share.views", { n: s.views })}</span>}
            {s.expires_at && <span className="muted">{t("share.expires", { at: new Date(s.expires_at).toLocaleString(i18n.language) })}</span>}
            <button type="button" className="danger" onClick={() => revoke.mutate(s.id)}>
              {t("share.revoke")}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
