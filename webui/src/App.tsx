// App: the session gate, the header and the routes. A 401 anywhere sends
// the user to sign-in with ?next= the current view, and back after.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { createContext, useContext, useEffect, useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { Link, NavLink, Navigate, Route, Routes, useLocation, useNavigate } from "react-router";
import { api, capabilities, setUnauthorizedHandler, type Capabilities, type Me } from "./api";
import { ErrorBox, Loading } from "./components/Status";
import i18n, { LANGS, setLanguage, userLanguage } from "./i18n";
import { AdminPage } from "./pages/Admin";
import { AuditPage } from "./pages/Audit";
import { ComparisonPage } from "./pages/Comparison";
import { ComparisonsPage } from "./pages/Comparisons";
import { DashboardPage } from "./pages/Dashboard";
import { LoginPage } from "./pages/Login";
import { ModelPage } from "./pages/Model";
import { PipelinePage } from "./pages/Pipeline";
import { ProductsPage } from "./pages/Products";
import { ReportPage, ReportsPage } from "./pages/Reports";
import { ReviewPage } from "./pages/Review";
import { ReviewsPage } from "./pages/Reviews";
import { UploadPage } from "./pages/Upload";

interface Session {
  me: Me;
  caps: Capabilities;
}
const SessionContext = createContext<Session | null>(null);

/** useSession returns who is signed in and what the server can do. */
export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error("useSession outside the app");
  return s;
}

export function App() {
  const location = useLocation();
  const navigate = useNavigate();
  const qc = useQueryClient();
  useEffect(() => {
    setUnauthorizedHandler(() => {
      const here = window.location.pathname + window.location.search;
      if (window.location.pathname !== "/login") {
        qc.clear();
        navigate("/login?next=" + encodeURIComponent(here), { replace: true });
      }
    });
  }, [navigate, qc]);
  if (location.pathname === "/login") return <LoginPage />;
  return <Authed />;
}

function Authed() {
  const session = useQuery({
    queryKey: ["session"],
    queryFn: async ({ signal }) => {
      const me = await api.me(signal);
      return { me, caps: await capabilities(signal, me.role) };
    },
    staleTime: 5 * 60_000,
  });
  // The user's saved language wins over this browser's, at every sign-in.
  const saved = session.data?.me.language;
  useEffect(() => {
    const lang = userLanguage(saved, i18n.language);
    if (lang) setLanguage(lang);
  }, [saved]);
  if (session.isPending) return <Shell><Loading /></Shell>;
  if (session.error) return <Shell><ErrorBox error={session.error} retry={() => session.refetch()} /></Shell>;
  return (
    <SessionContext.Provider value={session.data}>
      <Shell me={session.data.me} caps={session.data.caps}>
        <Routes>
          <Route path="/" element={<ProductsPage />} />
          <Route path="/products" element={<Navigate to="/" replace />} />
          <Route path="/upload" element={<UploadPage />} />
          <Route path="/products/:id" element={<DashboardPage />} />
          <Route path="/products/:id/reviews" element={<ReviewsPage />} />
          <Route path="/products/:id/pipeline" element={<PipelinePage />} />
          <Route path="/products/:id/model" element={<ModelPage />} />
          <Route path="/products/:id/reports" element={<ReportsPage />} />
          <Route path="/reports/:id" element={<ReportPage />} />
          <Route path="/reviews/:id" element={<ReviewPage />} />
          <Route path="/comparisons" element={<ComparisonsPage />} />
          <Route path="/comparisons/:id" element={<ComparisonPage />} />
          <Route path="/admin" element={<AdminPage />} />
          <Route path="/audit" element={<AuditPage />} />
          <Route path="*" element={<NotFound />} />
        </Routes>
      </Shell>
    </SessionContext.Provider>
  );
}

function NotFound() {
  const { t } = useTranslation();
  return (
    <main>
      <h1>{t("error.pageNotFound")}</h1>
      <Link to="/">{t("nav.products")}</Link>
    </main>
  );
}

/** LanguageSwitch switches the UI language; signed in as a user (signedIn), it also saves the choice on the user. */
export function LanguageSwitch({ signedIn = false }: { signedIn?: boolean }) {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const [error, setError] = useState<unknown>(null);
  const change = async (lang: string) => {
    setLanguage(lang);
    if (!signedIn) return;
    try {
      const me = await api.saveLanguage(lang);
      setError(null);
      qc.setQueryData<{ me: Me; caps: Capabilities }>(["session"], (s) => (s ? { ...s, me: { ...s.me, language: me.language } } : s));
    } catch (e) {
      setError(e);
    }
  };
  return (
    <label className="lang">
      <span className="sr-only">{t("nav.language")}</span>
      {error != null && (
        <span className="muted" role="status" data-testid="lang-error">
          {t("error.languageNotSaved")}
        </span>
      )}
      <select value={i18n.language} onChange={(e) => void change(e.target.value)} data-testid="lang">
        {LANGS.map((l) => (
          <option key={l} value={l}>
            {l === "zh" ? "中文" : "English"}
          </option>
        ))}
      </select>
    </label>
  );
}

function Shell({ children, me, caps }: { children: ReactNode; me?: Me; caps?: Capabilities }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const signOut = async () => {
    try {
      await api.logout();
    } finally {
      qc.clear();
      navigate("/login");
    }
  };
  const isAdmin = me?.is_admin || me?.role === "admin";
  return (
    <>
      <a className="skip" href="#main">
        {t("nav.skip")}
      </a>
      <header className="top">
        <Link to="/" className="brand" aria-label="voc">
          voc
        </Link>
        <nav aria-label={t("nav.main")}>
          <NavLink to="/" end>
            {t("nav.products")}
          </NavLink>
          <NavLink to="/upload">{t("nav.upload")}</NavLink>
          <NavLink to="/comparisons">{t("nav.comparisons")}</NavLink>
          {caps?.has("get", "/api/v1/audit") && <NavLink to="/audit">{t("nav.audit")}</NavLink>}
          {(isAdmin || caps?.has("get", "/api/v1/users")) && <NavLink to="/admin">{t("nav.admin")}</NavLink>}
          <a href="/docs">{t("nav.docs")}</a>
        </nav>
        <div className="who">
          <LanguageSwitch signedIn={me?.user_id != null} />
          {me && (
            <button type="button" className="link" onClick={signOut}>
              {t("nav.signOut")}
            </button>
          )}
        </div>
      </header>
      <div id="main">{children}</div>
    </>
  );
}
