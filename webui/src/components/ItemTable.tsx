// ItemTable renders a list of records whose shape this app does not know
// in advance (accounts, audit events) as a table of text: nested values
// are flattened to "key: value" text, never shown as raw JSON.
import { useTranslation } from "react-i18next";
import type { Item } from "../api";

export function cellText(v: unknown): string {
  if (v == null) return "";
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (Array.isArray(v)) return v.map(cellText).join(", ");
  if (typeof v === "object")
    return Object.entries(v as Record<string, unknown>)
      .map(([k, x]) => `${k}: ${cellText(x)}`)
      .join("; ");
  return "";
}

export function ItemTable({ items, columns, actions }: { items: Item[]; columns?: string[]; actions?: (it: Item) => React.ReactNode }) {
  const { t } = useTranslation();
  if (items.length === 0) return <p className="empty">{t("status.empty")}</p>;
  const cols = columns ?? Object.keys(items[0] ?? {}).slice(0, 8);
  return (
    <div className="scroll">
      <table>
        <thead>
          <tr>
            {cols.map((c) => (
              <th key={c}>{t("col." + c, { defaultValue: c.replace(/_/g, " ") })}</th>
            ))}
            {actions && <th />}
          </tr>
        </thead>
        <tbody>
          {items.map((it, i) => (
            <tr key={String(it.id ?? i)}>
              {cols.map((c) => (
                <td key={c}>{cellText(it[c])}</td>
              ))}
              {actions && <td>{actions(it)}</td>}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
