// Upload: file, product, target language; an optional mapping preview; an
// explicit "no rating column" choice. The same check runs with and without
// the preview: before sending, the mapping is previewed (silently when the
// user skipped it), so a file is accepted or refused for the same reasons.
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import { api, ApiError } from "../api";
import { ErrorBox, Progress } from "../components/Status";

const FIELDS = ["body", "rating", "title", "review_date", "variant", "author", "review_id", "helpful_votes", "verified_purchase"];
const NONE = "";

interface PreviewData {
  headers: string[];
  mapping: Record<string, string>;
  missing: string[];
  rows: { row: number; review?: { rating: number; title: string; body: string; review_date?: string } | null; rejections?: { column: string; reason: string }[] }[];
}

/** normalisePreview reads the preview answer in snake_case or Go field names. */
export function normalisePreview(raw: Record<string, unknown>): PreviewData {
  const pick = (a: string, b: string) => raw[a] ?? raw[b];
  return {
    headers: (pick("headers", "Headers") as string[] | null) ?? [],
    mapping: (pick("mapping", "Mapping") as Record<string, string> | null) ?? {},
    missing: (pick("missing", "Missing") as string[] | null) ?? [],
    rows: (pick("rows", "Rows") as PreviewData["rows"] | null) ?? [],
  };
}

/** previewBlob sends at most 1 MiB of a line-based file: enough for the preview rows. */
function previewBlob(file: File): Blob {
  const lineBased = /\.(csv|tsv|txt|jsonl|ndjson)$/i.test(file.name);
  if (!lineBased || file.size <= 1 << 20) return file;
  return file.slice(0, 1 << 20);
}

export function UploadPage() {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<PreviewData | null>(null);
  const [mapping, setMapping] = useState<Record<string, string>>({});
  const [noRating, setNoRating] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [problem, setProblem] = useState<string>("");
  const [sending, setSending] = useState<number | null>(null);

  const runPreview = async (form: HTMLFormElement, m?: Record<string, string>) => {
    if (!file) return null;
    const fd = new FormData();
    fd.set("file", previewBlob(file), file.name);
    fd.set("asin", String(new FormData(form).get("asin") ?? "") || "PREVIEW0");
    if (m) fd.set("mapping", JSON.stringify(m));
    return normalisePreview(await api.preview(fd));
  };

  const onPreview = async (e: React.MouseEvent<HTMLButtonElement>) => {
    const form = e.currentTarget.form!;
    setError(null);
    setProblem("");
    try {
      const p = await runPreview(form);
      if (!p) return;
      setPreview(p);
      setMapping(p.mapping);
      if (!p.mapping.rating) setNoRating(false);
    } catch (err) {
      setError(err);
    }
  };

  const effective = (base: Record<string, string>): Record<string, string> => {
    const m: Record<string, string> = {};
    for (const [k, v] of Object.entries(base)) if (v) m[k] = v;
    if (noRating) m.rating = "";
    return m;
  };

  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    if (!file) return;
    setError(null);
    setProblem("");
    try {
      // The same check with and without the preview.
      const base = preview ? mapping : ((await runPreview(form))?.mapping ?? {});
      const m = effective(base);
      const check = await runPreview(form, m);
      if (check && check.missing.length > 0) {
        setPreview(check);
        setMapping(base);
        setProblem(check.missing.map((f) => t("upload.missing." + f, { defaultValue: f })).join(" "));
        return;
      }
      const fd = new FormData(form);
      fd.delete("no_rating");
      fd.set("mapping", JSON.stringify(m));
      setSending(0);
      const res = await api.createUpload(fd, setSending);
      navigate(`/products/${res.product_id}/pipeline`);
    } catch (err) {
      setSending(null);
      setError(err instanceof ApiError || err instanceof Error ? err : new Error(String(err)));
    }
  };

  return (
    <main>
      <h1>{t("upload.title")}</h1>
      <form className="card stack" onSubmit={submit}>
        <label>
          {t("upload.file")}
          <input
            type="file"
            name="file"
            required
            accept=".csv,.tsv,.txt,.xlsx,.json,.jsonl,.ndjson"
            onChange={(e) => {
              setFile(e.target.files?.[0] ?? null);
              setPreview(null);
              setProblem("");
            }}
            data-testid="file"
          />
        </label>
        <p className="hint">{t("upload.formats")}</p>
        <div className="row wrap">
          <label>
            {t("upload.asin")}
            <input name="asin" required minLength={5} maxLength={20} pattern="[A-Za-z0-9]+" data-testid="asin" />
          </label>
          <label>
            {t("upload.marketplace")}
            <input name="marketplace" defaultValue="US" maxLength={8} />
          </label>
          <label>
            {t("upload.targetLanguage")}
            <select name="target_language" defaultValue={i18n.language === "zh" ? "zh" : "en"}>
              {["zh", "en", "de", "fr", "es", "ja", "it"].map((l) => (
                <option key={l} value={l}>
                  {t("lang." + l, { defaultValue: l })}
                </option>
              ))}
            </select>
          </label>
        </div>
        <label className="check">
          <input type="checkbox" name="no_rating" checked={noRating} onChange={(e) => setNoRating(e.target.checked)} data-testid="no-rating" />
          {t("upload.noRating")}
        </label>
        <div className="row">
          <button type="button" onClick={onPreview} disabled={!file} data-testid="preview">
            {t("upload.preview")}
          </button>
          <button type="submit" className="primary" disabled={!file || sending != null} data-testid="submit">
            {t("upload.submit")}
          </button>
        </div>
        {sending != null && <Progress value={sending} label={t("upload.sending")} />}
        {problem && (
          <p className="error" role="alert">
            {problem}
          </p>
        )}
        {error != null && <ErrorBox error={error} />}
        {preview && (
          <section aria-label={t("upload.mapping")} data-testid="mapping">
            <h2>{t("upload.mapping")}</h2>
            <div className="mapping">
              {FIELDS.map((f) => (
                <label key={f}>
                  {t("field." + f)}
                  <select
                    value={f === "rating" && noRating ? "__none__" : (mapping[f] ?? NONE)}
                    onChange={(e) => {
                      if (f === "rating") setNoRating(e.target.value === "__none__");
                      setMapping({ ...mapping, [f]: e.target.value === "__none__" ? "" : e.target.value });
                    }}
                  >
                    <option value={NONE}>{t("upload.notMapped")}</option>
                    {f === "rating" && <option value="__none__">{t("upload.noRatingOption")}</option>}
                    {preview.headers.map((h) => (
                      <option key={h} value={h}>
                        {h}
                      </option>
                    ))}
                  </select>
                </label>
              ))}
            </div>
            <div className="scroll">
              <table>
                <thead>
                  <tr>
                    <th>#</th>
                    <th>{t("field.rating")}</th>
                    <th>{t("field.title")}</th>
                    <th>{t("field.body")}</th>
                  </tr>
                </thead>
                <tbody>
                  {preview.rows.slice(0, 8).map((r) => (
                    <tr key={r.row}>
                      <td>{r.row}</td>
                      <td>{r.review ? r.review.rating || "–" : ""}</td>
                      <td>{r.review?.title}</td>
                      <td className="clip">{r.review ? r.review.body : (r.rejections ?? []).map((x) => x.reason).join("; ")}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
        )}
      </form>
    </main>
  );
}
