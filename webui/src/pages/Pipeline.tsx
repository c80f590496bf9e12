// The pipeline view: every step with counts, rate and ETA; translation
// shown as skipped when the offline analyser skipped it; failed reviews
// with their reasons and a retry; the product's uploads; cancel.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useParams } from "react-router";
import { api, type AnalysisStatus } from "../api";
import { useSession } from "../App";
import { ProductNav } from "../components/ProductNav";
import { ErrorBox, Loading, Progress } from "../components/Status";
import { duration, eta } from "../text";

type StepState = "pending" | "running" | "done" | "skipped" | "failed" | "partial";

interface Step {
  key: string;
  state: StepState;
  done: number;
  total: number;
  failed: number;
  note?: string;
}

export function PipelinePage() {
  const { t, i18n } = useTranslation();
  const id = Number(useParams().id);
  const { caps, me } = useSession();
  const qc = useQueryClient();
  const analysis = useQuery({
    queryKey: ["analysis", id],
    queryFn: ({ signal }) => api.analysis(id, signal),
    refetchInterval: (q) => (q.state.data?.status === "running" || q.state.data === null ? 2000 : 15000),
  });
  const running = analysis.data?.status === "running";
  const product = useQuery({ queryKey: ["product", id], queryFn: ({ signal }) => api.product(id, signal), refetchInterval: running ? 2000 : false });
  const uploads = useQuery({
    queryKey: ["uploads", id],
    queryFn: ({ signal }) => api.uploads(id, signal),
    refetchInterval: (q) => ((q.state.data ?? []).some((u) => u.status !== "done" && u.status !== "failed") || running ? 2000 : false),
  });
  const facets = useQuery({
    queryKey: ["translation", id],
    queryFn: ({ signal }) => api.dashboard(id, new URLSearchParams(), signal).then((d) => d.facets.translation),
    // Until every review has a translation status, or while running.
    refetchInterval: (q) => (running || (q.state.data?.pending ?? 1) > 0 ? 2000 : false),
  });
  const reports = useQuery({ queryKey: ["reports", id], queryFn: ({ signal }) => api.reports(id, signal), refetchInterval: running ? 2000 : false });
  const latest = reports.data?.[0];
  const report = useQuery({ queryKey: ["report", latest?.id], queryFn: ({ signal }) => api.report(latest!.id, signal), enabled: latest != null });
  const invalidate = () => {
    for (const k of ["analysis", "uploads", "reports", "product", "translation"]) void qc.invalidateQueries({ queryKey: [k, id] });
  };
  const cancel = useMutation({ mutationFn: () => api.cancel(analysis.data!.analysis_id), onSuccess: invalidate });
  const retry = useMutation({ mutationFn: () => api.retryFailed(analysis.data!.analysis_id), onSuccess: invalidate });
  const rerun = useMutation({ mutationFn: () => api.rerun(id), onSuccess: invalidate });
  const navigate = useNavigate();
  const remove = useMutation({
    mutationFn: () => api.deleteProduct(id),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ["products"] });
      void navigate("/");
    },
  });
  const nf = new Intl.NumberFormat(i18n.language);
  // When the analysis changes state (e.g. finishes), read everything once more.
  const status = analysis.data ? analysis.data.analysis_id + analysis.data.status : "";
  useEffect(() => {
    if (status) for (const k of ["uploads", "reports", "product", "translation"]) void qc.invalidateQueries({ queryKey: [k, id] });
  }, [status, id, qc]);

  const a = analysis.data;
  const steps = a ? buildSteps(a, product.data?.model_version ?? 0, facets.data, uploads.data ?? [], (reports.data ?? []).filter((r) => r.analysis_id === a.analysis_id).map((r) => r.kind)) : [];
  const elapsed = a ? ((a.finished_at ? Date.parse(a.finished_at) : Date.now()) - Date.parse(a.created_at)) / 1000 : 0;
  const failedTotal = steps.reduce((n, s) => n + s.failed, 0);
  const canCancel = caps.find("post", /^\/api\/v1\/analyses\/\{[^}]+\}\/cancel$/) != null;
  const canDelete = caps.find("delete", /^\/api\/v1\/products\/\{[^}]+\}$/) != null && me.role !== "viewer";
  // A failed first upload leaves a product with nothing in it: offer to
  // delete it once no upload is still to be ingested.
  const empty =
    product.data?.review_count === 0 && uploads.data != null && uploads.data.every((u) => u.status === "done" || u.status === "failed") && !running;
  const canRetry = caps.find("post", /^\/api\/v1\/analyses\/\{[^}]+\}\/retry-failed$/) != null;

  return (
    <main>
      <ProductNav id={id} title={t("pipeline.title")} />
      {analysis.isPending && <Loading />}
      {analysis.error && <ErrorBox error={analysis.error} retry={() => analysis.refetch()} />}
      {a === null && <p className="empty">{t("pipeline.none")}</p>}
      {empty && canDelete && (
        <section className="panel" data-testid="empty-product">
          <p>{t("pipeline.emptyProduct")}</p>
          <button type="button" className="danger" onClick={() => confirm(t("pipeline.deleteConfirm")) && remove.mutate()} disabled={remove.isPending}>
            {t("pipeline.deleteProduct")}
          </button>
          {remove.error && <ErrorBox error={remove.error} />}
        </section>
      )}
      {a && (
        <section className="panel">
          <div className="row between">
            <h2>
              {t("pipeline.analysis", { id: a.analysis_id })} · {t("analysisKind." + a.kind, { defaultValue: a.kind })}
            </h2>
            <span className={"badge " + (a.status === "done" && failedTotal > 0 ? "partial" : a.status)} data-testid="analysis-status">
              {a.status === "done" && failedTotal > 0 ? t("pipeline.doneWithFailures", { n: failedTotal }) : t("state." + a.status, { defaultValue: a.status })}
            </span>
          </div>
          <p className="muted">
            {t("pipeline.started", { at: new Date(a.created_at).toLocaleString(i18n.language) })} ·{" "}
            {a.finished_at ? t("pipeline.took", { d: duration(elapsed) }) : t("pipeline.elapsed", { d: duration(elapsed) })} ·{" "}
            {t("pipeline.calls", { n: nf.format(a.calls), hits: nf.format(a.cache_hits) })}
          </p>
          {a.status === "running" && (a.orphaned_jobs ?? 0) > 0 && (
            <p className="notice" role="status" data-testid="orphaned">
              {t("pipeline.orphaned", { count: a.orphaned_jobs })}
            </p>
          )}
          <ol className="steps">
            {steps.map((s) => {
              const rate = elapsed > 0 && s.done > 0 ? (s.done / elapsed) * 60 : 0;
              const left = s.state === "running" ? eta(s.done + s.failed, s.total, elapsed) : null;
              return (
                <li key={s.key} className={"step " + s.state} data-testid={"step-" + s.key}>
                  <div className="row between">
                    <strong>{t("step." + s.key)}</strong>
                    <span className={"badge " + s.state}>{t("state." + s.state)}</span>
                  </div>
                  {s.total > 0 && s.state !== "skipped" && <Progress value={(s.done + s.failed) / s.total} label={t("step." + s.key)} />}
                  <p className="muted">
                    {s.state === "skipped"
                      ? t("pipeline.skippedNote")
                      : s.total > 0
                        ? t("pipeline.counts", { done: nf.format(s.done), total: nf.format(s.total), failed: nf.format(s.failed) })
                        : (s.note ?? "")}
                    {rate > 0 && s.state !== "skipped" && " · " + t("pipeline.rate", { n: nf.format(Math.round(rate)) })}
                    {left != null && " · " + t("pipeline.eta", { d: duration(left) })}
                  </p>
                </li>
              );
            })}
          </ol>
          <div className="row">
            {running && canCancel && (
              <button type="button" onClick={() => confirm(t("pipeline.cancelConfirm")) && cancel.mutate()} disabled={cancel.isPending}>
                {t("pipeline.cancel")}
              </button>
            )}
            {!running && (
              <button type="button" onClick={() => rerun.mutate()} disabled={rerun.isPending || (product.data?.model_version ?? 0) === 0}>
                {t("model.rerun")}
              </button>
            )}
            {latest && <Link to={`/reports/${latest.id}`}>{t("pipeline.openReport", { kind: t("reportKind." + latest.kind, { defaultValue: latest.kind }) })}</Link>}
          </div>
          {[cancel.error, retry.error, rerun.error].filter(Boolean).map((e, i) => (
            <ErrorBox key={i} error={e} />
          ))}
        </section>
      )}
      {report.data?.aggregates && (report.data.aggregates.failed_reviews ?? []).length > 0 && (
        <section className="panel">
          <div className="row between">
            <h2>{t("pipeline.failed", { n: report.data.aggregates!.failed_reviews!.length })}</h2>
            {canRetry && !running && (
              <button type="button" onClick={() => retry.mutate()} disabled={retry.isPending}>
                {t("pipeline.retry")}
              </button>
            )}
          </div>
          <table>
            <thead>
              <tr>
                <th>{t("pipeline.review")}</th>
                <th>{t("pipeline.stage")}</th>
                <th>{t("pipeline.reason")}</th>
              </tr>
            </thead>
            <tbody>
              {report.data.aggregates!.failed_reviews!.slice(0, 50).map((f) => (
                <tr key={f.review_id + f.stage}>
                  <td>
                    <Link to={`/reviews/${f.review_id}`}>#{f.review_id}</Link>
                  </td>
                  <td>{t("step." + stageKey(f.stage), { defaultValue: f.stage })}</td>
                  <td>{f.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      <section className="panel">
        <h2>{t("pipeline.uploads")}</h2>
        {uploads.error && <ErrorBox error={uploads.error} retry={() => uploads.refetch()} />}
        {uploads.data && uploads.data.length === 0 && <p className="empty">{t("pipeline.noUploads")}</p>}
        {uploads.data && uploads.data.length > 0 && (
          <div className="scroll">
            <table>
              <thead>
                <tr>
                  <th>{t("upload.file")}</th>
                  <th>{t("pipeline.status")}</th>
                  <th>{t("pipeline.rows")}</th>
                  <th>{t("pipeline.when")}</th>
                </tr>
              </thead>
              <tbody>
                {uploads.data.map((u) => (
                  <tr key={u.id} data-testid="upload-row">
                    <td>{u.filename || t("upload.source." + u.source, { defaultValue: u.source })}</td>
                    <td>
                      <span className={"badge " + u.status}>{t("state." + u.status, { defaultValue: u.status })}</span>
                      {u.error && <span className="muted"> {u.error}</span>}
                    </td>
                    <td>{t("pipeline.uploadRows", { ok: u.rows_ingested, dup: u.rows_duplicate, bad: u.rows_rejected })}</td>
                    <td>{new Date(u.created_at).toLocaleString(i18n.language)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </main>
  );
}

function stageKey(stage: string): string {
  return ({ insight_extraction: "insights", theme_extraction: "themes" } as Record<string, string>)[stage] ?? stage;
}

/** buildSteps derives every step's state from the analysis, model, translation counts, uploads and reports. */
export function buildSteps(
  a: AnalysisStatus,
  modelVersion: number,
  translation: Record<string, number> | undefined,
  uploads: { status: string; rows_ingested: number; rows_total: number; rows_rejected: number }[],
  reportKinds: string[],
): Step[] {
  const st = (k: string) => a.stages[k] ?? { total: 0, done: 0, failed: 0 };
  const state = (s: { total: number; done: number; failed: number }): StepState =>
    s.total > 0 && s.done + s.failed >= s.total ? (s.failed > 0 ? "partial" : "done") : a.status === "running" ? "running" : a.status === "failed" ? "failed" : s.total === 0 ? "done" : "pending";
  const ingesting = uploads.some((u) => u.status !== "done" && u.status !== "failed");
  const ing = uploads.reduce((n, u) => n + u.rows_ingested, 0);
  const steps: Step[] = [
    { key: "ingestion", state: ingesting ? "running" : "done", done: ing, total: ingesting ? uploads.reduce((n, u) => n + u.rows_total, 0) : ing, failed: 0 },
    { key: "learning", state: modelVersion > 0 ? "done" : a.status === "running" ? "running" : "pending", done: 0, total: 0, failed: 0 },
  ];
  const tr = st("translation");
  const skipped = translation?.skipped ?? 0;
  const translated = translation?.done ?? 0;
  if (skipped > 0 && translated === 0 && (translation?.pending ?? 0) === 0) steps.push({ key: "translation", state: "skipped", done: 0, total: tr.total, failed: 0 });
  else steps.push({ key: "translation", state: state(tr), ...tr });
  steps.push({ key: "insights", state: state(st("insight_extraction")), ...st("insight_extraction") });
  steps.push({ key: "themes", state: state(st("theme_extraction")), ...st("theme_extraction") });
  const hasFinal = reportKinds.includes("final");
  steps.push({
    key: "reports",
    state: hasFinal && a.status !== "running" ? "done" : reportKinds.length > 0 || a.status === "running" ? "running" : "pending",
    done: 0,
    total: 0,
    failed: 0,
    note: reportKinds.join(", "),
  });
  return steps;
}
