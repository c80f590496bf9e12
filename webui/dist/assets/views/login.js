// Login: trade an API token for the HttpOnly session cookie. The token
// lives only in the password field until the request is sent.
import * as api from "../api.js";
import { h } from "../dom.js";
import { href } from "../format.js";
import { showError, user } from "../ui.js";
/** safeNext keeps a post-login destination only when it is one of our hash routes. */
function safeNext(next) {
    return next && /^#\/[^/]/.test(next) && !next.startsWith("#/login") ? next : href(["products"]);
}
export function loginView(root, ctx) {
    ctx.setTitle("Sign in");
    const token = h("input", {
        type: "password",
        name: "token",
        id: "token",
        required: true,
        autocomplete: "current-password",
        spellcheck: "false",
        placeholder: "voc_…",
    });
    const err = h("div");
    const submit = h("button", { type: "submit" }, "Sign in");
    const form = h("form", { class: "card narrow" }, h("h2", null, "Sign in"), h("p", { class: "hint" }, "Paste an API token. It is exchanged for a session cookie that scripts cannot read, and is not stored in the browser."), h("label", { class: "field", for: "token" }, h("span", { class: "label" }, "API token"), token), h("div", { class: "row" }, submit), err);
    form.addEventListener("submit", async (e) => {
        e.preventDefault();
        const t = token.value.trim();
        if (!t)
            return;
        submit.disabled = true;
        showError(err, null);
        try {
            const who = await api.login(t);
            token.value = "";
            user.set(who.name + (who.is_admin ? " (admin)" : ""));
            document.dispatchEvent(new CustomEvent("voc:session"));
            location.hash = safeNext(ctx.route.query.get("next"));
        }
        catch (e2) {
            showError(err, e2);
        }
        finally {
            submit.disabled = false;
        }
    });
    root.append(form);
    token.focus();
}
