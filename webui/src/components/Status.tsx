// Loading, error and empty states. Errors are always words with a retry:
// never raw JSON or a stack trace.
import { useTranslation } from "react-i18next";
import { ApiError } from "../api";

export function errorText(t: (k: string) => string, e: unknown): string {
  if (e instanceof ApiError) {
    if (e.status === 0) return t("error.network");
    if (e.status === 401) return t("error.session");
    if (e.status === 403) return t("error.forbidden");
    if (e.status === 404) return t("error.notFound");
    if (e.status >= 500) return t("error.server");
    const details = (e.problem.errors ?? []).map((x) => x.message).filter(Boolean);
    return [e.problem.detail || e.problem.title, ...details].filter(Boolean).join(" — ");
  }
  return t("error.unexpected");
}

export function ErrorBox({ error, retry }: { error: unknown; retry?: () => void }) {
  const { t } = useTranslation();
  return (
    <div className="error" role="alert">
      <p>{errorText(t, error)}</p>
      {retry && (
        <button type="button" onClick={retry}>
          {t("action.retry")}
        </button>
      )}
    </div>
  );
}

export function Loading() {
  const { t } = useTranslation();
  return (
    <p className="muted" role="status">
      {t("status.loading")}
    </p>
  );
}

export function Progress({ value, label }: { value: number; label: string }) {
  const pct = Math.max(0, Math.min(100, Math.round(value * 100)));
  return (
    <div className="bar" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct} aria-label={label}>
      <span style={{ width: pct + "%" }} />
    </div>
  );
}
