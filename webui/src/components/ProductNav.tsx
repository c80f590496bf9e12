// ProductNav: the product's title (the page's one <h1>) and its tabs.
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { NavLink, useLocation } from "react-router";
import { api } from "../api";
import { filterParams } from "../filters";

export function useProduct(id: number) {
  return useQuery({ queryKey: ["product", id], queryFn: ({ signal }) => api.product(id, signal) });
}

export function ProductNav({ id, title }: { id: number; title: string }) {
  const { t } = useTranslation();
  const p = useProduct(id);
  const loc = useLocation();
  // The filters travel between the dashboard and the reader.
  const f = filterParams(new URLSearchParams(loc.search)).toString();
  const qs = f ? "?" + f : "";
  return (
    <div className="product-head">
      <p className="crumb">
        {p.data ? `${p.data.marketplace} · ${p.data.asin}${p.data.title ? " · " + p.data.title : ""}` : "\u00a0"}
      </p>
      <h1>{title}</h1>
      <nav className="tabs" aria-label={t("nav.product")}>
        <NavLink to={`/products/${id}${qs}`} end>
          {t("nav.dashboard")}
        </NavLink>
        <NavLink to={`/products/${id}/reviews${qs}`}>{t("nav.reviews")}</NavLink>
        <NavLink to={`/products/${id}/pipeline`}>{t("nav.pipeline")}</NavLink>
        <NavLink to={`/products/${id}/model`}>{t("nav.model")}</NavLink>
        <NavLink to={`/products/${id}/reports`}>{t("nav.reports")}</NavLink>
      </nav>
    </div>
  );
}
