import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Link, useSearchParams } from "react-router";
import { api } from "../api";
import { ErrorBox, Loading } from "../components/Status";

const PAGE = 25;

export function ProductsPage() {
  const { t, i18n } = useTranslation();
  const [params, setParams] = useSearchParams();
  const offset = Math.max(0, Number(params.get("offset")) || 0);
  const q = useQuery({ queryKey: ["products", offset], queryFn: ({ signal }) => api.products(PAGE, offset, signal) });
  const nf = new Intl.NumberFormat(i18n.language);
  return (
    <main>
      <div className="row between">
        <h1>{t("products.title")}</h1>
        <Link className="button primary" to="/upload">
          {t("products.upload")}
        </Link>
      </div>
      {q.isPending && <Loading />}
      {q.error && <ErrorBox error={q.error} retry={() => q.refetch()} />}
      {q.data && (q.data.items ?? []).length === 0 && <p className="empty">{t("products.empty")}</p>}
      {q.data && (q.data.items ?? []).length > 0 && (
        <ul className="cards products">
          {(q.data.items ?? []).map((p) => (
            <li key={p.id} className="card">
              <Link to={`/products/${p.id}`} className="title">
                {p.title || p.asin}
              </Link>
              <p className="muted">
                {p.marketplace} · {p.asin}
              </p>
              <p>
                {t("products.reviews", { count: p.review_count, n: nf.format(p.review_count) })} ·{" "}
                {p.model_version > 0 ? t("products.modelVersion", { v: p.model_version }) : t("products.noModel")}
              </p>
              <p className="links">
                <Link to={`/products/${p.id}/reviews`}>{t("nav.reviews")}</Link>
                <Link to={`/products/${p.id}/pipeline`}>{t("nav.pipeline")}</Link>
                <Link to={`/products/${p.id}/reports`}>{t("nav.reports")}</Link>
              </p>
            </li>
          ))}
        </ul>
      )}
      {q.data && q.data.total > PAGE && (
        <div className="pager">
          <button type="button" disabled={offset === 0} onClick={() => setParams({ offset: String(Math.max(0, offset - PAGE)) })}>
            {t("action.previous")}
          </button>
          <span>
            {t("paging.range", { from: offset + 1, to: Math.min(offset + PAGE, q.data.total), total: q.data.total })}
          </span>
          <button type="button" disabled={offset + PAGE >= q.data.total} onClick={() => setParams({ offset: String(offset + PAGE) })}>
            {t("action.next")}
          </button>
        </div>
      )}
    </main>
  );
}
