// Model editor: rename, redefine, merge, delete and add a product's
// dimensions and 5W labels, then re-run the analysis on the edited model.

import * as api from "../api.js";
import { h, option, replace } from "../dom.js";
import { DIMENSION_KINDS, fmtInt, fmtTime, href, LABEL_TYPES, plural } from "../format.js";
import { errorBox, isAbort, loading, notice, showError, type Ctx } from "../ui.js";

interface Item {
  id: number;
  group: string;
  name: string;
  definition: string;
}

/** Collection describes dimensions or labels, which the API edits the same way. */
interface Collection {
  what: api.ModelItem;
  noun: string;
  groupKey: "kind" | "type";
  groups: readonly string[];
  children: string;
  items: (m: api.Model) => Item[];
}

const DIMENSIONS: Collection = {
  what: "dimensions",
  noun: "dimension",
  groupKey: "kind",
  groups: DIMENSION_KINDS,
  children: "insights",
  items: (m) => (m.dimensions ?? []).map((d) => ({ id: d.id, group: d.kind, name: d.name, definition: d.definition })),
};

const LABELS: Collection = {
  what: "labels",
  noun: "label",
  groupKey: "type",
  groups: LABEL_TYPES,
  children: "tags",
  items: (m) => (m.labels ?? []).map((l) => ({ id: l.id, group: l.type, name: l.name, definition: l.definition })),
};

/** editSummary says what an edit did, in words. */
function editSummary(e: api.ModelEdit): string {
  const parts = ["Saved as model version " + e.model_version + "."];
  if (e.insights_deleted != null) parts.push(plural(e.insights_deleted, "insight") + " deleted.");
  if (e.insights_moved != null) parts.push(plural(e.insights_moved, "insight") + " moved.");
  if (e.tags_deleted != null) parts.push(plural(e.tags_deleted, "tag") + " deleted.");
  if (e.tags_moved != null) parts.push(plural(e.tags_moved, "tag") + " moved.");
  parts.push("Re-run the analysis to apply the model to insights, themes and the report.");
  return parts.join(" ");
}

export async function modelView(root: HTMLElement, ctx: Ctx, productID: number): Promise<void> {
  ctx.setTitle("Model");
  const title = h("h2", null, "Model");
  const status = h("div", { "aria-live": "polite" });
  const body = h("div", null, loading());
  const rerunBtn = h("button", { type: "button" }, "Re-run analysis");
  root.append(
    h(
      "section",
      { class: "card" },
      h("div", { class: "crumbs" }, h("a", { href: href(["products"]) }, "Products"), " / ", h("a", { href: href(["products", productID]) }, "Product " + productID), " / Model"),
      h("div", { class: "head" }, title, rerunBtn),
      h("p", { class: "hint" }, "Each edit is saved at once as a new model version. Existing insights, tags and reports are not recomputed until you re-run the analysis (translations are kept)."),
      status,
    ),
    body,
  );

  const say = (msg: string | null, err?: unknown) => {
    if (err != null) replace(status, errorBox(err));
    else if (msg) replace(status, notice(msg));
    else replace(status);
  };

  rerunBtn.addEventListener("click", async () => {
    if (!confirm("Re-run insights, themes and the report on the current model? This spends LLM calls for every review.")) return;
    rerunBtn.disabled = true;
    try {
      const r = await api.rerun(productID);
      replace(
        status,
        h("p", { class: "notice", role: "status" }, "Analysis #" + r.analysis_id + " queued (" + fmtInt(r.jobs) + " jobs). ", h("a", { href: href(["products", productID]) }, "Follow its progress")),
      );
    } catch (err) {
      say(null, err);
    } finally {
      rerunBtn.disabled = false;
    }
  });

  api
    .getProduct(productID, ctx.signal)
    .then((p) => {
      title.textContent = "Model of " + (p.title || p.asin);
      ctx.setTitle("Model · " + (p.title || p.asin));
    })
    .catch(() => {});

  const reload = async () => {
    let m: api.Model;
    try {
      m = await api.getModel(productID, ctx.signal);
    } catch (err) {
      if (!isAbort(err)) replace(body, h("section", { class: "card" }, errorBox(err)));
      return;
    }
    rerunBtn.disabled = m.version === 0;
    const edited = async (p: Promise<api.ModelEdit>) => {
      try {
        say(editSummary(await p));
        await reload();
        return true;
      } catch (err) {
        say(null, err);
        return false;
      }
    };
    replace(
      body,
      m.version === 0 ? h("section", { class: "card" }, h("p", { class: "muted" }, "No model yet: the first analysis learns one. Edits are possible after that.")) : null,
      collectionCard("Dimensions", DIMENSIONS, m, productID, edited),
      collectionCard("5W labels", LABELS, m, productID, edited),
      versionsCard(m),
    );
  };
  await reload();
}

type Edited = (p: Promise<api.ModelEdit>) => Promise<boolean>;

function collectionCard(heading: string, c: Collection, m: api.Model, productID: number, edited: Edited): HTMLElement {
  const items = c.items(m);
  const groups = c.groups.map((g) => {
    const inGroup = items.filter((i) => i.group === g);
    return h(
      "div",
      { class: "group" },
      h("h3", null, g, h("span", { class: "muted small" }, " (" + inGroup.length + ")")),
      inGroup.length
        ? h("table", { class: "list model" }, h("tbody", null, inGroup.map((i) => itemRow(c, i, inGroup, productID, edited))))
        : h("p", { class: "muted small" }, "none"),
    );
  });
  return h("section", { class: "card" }, h("h2", null, heading + " ", h("span", { class: "muted small" }, "version " + m.version)), groups, addForm(c, productID, edited, m.version === 0));
}

function itemRow(c: Collection, item: Item, siblings: readonly Item[], productID: number, edited: Edited): HTMLTableRowElement {
  const row = h("tr");
  const view = () => {
    const others = siblings.filter((s) => s.id !== item.id);
    const target = h("select", { "aria-label": "Merge " + item.name + " into" }, option("", "merge into…"), others.map((o) => option(String(o.id), o.name)));
    const mergeBtn = h("button", { type: "button", class: "secondary small" }, "Merge");
    mergeBtn.disabled = others.length === 0;
    mergeBtn.addEventListener("click", () => {
      const into = others.find((o) => String(o.id) === target.value);
      if (!into) {
        target.focus();
        return;
      }
      if (!confirm("Merge " + c.noun + " “" + item.name + "” into “" + into.name + "”? Its " + c.children + " move there and it is deleted.")) return;
      void edited(api.mergeItem(productID, c.what, item.id, into.id));
    });
    const delBtn = h("button", { type: "button", class: "danger small" }, "Delete");
    delBtn.addEventListener("click", () => {
      if (!confirm("Delete " + c.noun + " “" + item.name + "” and all its " + c.children + "?")) return;
      void edited(api.deleteItem(productID, c.what, item.id));
    });
    const editBtn = h("button", { type: "button", class: "secondary small", title: "Rename or redefine" }, "Edit");
    editBtn.addEventListener("click", edit);
    replace(
      row,
      h("td", { class: "name" }, h("strong", null, item.name), h("div", { class: "muted small" }, "#" + item.id)),
      h("td", { class: "definition" }, item.definition || h("span", { class: "muted" }, "no definition")),
      h("td", { class: "ops" }, editBtn, " ", target, " ", mergeBtn, " ", delBtn),
    );
  };
  const edit = () => {
    const name = h("input", { type: "text", value: item.name, required: true, maxlength: 80, "aria-label": "Name" });
    const def = h("textarea", { rows: 2, maxlength: 300, "aria-label": "Definition" }, item.definition);
    const save = h("button", { type: "submit", class: "small" }, "Save");
    const cancel = h("button", { type: "button", class: "secondary small" }, "Cancel");
    cancel.addEventListener("click", view);
    const form = h("form", { class: "inline-edit" }, name, def, h("div", { class: "row" }, save, cancel));
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      const patch: { name?: string; definition?: string } = {};
      if (name.value.trim() !== item.name) patch.name = name.value.trim();
      if (def.value.trim() !== item.definition) patch.definition = def.value.trim();
      if (!patch.name && patch.definition === undefined) {
        view();
        return;
      }
      save.disabled = true;
      if (!(await edited(api.patchItem(productID, c.what, item.id, patch)))) save.disabled = false;
    });
    replace(row, h("td", { colspan: 3 }, form));
    name.focus();
  };
  view();
  return row;
}

function addForm(c: Collection, productID: number, edited: Edited, disabled: boolean): HTMLElement {
  const group = h("select", { "aria-label": c.groupKey }, c.groups.map((g) => option(g, g)));
  const name = h("input", { type: "text", required: true, maxlength: 80, placeholder: "name", "aria-label": "Name" });
  const def = h("input", { type: "text", maxlength: 300, placeholder: "definition (optional)", "aria-label": "Definition", size: 40 });
  const add = h("button", { type: "submit", class: "secondary" }, "Add " + c.noun);
  const err = h("div");
  const form = h("form", { class: "row add" }, group, name, def, add, err);
  add.disabled = disabled;
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    if (!name.value.trim()) {
      showError(err, new Error("Give the " + c.noun + " a name."));
      return;
    }
    showError(err, null);
    add.disabled = true;
    const body: Record<string, string> = { [c.groupKey]: group.value, name: name.value.trim() };
    if (def.value.trim()) body["definition"] = def.value.trim();
    if (!(await edited(api.createItem(productID, c.what, body)))) add.disabled = false;
  });
  return h("details", { class: "add" }, h("summary", null, "Add a " + c.noun), form);
}

function versionsCard(m: api.Model): HTMLElement {
  const vs = m.versions ?? [];
  return h(
    "section",
    { class: "card" },
    h("details", null, h("summary", null, "Version history (" + vs.length + ")"), h("ul", null, vs.map((v) => h("li", null, "v" + v.version + " · " + v.source + " · " + fmtTime(v.created_at))))),
  );
}
