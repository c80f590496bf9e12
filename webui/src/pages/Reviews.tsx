// The review reader: search, sort, filters as chips, keyset paging, and an
// export of exactly the filtered set.
import { useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { useParams, useSearchParams } from "react-router";
import { api } from "../api";
import { Chips, FilterBar, useModel } from "../components/FilterBar";
import { ProductNav } from "../components/ProductNav";
import { ReviewCard } from "../components/ReviewCard";
import { ErrorBox, Loading } from "../components/Status";
import { filterParams, withOnly } from "../filters";

const PAGE = 25;
const SORTS = ["newest", "oldest", "rating_desc", "rating_asc", "helpful"];

export function ReviewsPage() {
  const { t, i18n } = useTranslation();
  const id = Number(useParams().id);
  const [params, setParams] = useSearchParams();
  const model = useModel(id).data;
  const sort = SORTS.includes(params.get("sort") ?? "") ? params.get("sort")! : "newest";
  const fq = filterParams(params);
  const key = fq.toString() + "&sort=" + sort;
  // Keyset paging: the cursors of the pages seen so far, reset when the
  // filter or sort changes.
  const [cursors, setCursors] = useState<string[]>([""]);
  useEffect(() => setCursors([""]), [key]);
  const page = cursors.length - 1;
  const cursor = cursors[page] ?? "";
  const q = useQuery({
    queryKey: ["search", id, key, cursor],
    queryFn: ({ signal }) => {
      const p = new URLSearchParams(fq);
      p.set("sort", sort);
      p.set("limit", String(PAGE));
      if (cursor) p.set("cursor", cursor);
      return api.search(id, p, signal);
    },
    placeholderData: (prev) => prev,
  });
  const [text, setText] = useState(params.get("q") ?? "");
  useEffect(() => setText(params.get("q") ?? ""), [params]);
  const words = (params.get("q") ?? "").split(/\s+/).filter(Boolean);
  const nf = new Intl.NumberFormat(i18n.language);
  const exportQ = new URLSearchParams(fq);
  exportQ.set("sort", sort);
  return (
    <main>
      <ProductNav id={id} title={t("reviews.title")} />
      <form
        className="search row"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          setParams(withOnly(params, "q", [text.trim()]));
        }}
      >
        <label className="grow">
          <span className="sr-only">{t("reviews.search")}</span>
          <input type="search" value={text} onChange={(e) => setText(e.target.value)} placeholder={t("reviews.searchPlaceholder")} data-testid="search" />
        </label>
        <button type="submit" className="primary">
          {t("reviews.searchButton")}
        </button>
        <label>
          <span className="sr-only">{t("reviews.sort")}</span>
          <select value={sort} onChange={(e) => setParams(withOnly(params, "sort", [e.target.value]))} aria-label={t("reviews.sort")}>
            {SORTS.map((s) => (
              <option key={s} value={s}>
                {t("sort." + s)}
              </option>
            ))}
          </select>
        </label>
      </form>
      <details className="more-filters">
        <summary>{t("filter.more")}</summary>
        <FilterBar id={id} />
        <div className="filterbar">
          <label>
            {t("filter.key.dimension")}
            <select value={params.get("dimension") ?? ""} onChange={(e) => setParams(withOnly(params, "dimension", [e.target.value]))}>
              <option value="">{t("filter.all")}</option>
              {(model?.dimensions ?? []).map((d) => (
                <option key={d.id} value={d.id}>
                  {d.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t("filter.key.insight_type")}
            <select value={params.get("insight_type") ?? ""} onChange={(e) => setParams(withOnly(params, "insight_type", [e.target.value]))}>
              <option value="">{t("filter.all")}</option>
              {["strength", "weakness", "suggestion", "scenario", "emotion"].map((x) => (
                <option key={x} value={x}>
                  {t("insightType." + x)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t("filter.key.label")}
            <select value={params.get("label") ?? ""} onChange={(e) => setParams(withOnly(params, "label", [e.target.value]))}>
              <option value="">{t("filter.all")}</option>
              {(model?.labels ?? []).map((l) => (
                <option key={l.id} value={l.id}>
                  {t("fiveW." + l.type)}: {l.name}
                </option>
              ))}
            </select>
          </label>
        </div>
      </details>
      <Chips id={id} />
      {q.error && <ErrorBox error={q.error} retry={() => q.refetch()} />}
      {q.isPending && <Loading />}
      {q.data && (
        <>
          <div className="row between">
            <p className="count" data-testid="total" data-total={q.data.total} data-stale={q.isPlaceholderData ? "true" : undefined} data-q={params.get("q") ?? ""} aria-live="polite">
              {t("reviews.count", { count: q.data.total, n: nf.format(q.data.total) })}
              {q.data.total > 0 && " · " + t("paging.range", { from: page * PAGE + 1, to: page * PAGE + q.data.items.length, total: nf.format(q.data.total) })}
            </p>
            <a className="button" href={api.exportURL(id, exportQ)} download>
              {t("reviews.export", { n: nf.format(q.data.total) })}
            </a>
          </div>
          {q.data.items.length === 0 && <p className="empty">{t("reviews.none")}</p>}
          <div className="list" aria-busy={q.isPlaceholderData}>
            {q.data.items.map((r) => (
              <ReviewCard
                key={r.id}
                r={r}
                words={words}
                onDimension={(d) => setParams(withOnly(params, "dimension", [String(d)]))}
                onLabel={(l) => setParams(withOnly(params, "label", [String(l)]))}
              />
            ))}
          </div>
          <div className="pager">
            <button type="button" disabled={page === 0} onClick={() => setCursors((c) => c.slice(0, -1))}>
              {t("action.previous")}
            </button>
            <span>{t("paging.page", { n: page + 1 })}</span>
            <button type="button" disabled={!q.data.next_cursor} onClick={() => q.data?.next_cursor && setCursors((c) => [...c, q.data!.next_cursor!])}>
              {t("action.next")}
            </button>
          </div>
        </>
      )}
    </main>
  );
}
