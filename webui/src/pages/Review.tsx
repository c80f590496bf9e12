// One review, opened from a citation link (/reviews/{id}?quote=…) or the
// reader: the quote is highlighted in the text.
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Link, useParams, useSearchParams } from "react-router";
import { api, ApiError } from "../api";
import { ReviewCard } from "../components/ReviewCard";
import { ErrorBox, Loading } from "../components/Status";

export function ReviewPage() {
  const { t } = useTranslation();
  const id = Number(useParams().id);
  const [params] = useSearchParams();
  const quote = params.get("quote") ?? "";
  const q = useQuery({ queryKey: ["review", id], queryFn: ({ signal }) => api.review(id, signal) });
  const productID = q.data?.product?.id ?? q.data?.product_id;
  const missingEndpoint = q.error instanceof ApiError && (q.error.status === 405 || (q.error.status === 404 && /no such endpoint/i.test(q.error.problem.detail ?? "")));
  return (
    <main>
      <h1>{t("review.title", { id })}</h1>
      {productID != null && (
        <p>
          <Link to={`/products/${productID}/reviews`}>← {q.data?.product?.title || q.data?.product?.asin || t("nav.reviews")}</Link>
        </p>
      )}
      {quote && (
        <blockquote className="cited">
          {t("review.cited")}: <mark className="quote">{quote}</mark>
        </blockquote>
      )}
      {q.isPending && <Loading />}
      {missingEndpoint && <p className="empty">{t("review.unavailable")}</p>}
      {q.error && !missingEndpoint && <ErrorBox error={q.error} retry={() => q.refetch()} />}
      {q.data && <ReviewCard r={q.data} quotes={quote ? [quote] : []} detail={false} />}
    </main>
  );
}
