// FilterBar: the global filter (date range, rating, sentiment, language,
// variant, marketplace), kept in the URL; and Chips, which show every
// applied filter, each removable on its own.
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { useNavigate, useSearchParams } from "react-router";
import { api } from "../api";
import { chips, toggle, without, withOnly } from "../filters";

export function useFacets(id: number) {
  return useQuery({
    queryKey: ["dashboard", id, ""],
    queryFn: ({ signal }) => api.dashboard(id, new URLSearchParams(), signal),
    select: (d) => d.facets,
  });
}

export function useModel(id: number) {
  return useQuery({ queryKey: ["model", id], queryFn: ({ signal }) => api.model(id, signal) });
}

export function FilterBar({ id }: { id: number }) {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const navigate = useNavigate();
  const facets = useFacets(id).data;
  const set = (q: URLSearchParams) => setParams(q, { replace: false });
  return (
    <form className="filterbar" aria-label={t("filter.title")} onSubmit={(e) => e.preventDefault()}>
      <label>
        {t("filter.from")}
        <input
          type="date"
          value={params.get("date_from") ?? ""}
          min={facets?.date_min}
          max={facets?.date_max}
          onChange={(e) => set(withOnly(params, "date_from", [e.target.value]))}
        />
      </label>
      <label>
        {t("filter.to")}
        <input
          type="date"
          value={params.get("date_to") ?? ""}
          min={facets?.date_min}
          max={facets?.date_max}
          onChange={(e) => set(withOnly(params, "date_to", [e.target.value]))}
        />
      </label>
      <fieldset className="toggles">
        <legend>{t("filter.rating")}</legend>
        {["5", "4", "3", "2", "1", "none"].map((r) => (
          <button
            key={r}
            type="button"
            aria-pressed={params.getAll("rating").includes(r)}
            onClick={() => set(toggle(params, "rating", r))}
          >
            {r === "none" ? t("filter.noRating") : r + "★"}
          </button>
        ))}
      </fieldset>
      <fieldset className="toggles">
        <legend>{t("filter.sentiment")}</legend>
        {["positive", "neutral", "negative"].map((s) => (
          <button
            key={s}
            type="button"
            aria-pressed={params.getAll("sentiment").includes(s)}
            onClick={() => set(toggle(params, "sentiment", s))}
          >
            {t("sentiment." + s)}
          </button>
        ))}
      </fieldset>
      <label>
        {t("filter.language")}
        <select value={params.get("language") ?? ""} onChange={(e) => set(withOnly(params, "language", [e.target.value]))}>
          <option value="">{t("filter.all")}</option>
          {facets?.languages.map((l) => (
            <option key={l.value} value={l.value}>
              {l.value} ({l.count})
            </option>
          ))}
        </select>
      </label>
      {facets && facets.variants.length > 0 && (
        <label>
          {t("filter.variant")}
          <select value={params.get("variant") ?? ""} onChange={(e) => set(withOnly(params, "variant", [e.target.value]))}>
            <option value="">{t("filter.all")}</option>
            {facets.variants.map((v) => (
              <option key={v.value} value={v.value}>
                {v.value} ({v.count})
              </option>
            ))}
          </select>
        </label>
      )}
      {facets && facets.marketplaces.length > 0 && (
        <label>
          {t("filter.marketplace")}
          <select
            value={String(id)}
            onChange={(e) => navigate(window.location.pathname.replace(/\/products\/\d+/, "/products/" + e.target.value) + "?" + params.toString())}
          >
            {facets.marketplaces.map((m) => (
              <option key={m.product_id} value={m.product_id}>
                {m.marketplace}
              </option>
            ))}
          </select>
        </label>
      )}
    </form>
  );
}

export function Chips({ id }: { id: number }) {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const model = useModel(id).data;
  const list = chips(params);
  if (list.length === 0) return null;
  const name = (key: string, value: string) => {
    if (key === "dimension") return model?.dimensions?.find((d) => String(d.id) === value)?.name ?? value;
    if (key === "label") return model?.labels?.find((l) => String(l.id) === value)?.name ?? value;
    if (key === "sentiment" || key === "insight_sentiment") return t("sentiment." + value);
    if (key === "rating") return value === "none" ? t("filter.noRating") : value + "★";
    if (key === "insight_type") return t("insightType." + value);
    return value;
  };
  const clear = () => {
    const q = new URLSearchParams();
    for (const [k, v] of params) if (!list.some((c) => c.key === k) && k !== "cursor") q.append(k, v);
    setParams(q);
  };
  return (
    <div className="chips" aria-label={t("filter.applied")} data-testid="chips">
      {list.map((c) => (
        <span className="chip" key={c.key + "=" + c.value}>
          <span>
            {t("filter.key." + c.key)}: {name(c.key, c.value)}
          </span>
          <button
            type="button"
            aria-label={t("filter.remove", { what: t("filter.key." + c.key) + " " + name(c.key, c.value) })}
            onClick={() => setParams(without(params, c))}
          >
            ×
          </button>
        </span>
      ))}
      <button type="button" className="link" onClick={clear}>
        {t("filter.clear")}
      </button>
    </div>
  );
}
