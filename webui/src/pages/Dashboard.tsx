// The product dashboard: KPIs and charts over the filtered reviews. Every
// chart item links to the review reader with the same filters plus its
// own, and the count it shows is the count the reader lists (the server
// computes both from one filter).
import { useQuery } from "@tanstack/react-query";
import type { EChartsCoreOption } from "echarts/core";
import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useParams, useSearchParams } from "react-router";
import { api, type Dashboard } from "../api";
import { Chart, palette } from "../components/Chart";
import { Chips, FilterBar } from "../components/FilterBar";
import { ProductNav } from "../components/ProductNav";
import { ErrorBox, Loading } from "../components/Status";
import { drill, filterParams } from "../filters";

const axisLabel = { fontSize: 12, color: "#333" };

export function DashboardPage() {
  const { t, i18n } = useTranslation();
  const id = Number(useParams().id);
  const [params, setParams] = useSearchParams();
  const navigate = useNavigate();
  const g = params.get("g") === "week" ? "week" : "month";
  const fq = filterParams(params);
  const key = fq.toString();
  const q = useQuery({
    queryKey: ["dashboard", id, key, g],
    queryFn: ({ signal }) => {
      const p = new URLSearchParams(fq);
      p.set("granularity", g);
      return api.dashboard(id, p, signal);
    },
    placeholderData: (prev) => prev,
  });
  const go = (extra: Record<string, string | string[]>) => navigate(`/products/${id}/reviews?` + drill(params, extra).toString());
  const nf = new Intl.NumberFormat(i18n.language);
  const pf = new Intl.NumberFormat(i18n.language, { style: "percent", maximumFractionDigits: 0 });
  return (
    <main>
      <ProductNav id={id} title={t("dashboard.title")} />
      <FilterBar id={id} />
      <Chips id={id} />
      {q.isPending && <Loading />}
      {q.error && <ErrorBox error={q.error} retry={() => q.refetch()} />}
      {q.data && (
        <Body
          d={q.data}
          id={id}
          g={g}
          setG={(v) => {
            const p = new URLSearchParams(params);
            p.set("g", v);
            setParams(p);
          }}
          go={go}
          nf={nf}
          pf={pf}
        />
      )}
    </main>
  );
}

function Body(props: {
  d: Dashboard;
  id: number;
  g: string;
  setG: (g: string) => void;
  go: (extra: Record<string, string | string[]>) => void;
  nf: Intl.NumberFormat;
  pf: Intl.NumberFormat;
}) {
  const { d, go, nf, pf, id } = props;
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const k = d.kpi;
  const share = (n: number) => (k.reviews > 0 ? pf.format(n / k.reviews) : "–");
  const dims = useMemo(() => d.dimensions.filter((x) => x.reviews > 0).slice(0, 12), [d]);

  const impactBars = useMemo<EChartsCoreOption>(() => {
    const names = dims.map((x) => x.name).reverse();
    const rows = [...dims].reverse();
    const s = (key: "positive" | "neutral" | "negative", color: string) => ({
      name: t("sentiment." + key),
      type: "bar",
      stack: "n",
      itemStyle: { color },
      data: rows.map((x) => x[key]),
      emphasis: { focus: "series" },
    });
    return {
      tooltip: { trigger: "item" },
      legend: { top: 0, textStyle: axisLabel },
      grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: "value", axisLabel, minInterval: 1 },
      yAxis: { type: "category", data: names, axisLabel: { ...axisLabel, width: 140, overflow: "truncate" } },
      series: [s("positive", palette.positive), s("neutral", palette.neutral), s("negative", palette.negative)],
    };
  }, [dims, t]);

  const bubble = useMemo<EChartsCoreOption>(() => {
    const max = Math.max(1, ...dims.map((x) => x.reviews));
    return {
      tooltip: {
        trigger: "item",
        formatter: (p: { data: { name: string; value: number[] } }) =>
          `${p.data.name}\n${t("dashboard.mentions")}: ${p.data.value[2]}\n${t("dashboard.net")}: ${p.data.value[0].toFixed(2)}\n${t("dashboard.effect")}: ${p.data.value[1].toFixed(2)}`,
      },
      grid: { left: 56, right: 56, top: 32, bottom: 28, containLabel: true },
      xAxis: { type: "value", name: t("dashboard.net"), nameLocation: "middle", nameGap: 24, min: -1, max: 1, axisLabel },
      yAxis: { type: "value", name: t("dashboard.effect"), axisLabel },
      series: [
        {
          type: "scatter",
          symbolSize: (v: number[]) => 10 + 40 * Math.sqrt(v[2] / max),
          data: dims.map((x) => ({
            name: x.name,
            id: x.id,
            value: [x.net, x.rating_effect ?? 0, x.reviews],
            itemStyle: { color: x.net >= 0 ? palette.positive : palette.negative, opacity: 0.75 },
          })),
          label: { show: true, formatter: (p: { name: string }) => p.name, position: "top", fontSize: 12, color: "#222" },
          labelLayout: { hideOverlap: true },
        },
      ],
    };
  }, [dims, t]);

  const ratings = useMemo<EChartsCoreOption>(() => {
    const rows = d.ratings.filter((r) => r.rating > 0 || r.count > 0);
    return {
      tooltip: { trigger: "item" },
      grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: rows.map((r) => (r.rating === 0 ? t("filter.noRating") : r.rating + "★")), axisLabel },
      yAxis: { type: "value", axisLabel, minInterval: 1 },
      series: [{ type: "bar", data: rows.map((r) => ({ value: r.count, rating: r.rating })), itemStyle: { color: palette.primary }, label: { show: true, position: "top" } }],
    };
  }, [d, t]);

  const sentiments = useMemo<EChartsCoreOption>(
    () => ({
      tooltip: { trigger: "item" },
      grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: d.sentiments.map((s) => t("sentiment." + s.sentiment)), axisLabel },
      yAxis: { type: "value", axisLabel, minInterval: 1 },
      series: [
        {
          type: "bar",
          data: d.sentiments.map((s) => ({ value: s.count, sentiment: s.sentiment, itemStyle: { color: palette[s.sentiment as "positive"] } })),
          label: { show: true, position: "top" },
        },
      ],
    }),
    [d, t],
  );

  const trend = useMemo<EChartsCoreOption>(() => {
    const periods = d.trend.periods;
    return {
      tooltip: { trigger: "axis" },
      legend: { top: 0, type: "scroll", textStyle: axisLabel },
      grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: periods.map((p) => (props.g === "week" ? p.start : p.start.slice(0, 7))), axisLabel },
      yAxis: { type: "value", axisLabel, minInterval: 1 },
      series: [
        { name: t("dashboard.allReviews"), type: "bar", data: periods.map((p) => p.reviews), itemStyle: { color: "#c8d7ea" } },
        ...(d.trend.dimensions ?? []).map((s, i) => ({
          name: s.name,
          type: "line",
          data: s.counts,
          symbolSize: 8,
          itemStyle: { color: palette.series[i % palette.series.length] },
        })),
      ],
    };
  }, [d, t, props.g]);

  const trendClick = (c: { seriesIndex: number; dataIndex: number }) => {
    const p = d.trend.periods[c.dataIndex];
    if (!p) return;
    const range = { date_from: p.start, date_to: p.end };
    if (c.seriesIndex === 0) go(range);
    else {
      const s = (d.trend.dimensions ?? [])[c.seriesIndex - 1];
      if (s) go({ ...range, dimension: String(s.id) });
    }
  };

  return (
    <>
      <section className="kpis" aria-label={t("dashboard.kpis")}>
        <Link className="kpi" to={`/products/${id}/reviews?` + filterParams(params).toString()} data-testid="kpi-reviews">
          <span className="v">{nf.format(k.reviews)}</span>
          <span className="k">{t("dashboard.reviews")}</span>
        </Link>
        <div className="kpi">
          <span className="v">{k.avg_rating != null ? k.avg_rating.toFixed(2) + "★" : "–"}</span>
          <span className="k">{t("dashboard.avgRating", { n: nf.format(k.rated) })}</span>
        </div>
        <Link className="kpi pos" to={`/products/${id}/reviews?` + drill(params, { sentiment: "positive" }).toString()}>
          <span className="v">{share(k.positive)}</span>
          <span className="k">{t("dashboard.positive", { n: nf.format(k.positive) })}</span>
        </Link>
        <Link className="kpi neg" to={`/products/${id}/reviews?` + drill(params, { sentiment: "negative" }).toString()}>
          <span className="v">{share(k.negative)}</span>
          <span className="k">{t("dashboard.negative", { n: nf.format(k.negative) })}</span>
        </Link>
        <div className="kpi">
          <span className="v">{share(k.with_insights)}</span>
          <span className="k">{t("dashboard.coverage", { n: nf.format(k.insights) })}</span>
        </div>
      </section>
      {k.reviews === 0 ? (
        <p className="empty">{t("dashboard.noReviews")}</p>
      ) : (
        <div className="grid">
          <section className="panel wide">
            <h2>{t("dashboard.impact")}</h2>
            <p className="hint">{t("dashboard.impactHint")}</p>
            {dims.length === 0 ? (
              <p className="empty">{t("dashboard.noInsights")}</p>
            ) : (
              <div className="two">
                <Chart
                  option={impactBars}
                  testid="impact"
                  label={t("dashboard.impact")}
                  height={Math.max(220, 28 * dims.length + 60)}
                  onClick={(c) => {
                    const x = [...dims].reverse()[c.dataIndex];
                    const s = ["positive", "neutral", "negative"][c.seriesIndex];
                    if (x && s) go({ dimension: String(x.id), insight_sentiment: s });
                  }}
                />
                <Chart
                  option={bubble}
                  testid="bubble"
                  label={t("dashboard.bubble")}
                  height={Math.max(260, 28 * dims.length + 60)}
                  onClick={(c) => {
                    const x = dims[c.dataIndex];
                    if (x) go({ dimension: String(x.id) });
                  }}
                />
              </div>
            )}
          </section>
          <section className="panel">
            <h2>{t("dashboard.ratings")}</h2>
            {k.rated === 0 ? (
              <p className="empty">{t("dashboard.noRatings")}</p>
            ) : (
              <Chart
                option={ratings}
                testid="ratings"
                label={t("dashboard.ratings")}
                onClick={(c) => {
                  const r = (c.data as { rating: number }).rating;
                  go({ rating: r === 0 ? "none" : String(r) });
                }}
              />
            )}
          </section>
          <section className="panel">
            <h2>{t("dashboard.sentiments")}</h2>
            <Chart
              option={sentiments}
              testid="sentiments"
              label={t("dashboard.sentiments")}
              onClick={(c) => go({ sentiment: (c.data as { sentiment: string }).sentiment })}
            />
          </section>
          <section className="panel wide">
            <div className="row between">
              <h2>{t("dashboard.trend")}</h2>
              <div className="toggles" role="group" aria-label={t("dashboard.granularity")}>
                {["week", "month"].map((v) => (
                  <button key={v} type="button" aria-pressed={props.g === v} onClick={() => props.setG(v)}>
                    {t("dashboard." + v)}
                  </button>
                ))}
              </div>
            </div>
            {d.trend.periods.length === 0 ? (
              <p className="empty">{t("dashboard.noDates")}</p>
            ) : (
              <Chart option={trend} testid="trend" label={t("dashboard.trend")} height={320} onClick={trendClick} />
            )}
            {d.trend.undated > 0 && <p className="hint">{t("dashboard.undated", { n: d.trend.undated })}</p>}
          </section>
          <section className="panel wide">
            <h2>{t("dashboard.fiveW")}</h2>
            <div className="fivew">
              {(d.five_w ?? []).map((w) => (
                <FiveW key={w.type} type={w.type} labels={w.labels} go={go} />
              ))}
              {(d.five_w ?? []).length === 0 && <p className="empty">{t("dashboard.noModel")}</p>}
            </div>
          </section>
          <section className="panel wide">
            <h2>{t("dashboard.emerging")}</h2>
            <p className="hint">{t("dashboard.emergingHint")}</p>
            {d.emerging.length === 0 ? (
              <p className="empty">{t("dashboard.noEmerging")}</p>
            ) : (
              <ul className="emerging">
                {d.emerging.map((e) => (
                  <li key={e.id}>
                    <Link
                      to={`/products/${id}/reviews?` + drill(params, { dimension: String(e.id), insight_sentiment: "negative", date_from: e.date_from, date_to: e.date_to }).toString()}
                    >
                      {e.name}
                    </Link>{" "}
                    {t("dashboard.emergingRow", { recent: e.recent, previous: e.previous, from: e.date_from, to: e.date_to })}
                  </li>
                ))}
              </ul>
            )}
          </section>
        </div>
      )}
    </>
  );
}

function FiveW({ type, labels, go }: { type: string; labels: { id: number; name: string; reviews: number }[]; go: (e: Record<string, string>) => void }) {
  const { t } = useTranslation();
  const rows = labels.slice(0, 8).reverse();
  const option = useMemo<EChartsCoreOption>(
    () => ({
      tooltip: { trigger: "item" },
      grid: { left: 8, right: 28, top: 8, bottom: 8, containLabel: true },
      xAxis: { type: "value", axisLabel, minInterval: 1 },
      yAxis: { type: "category", data: rows.map((l) => l.name), axisLabel: { ...axisLabel, width: 110, overflow: "truncate" } },
      series: [{ type: "bar", data: rows.map((l) => l.reviews), itemStyle: { color: palette.series[1] }, label: { show: true, position: "right" } }],
    }),
    [rows],
  );
  return (
    <div>
      <h3>{t("fiveW." + type)}</h3>
      <Chart
        option={option}
        testid={"fivew-" + type}
        label={t("fiveW." + type)}
        height={Math.max(140, rows.length * 26 + 30)}
        onClick={(c) => {
          const l = rows[c.dataIndex];
          if (l) go({ label: String(l.id) });
        }}
      />
    </div>
  );
}
