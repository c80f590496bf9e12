// voc web UI (placeholder). Plain script, no build step, no inline code:
// the Content-Security-Policy allows scripts from this origin only.
//
// Every string that comes from the user or the server is put on the page
// with textContent, never innerHTML.
"use strict";

(function () {
  const TOKEN_KEY = "voc.token";
  const LAST_UPLOAD_KEY = "voc.lastUpload";
  const POLL_MS = 1500;
  const POLL_MAX_MS = 10000;
  const MAX_REJECTIONS_SHOWN = 500;

  // ---- API client: the only code that talks to the server. ----

  class ApiError extends Error {
    constructor(status, problem) {
      super(problem.detail || problem.title || "HTTP " + status);
      this.status = status;
      this.problem = problem;
    }
  }

  // toProblem turns any error body into the problem+json shape.
  function toProblem(status, statusText, contentType, text) {
    if (contentType && contentType.indexOf("json") !== -1) {
      try {
        const p = JSON.parse(text);
        if (p && typeof p === "object") {
          return {
            title: String(p.title || statusText || "Error"),
            detail: p.detail != null ? String(p.detail) : "",
            status: p.status || status,
            errors: Array.isArray(p.errors) ? p.errors : [],
          };
        }
      } catch (_) {
        // fall through to the plain-text form
      }
    }
    return {
      title: statusText || "HTTP " + status,
      detail: (text || "").slice(0, 500),
      status: status,
      errors: [],
    };
  }

  const api = {
    token() {
      return sessionStorage.getItem(TOKEN_KEY) || "";
    },

    headers() {
      const h = { Accept: "application/json, application/problem+json" };
      const t = this.token();
      if (t) h.Authorization = "Bearer " + t;
      return h;
    },

    async request(method, path) {
      let res;
      try {
        res = await fetch(path, { method: method, headers: this.headers(), cache: "no-store" });
      } catch (e) {
        throw new ApiError(0, { title: "Network error", detail: String(e.message || e), errors: [] });
      }
      const text = await res.text();
      const ct = res.headers.get("Content-Type") || "";
      if (!res.ok) throw new ApiError(res.status, toProblem(res.status, res.statusText, ct, text));
      return text ? JSON.parse(text) : null;
    },

    health() {
      return this.request("GET", "/health");
    },

    getUpload(id) {
      return this.request("GET", "/api/v1/uploads/" + encodeURIComponent(id));
    },

    // upload posts the multipart form. It uses XMLHttpRequest because fetch
    // reports no upload progress.
    upload(formData, onProgress) {
      return new Promise((resolve, reject) => {
        const xhr = new XMLHttpRequest();
        xhr.open("POST", "/api/v1/uploads");
        const h = this.headers();
        Object.keys(h).forEach((k) => xhr.setRequestHeader(k, h[k]));
        xhr.upload.onprogress = (e) => {
          if (e.lengthComputable) onProgress(Math.round((100 * e.loaded) / e.total));
        };
        xhr.onerror = () =>
          reject(new ApiError(0, { title: "Network error", detail: "The upload did not reach the server.", errors: [] }));
        xhr.onload = () => {
          const ct = xhr.getResponseHeader("Content-Type") || "";
          if (xhr.status < 200 || xhr.status >= 300) {
            reject(new ApiError(xhr.status, toProblem(xhr.status, xhr.statusText, ct, xhr.responseText)));
            return;
          }
          try {
            resolve(xhr.responseText ? JSON.parse(xhr.responseText) : {});
          } catch (e) {
            reject(new ApiError(xhr.status, { title: "Bad response", detail: "The server answered with invalid JSON.", errors: [] }));
          }
        };
        xhr.send(formData);
      });
    },
  };

  // ---- UI ----

  const $ = (id) => document.getElementById(id);

  function setText(id, value) {
    $(id).textContent = value == null ? "" : String(value);
  }

  function showError(err) {
    const p = err instanceof ApiError ? err.problem : { title: "Error", detail: String(err && err.message ? err.message : err), errors: [] };
    setText("error-title", p.title);
    setText("error-detail", p.detail);
    const list = $("error-list");
    list.replaceChildren();
    (p.errors || []).forEach((e) => {
      const li = document.createElement("li");
      const loc = e && e.location ? String(e.location) + ": " : "";
      li.textContent = loc + String(e && e.message != null ? e.message : e);
      list.appendChild(li);
    });
    $("error").hidden = false;
  }

  function clearError() {
    $("error").hidden = true;
  }

  // Health.
  async function checkHealth() {
    const btn = $("health");
    btn.classList.remove("ok", "bad");
    setText("health-text", "checking…");
    try {
      const h = await api.health();
      const status = h && h.status ? String(h.status) : "unknown";
      btn.classList.add(status === "healthy" ? "ok" : "bad");
      setText("health-text", status);
    } catch (e) {
      btn.classList.add("bad");
      setText("health-text", e instanceof ApiError && e.status ? "unhealthy (" + e.status + ")" : "unreachable");
    }
  }

  // Token.
  function renderTokenState() {
    setText("token-state", api.token() ? "A token is set for this tab." : "No token set: uploads will be refused.");
  }

  $("token-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const t = $("token").value.trim();
    if (t) sessionStorage.setItem(TOKEN_KEY, t);
    $("token").value = "";
    renderTokenState();
  });

  $("token-clear").addEventListener("click", () => {
    sessionStorage.removeItem(TOKEN_KEY);
    $("token").value = "";
    renderTokenState();
  });

  // Upload status polling. pollSeq cancels an older poll when a new upload
  // starts.
  let pollSeq = 0;

  function renderUpload(u) {
    $("status-card").hidden = false;
    setText("upload-id", "#" + (u.id != null ? u.id : ""));
    const status = u.status != null ? String(u.status) : "unknown";
    const badge = $("upload-status");
    badge.textContent = status;
    badge.className = "badge " + (["pending", "ingesting", "done", "failed"].indexOf(status) !== -1 ? status : "");
    ["rows_total", "rows_ingested", "rows_duplicate", "rows_rejected"].forEach((k) => setText(k, u[k] != null ? u[k] : 0));

    const errEl = $("upload-error");
    errEl.hidden = !u.error;
    errEl.textContent = u.error ? String(u.error) : "";

    const rejections = Array.isArray(u.rejections) ? u.rejections : [];
    const body = $("rejections-body");
    body.replaceChildren();
    rejections.slice(0, MAX_REJECTIONS_SHOWN).forEach((r) => {
      const tr = document.createElement("tr");
      [r.row != null ? r.row : r.row_num, r.column != null ? r.column : r.col, r.reason].forEach((v) => {
        const td = document.createElement("td");
        td.textContent = v == null ? "" : String(v);
        tr.appendChild(td);
      });
      body.appendChild(tr);
    });
    if (rejections.length > MAX_REJECTIONS_SHOWN) {
      const tr = document.createElement("tr");
      const td = document.createElement("td");
      td.colSpan = 3;
      td.textContent = "… and " + (rejections.length - MAX_REJECTIONS_SHOWN) + " more";
      tr.appendChild(td);
      body.appendChild(tr);
    }
    $("rejections").hidden = rejections.length === 0;
    return status === "done" || status === "failed";
  }

  async function poll(id) {
    const seq = ++pollSeq;
    let delay = POLL_MS;
    for (;;) {
      if (seq !== pollSeq) return;
      try {
        const u = await api.getUpload(id);
        if (seq !== pollSeq) return;
        if (renderUpload(u)) return;
        delay = POLL_MS;
      } catch (e) {
        if (seq !== pollSeq) return;
        // Client errors will not fix themselves; network and 5xx may.
        if (e instanceof ApiError && e.status >= 400 && e.status < 500) {
          showError(e);
          return;
        }
        delay = Math.min(delay * 2, POLL_MAX_MS);
      }
      await new Promise((r) => setTimeout(r, delay));
    }
  }

  $("upload-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    clearError();
    const form = e.currentTarget;
    const fd = new FormData();
    const file = $("file").files[0];
    if (!file) return;
    fd.append("file", file, file.name);
    fd.append("marketplace", $("marketplace").value.trim());
    fd.append("asin", $("asin").value.trim());
    fd.append("target_language", $("target_language").value.trim());

    const btn = $("upload-btn");
    const bar = $("upload-progress");
    btn.disabled = true;
    bar.hidden = false;
    bar.value = 0;
    try {
      const res = await api.upload(fd, (pct) => (bar.value = pct));
      const id = res && (res.id != null ? res.id : res.upload_id);
      if (id == null) throw new Error("The server accepted the upload but returned no id.");
      sessionStorage.setItem(LAST_UPLOAD_KEY, String(id));
      renderUpload({ id: id, status: res.status || "pending" });
      poll(id);
      $("file").value = ""; // keep marketplace, ASIN and language for the next file
    } catch (err) {
      showError(err);
    } finally {
      btn.disabled = false;
      bar.hidden = true;
    }
  });

  $("health").addEventListener("click", checkHealth);

  renderTokenState();
  checkHealth();
  const last = sessionStorage.getItem(LAST_UPLOAD_KEY);
  if (last && api.token()) poll(last);
})();
