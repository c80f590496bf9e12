// Comparisons: two to ten products (the API's bound) side by side (KPIs and net sentiment
// per dimension, from each product's dashboard), kept in the URL; saving
// the picked products as a comparison (aligned on the server, opened in
// pages/Comparison); and the server's saved comparisons.
import { useMutation, useQueries, useQuery, useQueryClient } from "@tanstack/react-query";
import type { EChartsCoreOption } from "echarts/core";
import { startTransition, useMemo, useOptimistic, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useSearchParams } from "react-router";
import { api } from "../api";
import { useSession } from "../App";
import { Chart, palette } from "../components/Chart";
import { ErrorBox, Loading } from "../components/Status";
import { toggle } from "../filters";

// maxCompared is the API's bound on a comparison's products (POST
// /api/v1/comparisons takes 2–10).
const maxCompared = 10;

export function ComparisonsPage() {
  const { t, i18n } = useTranslation();
  const [params, setParams] = useSearchParams();
  const navigate = useNavigate();
  const { caps } = useSession();
  const ids = params.getAll("p").map(Number).filter((n) => n > 0).slice(0, maxCompared);
  // The router applies URL changes in a transition; the optimistic list
  // keeps a clicked box checked until the new URL has rendered.
  const [picked, setPicked] = useOptimistic(ids);
  const pick = (id: number) =>
    startTransition(() => {
      setPicked(picked.includes(id) ? picked.filter((x) => x !== id) : [...picked, id]);
      setParams(toggle(params, "p", String(id)));
    });
  const products = useQuery({ queryKey: ["products", "all"], queryFn: ({ signal }) => api.products(200, 0, signal) });
  const boards = useQueries({
    queries: ids.map((id) => ({ queryKey: ["dashboard", id, "", "month"], queryFn: ({ signal }: { signal: AbortSignal }) => api.dashboard(id, new URLSearchParams({ granularity: "month" }), signal) })),
  });
  const saved = useQuery({ queryKey: ["comparisons"], queryFn: ({ signal }) => api.comparisons(signal), enabled: caps.has("get", "/api/v1/comparisons") });
  const canCreate = caps.has("post", "/api/v1/comparisons");
  const qc = useQueryClient();
  const [name, setName] = useState("");
  const create = useMutation({
    mutationFn: (body: { name: string; ids: number[] }) => api.createComparison(body.name, body.ids),
    onSuccess: (v) => {
      qc.setQueryData(["comparison", v.id], v);
      void qc.invalidateQueries({ queryKey: ["comparisons"] });
      navigate(`/comparisons/${v.id}`);
    },
  });
  const productLabel = (id: number) => {
    const p = products.data?.items?.find((x) => x.id === id);
    return p ? `${p.marketplace} ${p.asin}` : "#" + id;
  };
  const names = ids.map((id) => {
    const p = products.data?.items?.find((x) => x.id === id);
    return p ? `${p.marketplace} ${p.asin}` : "#" + id;
  });
  const ready = boards.every((b) => b.data);
  const option = useMemo<EChartsCoreOption | null>(() => {
    if (!ready || ids.length === 0) return null;
    const dims = Array.from(new Set(boards.flatMap((b) => (b.data?.dimensions ?? []).filter((d) => d.reviews > 0 && d.kind === "product").map((d) => d.name)))).slice(0, 12);
    return {
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: "value", min: -1, max: 1 },
      yAxis: { type: "category", data: dims, axisLabel: { width: 140, overflow: "truncate", fontSize: 12 } },
      series: boards.map((b, i) => ({
        name: names[i],
        type: "bar",
        itemStyle: { color: palette.series[i] },
        data: dims.map((n) => b.data?.dimensions.find((d) => d.name === n)?.net ?? 0),
      })),
    };
  }, [boards, ids.length, names, ready]);
  const nf = new Intl.NumberFormat(i18n.language);
  return (
    <main>
      <h1>{t("compare.title")}</h1>
      <fieldset className="card pick">
        <legend>{t("compare.pick")}</legend>
        {products.isPending && <Loading />}
        {products.error && <ErrorBox error={products.error} retry={() => products.refetch()} />}
        {(products.data?.items ?? []).map((p) => (
          <label key={p.id} className="check">
            <input type="checkbox" checked={picked.includes(p.id)} disabled={!picked.includes(p.id) && picked.length >= maxCompared} onChange={() => pick(p.id)} />
            {p.marketplace} · {p.asin} {p.title}
          </label>
        ))}
      </fieldset>
      {ids.length < 2 && <p className="hint">{t("compare.hint")}</p>}
      {canCreate && ids.length >= 2 && (
        <form
          className="card row wrap save-comparison"
          data-testid="create-comparison"
          onSubmit={(e) => {
            e.preventDefault();
            create.mutate({ name: name.trim() || names.join(" vs "), ids });
          }}
        >
          <label className="grow stack">
            {t("compare.name")}
            <input value={name} maxLength={200} placeholder={names.join(" vs ")} onChange={(e) => setName(e.target.value)} data-testid="comparison-name" />
          </label>
          <button type="submit" className="primary" disabled={create.isPending} data-testid="save-comparison">
            {create.isPending ? t("compare.aligning") : t("compare.save")}
          </button>
          <p className="hint">{t("compare.saveHint")}</p>
          {create.error && <ErrorBox error={create.error} />}
        </form>
      )}
      {ids.length >= 1 && (
        <section className="panel" data-testid="comparison">
          <div className="scroll">
            <table>
              <thead>
                <tr>
                  <th>{t("compare.product")}</th>
                  <th>{t("dashboard.reviews")}</th>
                  <th>{t("compare.avgRating")}</th>
                  <th>{t("sentiment.positive")}</th>
                  <th>{t("sentiment.negative")}</th>
                </tr>
              </thead>
              <tbody>
                {boards.map((b, i) => (
                  <tr key={ids[i]}>
                    <td>
                      <Link to={`/products/${ids[i]}`}>{names[i]}</Link>
                    </td>
                    <td>{b.data ? nf.format(b.data.kpi.reviews) : "…"}</td>
                    <td>{b.data?.kpi.avg_rating != null ? b.data.kpi.avg_rating.toFixed(2) : "–"}</td>
                    <td>{b.data && b.data.kpi.reviews ? Math.round((100 * b.data.kpi.positive) / b.data.kpi.reviews) + "%" : "–"}</td>
                    <td>{b.data && b.data.kpi.reviews ? Math.round((100 * b.data.kpi.negative) / b.data.kpi.reviews) + "%" : "–"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {boards.map((b, i) => b.error && <ErrorBox key={i} error={b.error} retry={() => b.refetch()} />)}
          {option && (
            <>
              <h2>{t("compare.net")}</h2>
              <Chart
                option={option}
                testid="compare"
                label={t("compare.net")}
                height={360}
                onClick={(c) => {
                  const pid = ids[c.seriesIndex];
                  const dim = boards[c.seriesIndex]?.data?.dimensions.find((d) => d.name === c.name);
                  if (pid && dim) navigate(`/products/${pid}/reviews?dimension=${dim.id}`);
                }}
              />
            </>
          )}
        </section>
      )}
      {saved.error && <ErrorBox error={saved.error} retry={() => saved.refetch()} />}
      {saved.data && (
        <section className="panel">
          <h2>{t("compare.saved")}</h2>
          {saved.data.length === 0 ? (
            <p className="empty">{t("compare.noneSaved")}</p>
          ) : (
            <ul className="cards" data-testid="saved-comparisons">
              {saved.data.map((c) => (
                <li key={c.id} className="card">
                  <Link to={`/comparisons/${c.id}`}>{c.name}</Link>
                  <div className="muted small">
                    {c.product_ids.map(productLabel).join(" · ")} · {t("compare.sourceShort." + c.alignment_source, { defaultValue: c.alignment_source })} ·{" "}
                    {new Date(c.updated_at || c.created_at).toLocaleString(i18n.language)}
                  </div>
                </li>
              ))}
            </ul>
          )}
        </section>
      )}
    </main>
  );
}
