// Small DOM builders. Strings only ever become text nodes or attribute
// values: nothing here parses markup, so user and server text cannot turn
// into elements or scripts. Event handlers are functions, never strings.
import { safeHref } from "./format.js";
const URL_ATTRS = new Set(["href", "src", "action", "formaction", "xlink:href"]);
function setProps(el, props) {
    if (!props)
        return;
    for (const [name, value] of Object.entries(props)) {
        if (value == null || value === false)
            continue;
        if (name.startsWith("on")) {
            if (typeof value !== "function")
                throw new Error("handler " + name + " must be a function");
            el.addEventListener(name.slice(2).toLowerCase(), value);
            continue;
        }
        if (typeof value === "function")
            throw new Error("attribute " + name + " cannot be a function");
        if (name === "style")
            throw new Error("inline styles are blocked by the CSP; use a class");
        let v = value === true ? "" : String(value);
        if (URL_ATTRS.has(name))
            v = safeHref(v);
        el.setAttribute(name, v);
    }
}
function append(el, children) {
    for (const c of children) {
        if (c == null || c === false || c === true)
            continue;
        if (Array.isArray(c))
            append(el, c);
        else if (c instanceof Node)
            el.appendChild(c);
        else
            el.appendChild(document.createTextNode(String(c)));
    }
}
/** h creates an HTML element with attributes, handlers and text or node children. */
export function h(tag, props, ...children) {
    const el = document.createElement(tag);
    setProps(el, props);
    append(el, children);
    return el;
}
const SVG_NS = "http://www.w3.org/2000/svg";
/** s creates an SVG element (createElementNS) the same way. */
export function s(tag, props, ...children) {
    const el = document.createElementNS(SVG_NS, tag);
    setProps(el, props);
    append(el, children);
    return el;
}
/** replace empties el and appends children. */
export function replace(el, ...children) {
    el.replaceChildren();
    append(el, children);
}
/** text creates a text node. */
export function text(v) {
    return document.createTextNode(v == null ? "" : String(v));
}
/** badge is a small pill whose class comes from a whitelisted tone. */
export function badge(label, toneClass) {
    return h("span", { class: "badge " + toneClass }, label);
}
/** field wraps a form control with its label. */
export function field(label, control, hint) {
    return h("label", { class: "field" }, h("span", { class: "label" }, label), control, hint ? h("span", { class: "hint" }, hint) : null);
}
/** option builds an <option>, selected when value === current. */
export function option(value, label, current) {
    const o = h("option", { value }, label);
    if (value === current)
        o.selected = true;
    return o;
}
