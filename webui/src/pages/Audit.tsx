import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api } from "../api";
import { useSession } from "../App";
import { ItemTable } from "../components/ItemTable";
import { ErrorBox, Loading } from "../components/Status";

export function AuditPage() {
  const { t } = useTranslation();
  const { caps } = useSession();
  const available = caps.has("get", "/api/v1/audit");
  const q = useQuery({ queryKey: ["audit"], queryFn: ({ signal }) => api.list("/audit", signal), enabled: available });
  return (
    <main>
      <h1>{t("audit.title")}</h1>
      {!available && <p className="empty">{t("common.unavailable")}</p>}
      {available && q.isPending && <Loading />}
      {q.error && <ErrorBox error={q.error} retry={() => q.refetch()} />}
      {q.data && <ItemTable items={q.data} />}
    </main>
  );
}
