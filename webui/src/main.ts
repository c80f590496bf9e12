// Entry point: the header, hash routing and each view's lifetime. A view
// gets an AbortSignal that fires when the user navigates away, which stops
// its requests and polling.

import * as api from "./api.js";
import { h, replace } from "./dom.js";
import { href, parseHash, parseID, type Route } from "./format.js";
import { errorBox, user, type Ctx } from "./ui.js";
import { loginView } from "./views/login.js";
import { modelView } from "./views/model.js";
import { productView } from "./views/product.js";
import { productsView } from "./views/products.js";
import { reportsView, reportView } from "./views/report.js";
import { reviewsView } from "./views/reviews.js";
import { uploadView } from "./views/upload.js";

const main = document.getElementById("app") as HTMLElement;
const who = document.getElementById("who") as HTMLElement;
const signOut = document.getElementById("signout") as HTMLButtonElement;

let current: AbortController | null = null;

function notFound(root: HTMLElement, ctx: Ctx): void {
  ctx.setTitle("Not found");
  root.append(h("section", { class: "card" }, h("h2", null, "Page not found"), h("p", null, h("a", { href: href(["products"]) }, "Go to the products"))));
}

/** dispatch picks the view for a route; unknown routes get notFound. */
function dispatch(route: Route, root: HTMLElement, ctx: Ctx): void | Promise<void> {
  const [a, b, c, d] = route.path;
  if (a === undefined) return productsView(root, ctx);
  if (a === "login" && b === undefined) return loginView(root, ctx);
  if (a === "upload" && b === undefined) return uploadView(root, ctx);
  if (a === "products") {
    if (b === undefined) return productsView(root, ctx);
    const id = parseID(b);
    if (id == null || d !== undefined) return notFound(root, ctx);
    if (c === undefined) return productView(root, ctx, id);
    if (c === "reviews") return reviewsView(root, ctx, id);
    if (c === "model") return modelView(root, ctx, id);
    if (c === "reports") return reportsView(root, ctx, id);
  }
  if (a === "reports" && c === undefined) {
    const id = parseID(b);
    if (id != null) return reportView(root, ctx, id);
  }
  return notFound(root, ctx);
}

function render(): void {
  current?.abort();
  current = new AbortController();
  const route = parseHash(location.hash);
  const root = h("div", { class: "view" });
  replace(main, root);
  const ctx: Ctx = {
    route,
    signal: current.signal,
    setTitle: (t) => {
      document.title = t + " · voc";
    },
  };
  for (const link of document.querySelectorAll<HTMLAnchorElement>("header nav a")) {
    const target = link.getAttribute("href") ?? "";
    const active = target === "#/" + (route.path[0] ?? "products");
    link.classList.toggle("active", active);
    if (active) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  // Focus moves to the new content (for screen readers and keyboards)
  // before the view runs, so a view can still focus its own first field.
  main.focus({ preventScroll: true });
  window.scrollTo(0, 0);
  try {
    const p = dispatch(route, root, ctx);
    if (p) p.catch((err: unknown) => root.append(errorBox(err)));
  } catch (err) {
    root.append(errorBox(err));
  }
}

function renderUser(): void {
  const name = user.get();
  who.textContent = name;
  signOut.hidden = parseHash(location.hash).path[0] === "login";
}

// A 401 anywhere means the session is gone: go to the login view and come
// back afterwards.
api.setUnauthorizedHandler(() => {
  user.clear();
  const here = location.hash;
  if (parseHash(here).path[0] === "login") return;
  location.hash = href(["login"], here && here !== "#/" ? { next: here } : undefined);
});

signOut.addEventListener("click", async () => {
  signOut.disabled = true;
  try {
    await api.logout();
  } catch {
    // the cookie expires on its own; go to the login view anyway
  } finally {
    signOut.disabled = false;
    user.clear();
    location.hash = href(["login"]);
  }
});

window.addEventListener("hashchange", () => {
  render();
  renderUser();
});
document.addEventListener("voc:session", renderUser);

if (!location.hash) history.replaceState(null, "", href(["products"]));
render();
renderUser();
