import { useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate, useSearchParams } from "react-router";
import { api } from "../api";
import { LanguageSwitch } from "../App";
import { ErrorBox } from "../components/Status";
import { setLanguage, userLanguage } from "../i18n";

/** safeNext keeps only same-site paths, so ?next= cannot send the user elsewhere. */
export function safeNext(next: string | null): string {
  return next && next.startsWith("/") && !next.startsWith("//") && !next.startsWith("/login") ? next : "/";
}

export function LoginPage() {
  const { t, i18n } = useTranslation();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const [mode, setMode] = useState<"password" | "token">("token");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    setBusy(true);
    setError(null);
    try {
      const me =
        mode === "token"
          ? await api.login({ token: String(f.get("token") ?? "").trim() })
          : await api.login({ email: String(f.get("email") ?? "").trim(), password: String(f.get("password") ?? "") });
      // The language the user chose, in whatever browser, replaces this one's.
      const lang = userLanguage(me.language, i18n.language);
      if (lang) setLanguage(lang);
      e.currentTarget?.reset();
      qc.clear();
      navigate(safeNext(params.get("next")), { replace: true });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="login">
      <div className="login-lang">
        <LanguageSwitch />
      </div>
      <h1>{t("login.title")}</h1>
      {params.get("next") && <p className="muted">{t("login.expired")}</p>}
      <div className="tabs" role="tablist">
        <button type="button" role="tab" aria-selected={mode === "token"} onClick={() => setMode("token")}>
          {t("login.withToken")}
        </button>
        <button type="button" role="tab" aria-selected={mode === "password"} onClick={() => setMode("password")}>
          {t("login.withPassword")}
        </button>
      </div>
      <form onSubmit={submit} className="card stack">
        {mode === "token" ? (
          <label>
            {t("login.token")}
            <input name="token" type="password" autoComplete="off" required />
          </label>
        ) : (
          <>
            <label>
              {t("login.email")}
              <input name="email" type="email" autoComplete="username" required />
            </label>
            <label>
              {t("login.password")}
              <input name="password" type="password" autoComplete="current-password" required />
            </label>
          </>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {t("login.submit")}
        </button>
        {error != null && <ErrorBox error={error} />}
      </form>
    </main>
  );
}
