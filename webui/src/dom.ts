// Small DOM builders. Strings only ever become text nodes or attribute
// values: nothing here parses markup, so user and server text cannot turn
// into elements or scripts. Event handlers are functions, never strings.

import { safeHref } from "./format.js";

export type Child = Node | string | number | boolean | null | undefined | readonly Child[];

type Handler = (ev: Event) => void;

/** Props are attributes (string/number/boolean) and on* handlers (functions). */
export type Props = Record<string, string | number | boolean | null | undefined | Handler>;

const URL_ATTRS = new Set(["href", "src", "action", "formaction", "xlink:href"]);

function setProps(el: Element, props: Props | null | undefined): void {
  if (!props) return;
  for (const [name, value] of Object.entries(props)) {
    if (value == null || value === false) continue;
    if (name.startsWith("on")) {
      if (typeof value !== "function") throw new Error("handler " + name + " must be a function");
      el.addEventListener(name.slice(2).toLowerCase(), value);
      continue;
    }
    if (typeof value === "function") throw new Error("attribute " + name + " cannot be a function");
    if (name === "style") throw new Error("inline styles are blocked by the CSP; use a class");
    let v = value === true ? "" : String(value);
    if (URL_ATTRS.has(name)) v = safeHref(v);
    el.setAttribute(name, v);
  }
}

function append(el: Element, children: readonly Child[]): void {
  for (const c of children) {
    if (c == null || c === false || c === true) continue;
    if (Array.isArray(c)) append(el, c);
    else if (c instanceof Node) el.appendChild(c);
    else el.appendChild(document.createTextNode(String(c)));
  }
}

/** h creates an HTML element with attributes, handlers and text or node children. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props?: Props | null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  setProps(el, props);
  append(el, children);
  return el;
}

const SVG_NS = "http://www.w3.org/2000/svg";

/** s creates an SVG element (createElementNS) the same way. */
export function s<K extends keyof SVGElementTagNameMap>(
  tag: K,
  props?: Props | null,
  ...children: Child[]
): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  setProps(el, props);
  append(el, children);
  return el;
}

/** replace empties el and appends children. */
export function replace(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, children);
}

/** text creates a text node. */
export function text(v: unknown): Text {
  return document.createTextNode(v == null ? "" : String(v));
}

/** badge is a small pill whose class comes from a whitelisted tone. */
export function badge(label: string, toneClass: string): HTMLSpanElement {
  return h("span", { class: "badge " + toneClass }, label);
}

/** field wraps a form control with its label. */
export function field(label: string, control: HTMLElement, hint?: string): HTMLLabelElement {
  return h("label", { class: "field" }, h("span", { class: "label" }, label), control, hint ? h("span", { class: "hint" }, hint) : null);
}

/** option builds an <option>, selected when value === current. */
export function option(value: string, label: string, current?: string): HTMLOptionElement {
  const o = h("option", { value }, label);
  if (value === current) o.selected = true;
  return o;
}
