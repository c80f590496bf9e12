// Comparison: one saved comparison. Its products, how their dimensions
// were aligned (in words), the matrix of aligned dimensions × products
// (volume, net sentiment, impact; each cell opens the reviews it counts),
// the 5W differences, the report downloads, and, for those whose role may
// correct it, the alignment editor. Every name comes from reviews or
// models and is rendered as text.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";
import { api, type ComparisonProduct, type ComparisonView } from "../api";
import { useSession } from "../App";
import { ALONE, alignmentWords, draftOf, moveDimension, renameGroup, sameAlignment, toPatch, type DraftGroup } from "../comparison";
import { ErrorBox, Loading } from "../components/Status";

const label = (p: ComparisonProduct | undefined) => (p ? `${p.marketplace} ${p.asin}` : "");
const signed = (x: number, digits: number) => (x > 0 ? "+" : x < 0 ? "−" : "") + Math.abs(x).toFixed(digits);
const tone = (x: number) => (x > 0.05 ? "pos" : x < -0.05 ? "neg" : undefined);

export function ComparisonPage() {
  const { t } = useTranslation();
  const id = Number(useParams().id);
  const { caps } = useSession();
  const q = useQuery({ queryKey: ["comparison", id], queryFn: ({ signal }) => api.comparison(id, signal) });
  const v = q.data;
  const canEdit = caps.has("patch", "/api/v1/comparisons/{id}/alignment");
  const canRealign = caps.has("post", "/api/v1/comparisons/{id}/alignment/realign");
  return (
    <main className="comparison">
      <p className="crumb">
        <Link to="/comparisons">{t("compare.title")}</Link>
      </p>
      <h1>{v ? v.name : t("compare.one")}</h1>
      {q.isPending && <Loading />}
      {q.error && <ErrorBox error={q.error} retry={() => q.refetch()} />}
      {v && (
        <>
          <Products v={v} />
          <Alignment v={v} canRealign={canRealign} />
          <Downloads id={v.id} />
          <Matrix v={v} />
          <FiveW v={v} />
          {canEdit && <AlignmentEditor v={v} />}
        </>
      )}
    </main>
  );
}

function Products({ v }: { v: ComparisonView }) {
  const { t, i18n } = useTranslation();
  const nf = new Intl.NumberFormat(i18n.language);
  const pct = (p: ComparisonProduct, key: string) => {
    const s = p.sentiment_share?.find((x) => x.key === key);
    return s ? Math.round(s.share * 100) + "%" : "–";
  };
  return (
    <section className="panel">
      <h2>{t("compare.products")}</h2>
      <div className="scroll">
        <table data-testid="compare-products">
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
            {v.products.map((p) => (
              <tr key={p.id}>
                <td>
                  <Link to={`/products/${p.id}`}>{label(p)}</Link>
                  {p.title && <div className="muted small">{p.title}</div>}
                </td>
                <td>
                  {nf.format(p.reviews)}
                  {p.excluded_reviews > 0 && <div className="muted small">{t("compare.excluded", { count: p.excluded_reviews })}</div>}
                </td>
                <td>{p.avg_rating != null ? p.avg_rating.toFixed(2) : "–"}</td>
                <td>{pct(p, "positive")}</td>
                <td>{pct(p, "negative")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function Alignment({ v, canRealign }: { v: ComparisonView; canRealign: boolean }) {
  const { t } = useTranslation();
  const words = alignmentWords(v.alignment_source, v.alignment_note);
  const aligned = (v.alignment ?? []).filter((g) => new Set(g.members.map((m) => m.product_id)).size > 1).length;
  return (
    <section className="panel" data-testid="alignment-source" data-source={v.alignment_source}>
      <h2>{t("compare.how")}</h2>
      {words.lines.map((w) => (
        <p key={w.key}>{t(w.key, w.params ?? {})}</p>
      ))}
      {words.raw && v.alignment_note && <p className="muted">{t("compare.note", { note: v.alignment_note })}</p>}
      <p className="muted">{t("compare.alignedCount", { count: aligned, total: (v.alignment ?? []).length })}</p>
      {canRealign && <Realign v={v} />}
    </section>
  );
}

function Downloads({ id }: { id: number }) {
  const { t } = useTranslation();
  const { caps } = useSession();
  return (
    <div className="row wrap downloads" data-testid="comparison-downloads">
      {caps.has("get", "/api/v1/comparisons/{id}/markdown") && (
        <a className="button" href={api.comparisonLinks.markdown(id)} data-testid="comparison-markdown">
          {t("report.markdown")}
        </a>
      )}
      {caps.has("get", "/api/v1/comparisons/{id}/html") && (
        <a className="button" href={api.comparisonLinks.html(id)} target="_blank" rel="noopener" data-testid="comparison-html">
          {t("report.html")}
        </a>
      )}
      {caps.has("get", "/api/v1/comparisons/{id}/pdf") && (
        <a className="button" href={api.comparisonLinks.pdf(id)} data-testid="comparison-pdf">
          {t("report.pdf")}
        </a>
      )}
    </div>
  );
}

function Matrix({ v }: { v: ComparisonView }) {
  const { t, i18n } = useTranslation();
  const nf = new Intl.NumberFormat(i18n.language);
  const rows = v.matrix ?? [];
  const byID = new Map(v.products.map((p) => [p.id, p]));
  return (
    <section className="panel">
      <h2>{t("compare.matrix")}</h2>
      <p className="hint">{t("compare.matrixHint")}</p>
      {rows.length === 0 ? (
        <p className="empty">{t("compare.noDimensions")}</p>
      ) : (
        <div className="scroll">
          <table className="matrix" data-testid="matrix">
            <thead>
              <tr>
                <th scope="col">{t("compare.dimension")}</th>
                {v.products.map((p) => (
                  <th scope="col" key={p.id}>
                    {label(p)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((r, i) => (
                <tr key={r.key + i} data-testid="matrix-row">
                  <th scope="row">
                    {r.name}
                    <div className="muted small">{t("dimKind." + r.kind, { defaultValue: r.kind })}</div>
                    {(r.members ?? []).length > 1 && (
                      <div className="muted small members">{(r.members ?? []).map((m) => `${label(byID.get(m.product_id))}: ${m.name ?? ""}`).join(" · ")}</div>
                    )}
                  </th>
                  {r.cells.map((c, j) =>
                    c ? (
                      <td key={j} data-testid="matrix-cell">
                        <Link to={`/products/${c.product_id}/reviews?${c.dimension_ids.map((d) => "dimension=" + d).join("&")}`}>
                          {t("compare.mentions", { count: c.volume, n: nf.format(c.volume) })}
                        </Link>
                        <div className={tone(c.net)}>{t("compare.netValue", { v: signed(c.net * 100, 0) })}</div>
                        <div className="muted small">{t("compare.impactValue", { v: signed(c.impact, 2) })}</div>
                      </td>
                    ) : (
                      <td key={j} className="muted">
                        <span aria-label={t("compare.absent")}>–</span>
                      </td>
                    ),
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function FiveW({ v }: { v: ComparisonView }) {
  const { t } = useTranslation();
  const rows = v.five_w_differences ?? [];
  return (
    <section className="panel">
      <h2>{t("compare.fiveW")}</h2>
      {rows.length === 0 ? (
        <p className="empty">{t("compare.noFiveW")}</p>
      ) : (
        <div className="scroll">
          <table data-testid="fivew-diff">
            <thead>
              <tr>
                <th scope="col">{t("compare.fiveWLabel")}</th>
                {v.products.map((p) => (
                  <th scope="col" key={p.id}>
                    {label(p)}
                  </th>
                ))}
                <th scope="col">{t("compare.spread")}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r, i) => (
                <tr key={r.type + r.label + i}>
                  <th scope="row">
                    <span className="muted small">{t("fiveW." + r.type, { defaultValue: r.type })}</span> {r.label}
                    {(r.evidence ?? []).slice(0, 1).map((e) => (
                      <div key={e.review_id} className="small">
                        <Link to={`/reviews/${e.review_id}?quote=${encodeURIComponent(e.quote)}`}>“{e.quote_translated || e.quote}”</Link>
                      </div>
                    ))}
                  </th>
                  {r.shares.map((s, j) => (
                    <td key={j}>{Math.round(s * 100)}%</td>
                  ))}
                  <td>{Math.round(r.spread * 100)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/**
 * Realign asks the server to align the dimensions again as creation does
 * (the model, else offline). It replaces an analyst's correction, so it
 * asks first when the current alignment is one.
 */
function Realign({ v }: { v: ComparisonView }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [done, setDone] = useState(false);
  const realign = useMutation({
    mutationFn: () => api.realignComparison(v.id),
    onSuccess: (nv) => {
      qc.setQueryData(["comparison", v.id], nv);
      void qc.invalidateQueries({ queryKey: ["comparisons"] });
      setDone(true);
    },
  });
  const run = () => {
    if (v.alignment_source === "edited" && !confirm(t("compare.realignConfirm"))) return;
    setDone(false);
    realign.mutate();
  };
  return (
    <>
      <p className="hint">{t("compare.realignHint")}</p>
      <div className="row wrap">
        <button type="button" disabled={realign.isPending} onClick={run} data-testid="realign">
          {t("compare.realign")}
        </button>
        {done && !realign.isPending && (
          <span className="notice" role="status">
            {t("compare.realigned")}
          </span>
        )}
      </div>
      {realign.error && <ErrorBox error={realign.error} />}
    </>
  );
}

/** AlignmentEditor lets an analyst move dimensions between groups, rename groups and save the whole alignment. */
function AlignmentEditor({ v }: { v: ComparisonView }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [base, setBase] = useState(v.alignment);
  const [draft, setDraft] = useState<DraftGroup[]>(() => draftOf(v.alignment ?? []));
  // A new answer from the server (a save, a refetch) restarts the draft.
  if (base !== v.alignment) {
    setBase(v.alignment);
    setDraft(draftOf(v.alignment ?? []));
  }
  const [saved, setSaved] = useState(false);
  const save = useMutation({
    mutationFn: () => api.correctAlignment(v.id, toPatch(draft)),
    onSuccess: (nv) => {
      qc.setQueryData(["comparison", v.id], nv);
      void qc.invalidateQueries({ queryKey: ["comparisons"] });
      setSaved(true);
    },
  });
  const dirty = !sameAlignment(toPatch(draft), v.alignment ?? []);
  const byID = new Map(v.products.map((p) => [p.id, p]));
  const order = ["product", "scenario", "emotion"];
  const kinds = Array.from(new Set(draft.map((g) => g.kind))).sort((a, b) => (order.indexOf(a) + 1 || 9) - (order.indexOf(b) + 1 || 9));
  return (
    <section className="panel" data-testid="alignment-editor">
      <h2>{t("compare.editor")}</h2>
      <p className="hint">{t("compare.editorHint")}</p>
      {kinds.map((k) => (
        <div key={k} className="align-kind">
          <h3>{t("dimKind." + k, { defaultValue: k })}</h3>
          <ul className="align-groups">
            {draft
              .filter((g) => g.kind === k)
              .map((g) => (
                <li key={g.uid} className="card align-group" data-testid="align-group" data-size={g.members.length}>
                  <label className="stack">
                    <span className="muted small">{t("compare.groupName")}</span>
                    <input value={g.name} maxLength={200} onChange={(e) => setDraft(renameGroup(draft, g.uid, e.target.value))} data-testid="group-name" />
                  </label>
                  <ul className="align-members">
                    {g.members.map((m) => (
                      <li key={m.dimension_id} data-testid="align-member" data-dimension={m.dimension_id}>
                        <span className="member-name">
                          <span className="muted">{label(byID.get(m.product_id))}:</span> {m.name}
                        </span>
                        <label>
                          <span className="sr-only">{t("compare.moveLabel", { name: m.name ?? "", product: label(byID.get(m.product_id)) })}</span>
                          <select
                            value={g.uid}
                            onChange={(e) => {
                              setSaved(false);
                              setDraft(moveDimension(draft, m.dimension_id, e.target.value));
                            }}
                            data-testid="move"
                          >
                            <option value={g.uid}>{t("compare.stay", { name: g.name })}</option>
                            {g.members.length > 1 && <option value={ALONE}>{t("compare.alone")}</option>}
                            {draft
                              .filter((o) => o.kind === g.kind && o.uid !== g.uid)
                              .map((o) => (
                                <option key={o.uid} value={o.uid}>
                                  {t("compare.moveTo", { name: o.name })}
                                </option>
                              ))}
                          </select>
                        </label>
                      </li>
                    ))}
                  </ul>
                </li>
              ))}
          </ul>
        </div>
      ))}
      <div className="row wrap">
        <button type="button" className="primary" disabled={!dirty || save.isPending} onClick={() => save.mutate()} data-testid="save-alignment">
          {t("compare.saveAlignment")}
        </button>
        <button type="button" disabled={!dirty || save.isPending} onClick={() => setDraft(draftOf(v.alignment ?? []))}>
          {t("compare.discard")}
        </button>
        {dirty && <span className="muted">{t("compare.unsaved")}</span>}
        {saved && !dirty && (
          <span className="notice" role="status">
            {t("compare.savedAlignment")}
          </span>
        )}
      </div>
      {save.error && <ErrorBox error={save.error} />}
    </section>
  );
}
