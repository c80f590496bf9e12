// The model editor: dimensions and 5W labels with their review counts and
// example quotes, merge suggestions, rename/redefine/merge/delete/add,
// undo of the last reversible edit, re-run, and "switch model language"
// when the server offers it.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate, useParams } from "react-router";
import { api } from "../api";
import { useSession } from "../App";
import { useModel } from "../components/FilterBar";
import { ProductNav } from "../components/ProductNav";
import { ErrorBox, Loading } from "../components/Status";
import { similar } from "../text";

type What = "dimensions" | "labels";
interface Item {
  id: number;
  group: string;
  name: string;
  definition: string;
  count: number;
}
interface Undo {
  label: string;
  run: () => Promise<unknown>;
}

export function ModelPage() {
  const { t } = useTranslation();
  const id = Number(useParams().id);
  const qc = useQueryClient();
  const navigate = useNavigate();
  const { caps } = useSession();
  const model = useModel(id);
  const counts = useQuery({ queryKey: ["dashboard", id, ""], queryFn: ({ signal }) => api.dashboard(id, new URLSearchParams(), signal) });
  const [undo, setUndo] = useState<Undo | null>(null);
  const [error, setError] = useState<unknown>(null);
  const refresh = () => {
    void qc.invalidateQueries({ queryKey: ["model", id] });
    void qc.invalidateQueries({ queryKey: ["dashboard", id] });
  };
  const run = async (fn: () => Promise<unknown>, u?: Undo) => {
    setError(null);
    try {
      await fn();
      setUndo(u ?? null);
      refresh();
    } catch (e) {
      setError(e);
    }
  };
  const rerun = useMutation({ mutationFn: () => api.rerun(id), onSuccess: () => navigate(`/products/${id}/pipeline`) });
  const langPath = caps.find("post", /^\/api\/v1\/products\/\{[^}]+\}\/(model\/)?(language|switch-language)$/);
  const [lang, setLang] = useState("en");

  const dims: Item[] = useMemo(() => {
    const c = new Map((counts.data?.dimensions ?? []).map((d) => [d.id, d.reviews]));
    return (model.data?.dimensions ?? []).map((d) => ({ id: d.id, group: d.kind, name: d.name, definition: d.definition, count: c.get(d.id) ?? 0 }));
  }, [model.data, counts.data]);
  const labels: Item[] = useMemo(() => {
    const c = new Map((counts.data?.five_w ?? []).flatMap((w) => w.labels.map((l) => [l.id, l.reviews] as const)));
    return (model.data?.labels ?? []).map((l) => ({ id: l.id, group: l.type, name: l.name, definition: l.definition, count: c.get(l.id) ?? 0 }));
  }, [model.data, counts.data]);

  return (
    <main>
      <ProductNav id={id} title={t("model.title")} />
      {model.isPending && <Loading />}
      {model.error && <ErrorBox error={model.error} retry={() => model.refetch()} />}
      {model.data && (
        <>
          <div className="row wrap between">
            <p className="muted">{t("model.version", { v: model.data.version })}</p>
            <div className="row wrap">
              {undo && (
                <button type="button" onClick={() => run(undo.run)} data-testid="undo">
                  {t("model.undo", { what: undo.label })}
                </button>
              )}
              {langPath && (
                <span className="row">
                  <label>
                    <span className="sr-only">{t("model.language")}</span>
                    <select value={lang} onChange={(e) => setLang(e.target.value)} aria-label={t("model.language")}>
                      {["en", "zh", "de", "fr", "es", "ja"].map((l) => (
                        <option key={l} value={l}>
                          {t("lang." + l, { defaultValue: l })}
                        </option>
                      ))}
                    </select>
                  </label>
                  <button type="button" onClick={() => run(() => api.switchLanguage(langPath.replace(/\{[^}]+\}/, String(id)), lang))}>
                    {t("model.switchLanguage")}
                  </button>
                </span>
              )}
              <button type="button" className="primary" onClick={() => rerun.mutate()} disabled={rerun.isPending} data-testid="rerun">
                {t("model.rerun")}
              </button>
            </div>
          </div>
          {error != null && <ErrorBox error={error} />}
          {rerun.error && <ErrorBox error={rerun.error} />}
          <Section id={id} what="dimensions" items={dims} groups={["product", "scenario", "emotion"]} run={run} />
          <Section id={id} what="labels" items={labels} groups={["buyer", "user", "where", "when", "why", "what"]} run={run} />
        </>
      )}
    </main>
  );
}

function Section(props: { id: number; what: What; items: Item[]; groups: string[]; run: (fn: () => Promise<unknown>, u?: Undo) => void }) {
  const { t } = useTranslation();
  const { id, what, items, run } = props;
  const groupKey = what === "dimensions" ? "dimKind." : "fiveW.";
  const suggestions = useMemo(() => {
    const out: { from: Item; into: Item; score: number }[] = [];
    for (let i = 0; i < items.length; i++)
      for (let j = i + 1; j < items.length; j++) {
        const a = items[i]!;
        const b = items[j]!;
        if (a.group !== b.group) continue;
        const s = similar(a.name, b.name);
        if (s >= 0.6) out.push(a.count <= b.count ? { from: a, into: b, score: s } : { from: b, into: a, score: s });
      }
    return out.sort((x, y) => y.score - x.score).slice(0, 5);
  }, [items]);
  return (
    <section className="panel">
      <h2>{t("model." + what)}</h2>
      {suggestions.length > 0 && (
        <div className="suggest">
          <h3>{t("model.suggestions")}</h3>
          <ul>
            {suggestions.map((s) => (
              <li key={s.from.id + "-" + s.into.id}>
                {t("model.suggestMerge", { from: s.from.name, into: s.into.name })}{" "}
                <button type="button" onClick={() => confirm(t("model.mergeConfirm", { from: s.from.name, into: s.into.name })) && run(() => api.mergeItem(id, what, s.from.id, s.into.id))}>
                  {t("model.merge")}
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
      {props.groups.map((g) => {
        const list = items.filter((x) => x.group === g).sort((a, b) => b.count - a.count);
        return (
          <div key={g} className="group">
            <h3>{t(groupKey + g)}</h3>
            <ul className="items">
              {list.map((x) => (
                <ItemRow key={x.id} id={id} what={what} x={x} others={list.filter((o) => o.id !== x.id)} run={run} />
              ))}
            </ul>
            <AddItem id={id} what={what} group={g} run={run} />
          </div>
        );
      })}
    </section>
  );
}

function ItemRow({ id, what, x, others, run }: { id: number; what: What; x: Item; others: Item[]; run: (fn: () => Promise<unknown>, u?: Undo) => void }) {
  const { t } = useTranslation();
  const [editing, setEditing] = useState(false);
  const [open, setOpen] = useState(false);
  const [name, setName] = useState(x.name);
  const [def, setDef] = useState(x.definition);
  const [into, setInto] = useState("");
  const examples = useQuery({
    queryKey: ["examples", id, what, x.id],
    enabled: open,
    queryFn: ({ signal }) => {
      const q = new URLSearchParams({ limit: "3", sort: "helpful" });
      q.set(what === "dimensions" ? "dimension" : "label", String(x.id));
      return api.search(id, q, signal);
    },
  });
  const quotes = (examples.data?.items ?? []).flatMap((r) =>
    what === "dimensions" ? (r.insights ?? []).filter((i) => i.dimension_id === x.id).map((i) => ({ id: r.id, q: i.quote })) : (r.tags ?? []).filter((g) => g.label_id === x.id).map((g) => ({ id: r.id, q: g.quote })),
  );
  return (
    <li className="item" data-testid={"item-" + x.name}>
      {editing ? (
        <form
          className="stack"
          onSubmit={(e) => {
            e.preventDefault();
            const before = { name: x.name, definition: x.definition };
            run(() => api.patchItem(id, what, x.id, { name: name.trim(), definition: def }), {
              label: t("model.renameOf", { name: x.name }),
              run: () => api.patchItem(id, what, x.id, before),
            });
            setEditing(false);
          }}
        >
          <label>
            {t("model.name")}
            <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} data-testid="edit-name" />
          </label>
          <label>
            {t("model.definition")}
            <input value={def} onChange={(e) => setDef(e.target.value)} maxLength={500} />
          </label>
          <div className="row">
            <button type="submit" className="primary">
              {t("action.save")}
            </button>
            <button type="button" onClick={() => setEditing(false)}>
              {t("action.cancel")}
            </button>
          </div>
        </form>
      ) : (
        <>
          <div className="row between wrap">
            <button type="button" className="link name" aria-expanded={open} onClick={() => setOpen(!open)}>
              {x.name} <span className="count">{t("model.reviews", { count: x.count })}</span>
            </button>
            <div className="row wrap actions">
              <button type="button" onClick={() => setEditing(true)}>
                {t("action.edit")}
              </button>
              <select value={into} onChange={(e) => setInto(e.target.value)} aria-label={t("model.mergeInto", { name: x.name })}>
                <option value="">{t("model.mergeInto", { name: "" })}</option>
                {others.map((o) => (
                  <option key={o.id} value={o.id}>
                    {o.name}
                  </option>
                ))}
              </select>
              <button type="button" disabled={!into} onClick={() => confirm(t("model.mergeConfirm", { from: x.name, into: others.find((o) => String(o.id) === into)?.name })) && run(() => api.mergeItem(id, what, x.id, Number(into)))}>
                {t("model.merge")}
              </button>
              <button type="button" className="danger" onClick={() => confirm(t("model.deleteConfirm", { name: x.name })) && run(() => api.deleteItem(id, what, x.id))}>
                {t("action.delete")}
              </button>
            </div>
          </div>
          {x.definition && <p className="muted">{x.definition}</p>}
          {open && (
            <ul className="quotes">
              {examples.isPending && <li>{t("status.loading")}</li>}
              {examples.data && quotes.length === 0 && <li className="muted">{t("model.noExamples")}</li>}
              {quotes.slice(0, 3).map((q, i) => (
                <li key={i}>
                  “{q.q}” <a href={`/reviews/${q.id}?quote=${encodeURIComponent(q.q)}`}>#{q.id}</a>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </li>
  );
}

function AddItem({ id, what, group, run }: { id: number; what: What; group: string; run: (fn: () => Promise<unknown>, u?: Undo) => void }) {
  const { t } = useTranslation();
  const [name, setName] = useState("");
  return (
    <form
      className="row add"
      onSubmit={(e) => {
        e.preventDefault();
        const body: Record<string, string> = { name: name.trim(), definition: "" };
        body[what === "dimensions" ? "kind" : "type"] = group;
        run(async () => {
          const res = (await api.createItem(id, what, body)) as { dimension?: { id: number }; label?: { id: number } };
          const newID = res?.dimension?.id ?? res?.label?.id;
          return newID;
        });
        setName("");
      }}
    >
      <label className="grow">
        <span className="sr-only">{t("model.add")}</span>
        <input value={name} onChange={(e) => setName(e.target.value)} placeholder={t("model.addPlaceholder")} required maxLength={100} />
      </label>
      <button type="submit">{t("model.add")}</button>
    </form>
  );
}
