// The API client: the only module that talks to the server. It sends the
// session cookie (set HttpOnly by POST /api/v1/session) and never keeps a
// token in JavaScript or in storage. Errors come back as ApiError carrying
// the problem+json body.
import { toProblem } from "./format.js";
// ---- Transport. ----
/** ApiError is a failed call: HTTP status (0 for network errors) and the problem. */
export class ApiError extends Error {
    status;
    problem;
    constructor(problem) {
        super(problem.detail || problem.title);
        this.name = "ApiError";
        this.status = problem.status;
        this.problem = problem;
    }
}
let onUnauthorized = () => { };
/** setUnauthorizedHandler sets what happens on a 401 (the app shows the login view). */
export function setUnauthorizedHandler(fn) {
    onUnauthorized = fn;
}
const BASE = "/api/v1";
async function request(method, path, body, signal) {
    const headers = { Accept: "application/json, application/problem+json" };
    let payload;
    if (body instanceof FormData)
        payload = body;
    else if (body !== undefined) {
        headers["Content-Type"] = "application/json";
        payload = JSON.stringify(body);
    }
    let res;
    try {
        const init = { method, headers, credentials: "same-origin", cache: "no-store" };
        if (payload !== undefined)
            init.body = payload;
        if (signal)
            init.signal = signal;
        res = await fetch(path, init);
    }
    catch (e) {
        if (e instanceof DOMException && e.name === "AbortError")
            throw e;
        throw new ApiError({ title: "Network error", status: 0, detail: "The server could not be reached.", errors: [] });
    }
    const text = await res.text();
    const ctype = res.headers.get("Content-Type") ?? "";
    if (!res.ok) {
        const err = new ApiError(toProblem(res.status, res.statusText, ctype, text));
        if (res.status === 401 && path !== BASE + "/session")
            onUnauthorized();
        throw err;
    }
    if (!text)
        return undefined;
    try {
        return JSON.parse(text);
    }
    catch {
        throw new ApiError({ title: "Bad response", status: res.status, detail: "The server answered with invalid JSON.", errors: [] });
    }
}
/**
 * sendWithProgress posts multipart form data with upload progress, which
 * fetch cannot report. Same-origin XHR sends the session cookie.
 */
function sendWithProgress(path, form, onProgress, signal) {
    return new Promise((resolve, reject) => {
        const xhr = new XMLHttpRequest();
        xhr.open("POST", path);
        xhr.setRequestHeader("Accept", "application/json, application/problem+json");
        xhr.upload.addEventListener("progress", (e) => {
            if (e.lengthComputable && e.total > 0)
                onProgress(e.loaded / e.total);
        });
        xhr.addEventListener("error", () => reject(new ApiError({ title: "Network error", status: 0, detail: "The upload did not reach the server.", errors: [] })));
        xhr.addEventListener("abort", () => reject(new DOMException("upload cancelled", "AbortError")));
        xhr.addEventListener("load", () => {
            const ctype = xhr.getResponseHeader("Content-Type") ?? "";
            if (xhr.status < 200 || xhr.status >= 300) {
                if (xhr.status === 401)
                    onUnauthorized();
                reject(new ApiError(toProblem(xhr.status, xhr.statusText, ctype, xhr.responseText)));
                return;
            }
            try {
                resolve(JSON.parse(xhr.responseText));
            }
            catch {
                reject(new ApiError({ title: "Bad response", status: xhr.status, detail: "The server answered with invalid JSON.", errors: [] }));
            }
        });
        signal?.addEventListener("abort", () => xhr.abort());
        xhr.send(form);
    });
}
const id = (n) => encodeURIComponent(String(n));
// ---- Session. ----
/** login exchanges an API token for the HttpOnly session cookie; the token is not kept. */
export function login(token) {
    return request("POST", BASE + "/session", { token });
}
/** logout clears the session cookie. */
export function logout() {
    return request("DELETE", BASE + "/session");
}
// ---- Products and analyses. ----
export function listProducts(limit, offset, signal) {
    const q = new URLSearchParams({ limit: String(limit), offset: String(offset) });
    return request("GET", BASE + "/products?" + q.toString(), undefined, signal);
}
export function getProduct(productID, signal) {
    return request("GET", BASE + "/products/" + id(productID), undefined, signal);
}
/** getAnalysis returns the product's latest analysis, or null before the first one. */
export async function getAnalysis(productID, signal) {
    try {
        return await request("GET", BASE + "/products/" + id(productID) + "/analysis", undefined, signal);
    }
    catch (e) {
        if (e instanceof ApiError && e.status === 404)
            return null;
        throw e;
    }
}
export function rerun(productID) {
    return request("POST", BASE + "/products/" + id(productID) + "/rerun");
}
// ---- Uploads. ----
export function getUpload(uploadID, signal) {
    return request("GET", BASE + "/uploads/" + id(uploadID), undefined, signal);
}
export function previewUpload(form, signal) {
    return request("POST", BASE + "/uploads/preview", form, signal);
}
export function createUpload(form, onProgress, signal) {
    return sendWithProgress(BASE + "/uploads", form, onProgress, signal);
}
// ---- Reviews. ----
export function listReviews(productID, query, signal) {
    return request("GET", BASE + "/products/" + id(productID) + "/reviews?" + query.toString(), undefined, signal);
}
// ---- Model. ----
export function getModel(productID, signal) {
    return request("GET", BASE + "/products/" + id(productID) + "/model", undefined, signal);
}
export function createItem(productID, what, body) {
    return request("POST", BASE + "/products/" + id(productID) + "/" + what, body);
}
export function patchItem(productID, what, itemID, body) {
    return request("PATCH", BASE + "/products/" + id(productID) + "/" + what + "/" + id(itemID), body);
}
export function deleteItem(productID, what, itemID) {
    return request("DELETE", BASE + "/products/" + id(productID) + "/" + what + "/" + id(itemID));
}
export function mergeItem(productID, what, itemID, into) {
    return request("POST", BASE + "/products/" + id(productID) + "/" + what + "/" + id(itemID) + "/merge", { into });
}
// ---- Reports and exports. ----
export function listReports(productID, signal) {
    return request("GET", BASE + "/products/" + id(productID) + "/reports", undefined, signal);
}
export function getReport(reportID, signal) {
    return request("GET", BASE + "/reports/" + id(reportID), undefined, signal);
}
/** The download links: plain same-origin URLs the browser fetches with the cookie. */
export const links = {
    markdown: (reportID) => BASE + "/reports/" + id(reportID) + "/markdown?download=true",
    html: (reportID) => BASE + "/reports/" + id(reportID) + "/html",
    htmlDownload: (reportID) => BASE + "/reports/" + id(reportID) + "/html?download=true",
    xlsx: (productID) => BASE + "/products/" + id(productID) + "/export.xlsx",
};
