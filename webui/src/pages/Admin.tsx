// Users and API tokens (admins), when the server has accounts.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { api, type Item } from "../api";
import { useSession } from "../App";
import { ItemTable } from "../components/ItemTable";
import { ErrorBox, Loading } from "../components/Status";

export function AdminPage() {
  const { t } = useTranslation();
  const { caps } = useSession();
  const hasUsers = caps.has("get", "/api/v1/users");
  const tokensPath = caps.find("get", /^\/api\/v1\/(admin\/)?tokens$/);
  return (
    <main>
      <h1>{t("admin.title")}</h1>
      {!hasUsers && !tokensPath && <p className="empty">{t("admin.unavailable")}</p>}
      {hasUsers && <Users />}
      {tokensPath && <Tokens path={tokensPath.replace("/api/v1", "")} />}
    </main>
  );
}

function Users() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const q = useQuery({ queryKey: ["users"], queryFn: ({ signal }) => api.list("/users", signal) });
  const [email, setEmail] = useState("");
  const [role, setRole] = useState("analyst");
  const [password, setPassword] = useState("");
  const create = useMutation({
    mutationFn: () => api.post("/users", { email, role, password, name: email.split("@")[0] }),
    onSuccess: () => {
      setEmail("");
      setPassword("");
      void qc.invalidateQueries({ queryKey: ["users"] });
    },
  });
  return (
    <section className="panel">
      <h2>{t("admin.users")}</h2>
      {q.isPending && <Loading />}
      {q.error && <ErrorBox error={q.error} retry={() => q.refetch()} />}
      {q.data && <ItemTable items={q.data.map(({ password_hash: _p, ...rest }: Item) => rest)} />}
      <form
        className="row wrap"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate();
        }}
      >
        <label>
          {t("login.email")}
          <input type="email" value={email} onChange={(e) => setEmail(e.target.value)} required />
        </label>
        <label>
          {t("login.password")}
          <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="new-password" required minLength={8} />
        </label>
        <label>
          {t("admin.role")}
          <select value={role} onChange={(e) => setRole(e.target.value)}>
            {["viewer", "analyst", "admin"].map((r) => (
              <option key={r} value={r}>
                {t("role." + r)}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="primary">
          {t("admin.addUser")}
        </button>
      </form>
      {create.error && <ErrorBox error={create.error} />}
    </section>
  );
}

function Tokens({ path }: { path: string }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const q = useQuery({ queryKey: ["tokens"], queryFn: ({ signal }) => api.list(path, signal) });
  const [name, setName] = useState("");
  const [secret, setSecret] = useState("");
  const create = useMutation({
    mutationFn: () => api.post(path, { name }),
    onSuccess: (r) => {
      setSecret(String(r.token ?? r.secret ?? ""));
      setName("");
      void qc.invalidateQueries({ queryKey: ["tokens"] });
    },
  });
  const revoke = useMutation({ mutationFn: (id: unknown) => api.del(path + "/" + String(id)), onSuccess: () => qc.invalidateQueries({ queryKey: ["tokens"] }) });
  return (
    <section className="panel">
      <h2>{t("admin.tokens")}</h2>
      {q.error && <ErrorBox error={q.error} retry={() => q.refetch()} />}
      {q.data && (
        <ItemTable
          items={q.data.map(({ token: _t, secret: _s, hash: _h, ...rest }: Item) => rest)}
          actions={(it) => (
            <button type="button" className="danger" onClick={() => revoke.mutate(it.id)}>
              {t("share.revoke")}
            </button>
          )}
        />
      )}
      <form
        className="row wrap"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate();
        }}
      >
        <label>
          {t("admin.tokenName")}
          <input value={name} onChange={(e) => setName(e.target.value)} required />
        </label>
        <button type="submit">{t("admin.addToken")}</button>
      </form>
      {secret && (
        <p className="notice" role="status">
          {t("admin.tokenOnce")} <code>{secret}</code>
        </p>
      )}
      {create.error && <ErrorBox error={create.error} />}
    </section>
  );
}
