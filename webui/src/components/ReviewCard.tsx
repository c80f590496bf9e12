// ReviewCard: one review with its translation (only when it differs), its
// insights and 5W tags as chips, and quotes and search words highlighted
// in the text. User text is rendered as text, never as HTML.
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import type { Review } from "../api";
import { highlight, sameText } from "../text";

export function Marked({ text, words, quotes }: { text: string; words?: string[]; quotes?: string[] }) {
  const q = highlight(text, quotes ?? []);
  return (
    <>
      {q.map((s, i) =>
        s.mark ? (
          <mark key={i} className="quote">
            {highlight(s.text, words ?? []).map((w, j) => (w.mark ? <mark key={j}>{w.text}</mark> : w.text))}
          </mark>
        ) : (
          highlight(s.text, words ?? []).map((w, j) => (w.mark ? <mark key={i + "-" + j}>{w.text}</mark> : w.text))
        ),
      )}
    </>
  );
}

export function ReviewCard({
  r,
  words,
  quotes,
  onDimension,
  onLabel,
  detail = true,
}: {
  r: Review;
  words?: string[];
  quotes?: string[];
  onDimension?: (id: number) => void;
  onLabel?: (id: number) => void;
  detail?: boolean;
}) {
  const { t } = useTranslation();
  const insightQuotes = [...(quotes ?? []), ...(r.insights ?? []).map((i) => i.quote)];
  const showTitleT = r.title_translated && !sameText(r.title_translated, r.title);
  const showBodyT = r.body_translated && !sameText(r.body_translated, r.body);
  return (
    <article className="review card" data-testid="review">
      <header className="meta">
        <span className="stars" aria-label={r.rating ? t("review.stars", { n: r.rating }) : t("filter.noRating")}>
          {r.rating ? "★".repeat(r.rating) + "☆".repeat(5 - r.rating) : t("filter.noRating")}
        </span>
        {r.review_date && <span>{r.review_date}</span>}
        {r.variant && <span>{r.variant}</span>}
        <span>{r.language}</span>
        {r.sentiment && <span className={"badge " + r.sentiment}>{t("sentiment." + r.sentiment)}</span>}
        {r.translation_status === "skipped" && <span className="muted">{t("review.notTranslated")}</span>}
        {detail && (
          <Link to={`/reviews/${r.id}`} className="open">
            {t("review.open")} #{r.id}
          </Link>
        )}
      </header>
      {r.title && (
        <h3 className="rtitle">
          <Marked text={r.title} words={words} quotes={insightQuotes} />
        </h3>
      )}
      <p className="body">
        <Marked text={r.body} words={words} quotes={insightQuotes} />
      </p>
      {(showTitleT || showBodyT) && (
        <div className="translation">
          <span className="muted">{t("review.translation")}</span>
          {showTitleT && <strong>{r.title_translated} </strong>}
          {showBodyT && (
            <p>
              <Marked text={r.body_translated ?? ""} words={words} quotes={(r.insights ?? []).map((i) => i.quote_translated)} />
            </p>
          )}
        </div>
      )}
      {(r.insights ?? []).length > 0 && (
        <ul className="insights">
          {(r.insights ?? []).map((i) => (
            <li key={i.id} className={"insight " + i.sentiment}>
              <button type="button" className="chip-btn" onClick={() => onDimension?.(i.dimension_id)} disabled={!onDimension} title={t("review.filterBy", { what: i.dimension })}>
                {t("insightType." + i.type)} · {i.dimension}
              </button>
              {i.analysis && <span className="analysis">{i.analysis}</span>}
            </li>
          ))}
        </ul>
      )}
      {(r.tags ?? []).length > 0 && (
        <ul className="tags">
          {(r.tags ?? []).map((g) => (
            <li key={g.id}>
              <button type="button" className="chip-btn tag" onClick={() => onLabel?.(g.label_id)} disabled={!onLabel} title={t("review.filterBy", { what: g.label })}>
                {t("fiveW." + g.type)}: {g.label}
              </button>
            </li>
          ))}
        </ul>
      )}
    </article>
  );
}
