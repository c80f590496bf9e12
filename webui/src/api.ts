// The API client: the only module that talks to the server. It sends the
// session cookie (set HttpOnly by POST /api/v1/session) and never keeps a
// token in JavaScript or in storage. Errors come back as ApiError carrying
// the problem+json body.

import { toProblem, type Problem } from "./format.js";

// ---- Types: the JSON shapes of docs/API.md (store/*.go json tags). ----

export interface Product {
  id: number;
  marketplace: string;
  asin: string;
  title: string;
  image_url?: string;
  average_rating?: number;
  price?: string;
  bullet_points: string[] | null;
  categories: { name: string; url?: string }[] | null;
  target_language: string;
  model_version: number;
  review_count: number;
  created_at: string;
  updated_at: string;
}

export interface ProductDetail extends Product {
  latest_analysis_id: number | null;
  latest_analysis_kind?: string;
  latest_analysis_status?: string;
  latest_report_id: number | null;
}

export interface Page<T> {
  items: T[] | null;
  total: number;
  limit: number;
  offset: number;
}

export interface StageProgress {
  total: number;
  done: number;
  failed: number;
}

export interface AnalysisStatus {
  analysis_id: number;
  product_id: number;
  kind: string;
  status: string;
  stages: Record<string, StageProgress>;
  calls: number;
  cache_hits: number;
  tokens_in: number;
  tokens_out: number;
  target_language: string;
  reviews_total: number;
  created_at: string;
  finished_at?: string;
}

export interface Rejection {
  row: number;
  column: string;
  reason: string;
}

export interface Upload {
  id: number;
  product_id: number;
  source: string;
  filename?: string;
  format: string;
  mapping?: Record<string, string>;
  size_bytes: number;
  status: string;
  rows_total: number;
  rows_ingested: number;
  rows_duplicate: number;
  rows_rejected: number;
  error?: string;
  analysis_id?: number;
  created_at: string;
  started_at?: string;
  finished_at?: string;
  rejections: Rejection[] | null;
}

export interface Accepted {
  upload_id: number;
  product_id: number;
  status: string;
  status_url: string;
}

/** Preview is the upload preview; the server sends Go field names (Headers, Mapping, …). */
export type Preview = Record<string, unknown>;

export interface Insight {
  id: number;
  review_id: number;
  type: string;
  dimension_id: number;
  dimension: string;
  quote: string;
  quote_translated: string;
  analysis: string;
  sentiment: string;
  confidence: string;
}

export interface Tag {
  id: number;
  review_id: number;
  type: string;
  label_id: number;
  label: string;
  quote: string;
  quote_translated: string;
  explanation: string;
  confidence: string;
}

export interface Review {
  id: number;
  source_review_id?: string | null;
  author?: string;
  rating: number | null;
  title: string;
  body: string;
  language: string;
  review_date?: string;
  review_date_raw?: string;
  variant?: string;
  verified_purchase: boolean;
  helpful_votes: number;
  sentiment: string | null;
  translation_status: string;
  title_translated: string | null;
  body_translated: string | null;
  insights: Insight[] | null;
  tags: Tag[] | null;
}

export interface ReviewPage extends Page<Review> {
  next_cursor?: string;
}

export interface Dimension {
  id: number;
  kind: string;
  name: string;
  definition: string;
}

export interface Label {
  id: number;
  type: string;
  name: string;
  definition: string;
}

export interface Model {
  version: number;
  dimensions: Dimension[] | null;
  labels: Label[] | null;
  versions: { version: number; source: string; created_at: string }[] | null;
}

export interface ModelEdit {
  model_version: number;
  dimension?: Dimension;
  label?: Label;
  insights_deleted?: number;
  insights_moved?: number;
  tags_deleted?: number;
  tags_moved?: number;
}

export interface ReportSummary {
  id: number;
  analysis_id: number;
  kind: string;
  coverage: number;
  created_at: string;
}

export interface Quote {
  review_id: number;
  quote: string;
}

export interface TopicStat {
  topic: string;
  count: number;
  share?: number;
  evidence: Quote[] | null;
}

export interface Aggregates {
  reviews: number;
  insights: number;
  tags: number;
  rating_distribution: { key: string; count: number }[] | null;
  sentiment_share: { key: string; count: number; share: number }[] | null;
  dimensions: { kind: string; name: string; positive: number; negative: number; neutral: number; net: number }[] | null;
  top_strengths: TopicStat[] | null;
  top_weaknesses: TopicStat[] | null;
  top_suggestions: TopicStat[] | null;
  five_w: { type: string; labels: TopicStat[] | null }[] | null;
  monthly_trend: { month: string; reviews: number; avg_rating: number | null; positive: number; negative: number }[] | null;
  rating_vs_sentiment: { compared: number; agree: number; rate: number };
  coverage: {
    reviews_total: number;
    translation_done: number;
    translation_failed: number;
    insights_done: number;
    insights_failed: number;
    themes_done: number;
    themes_failed: number;
    fraction: number;
  };
  failed_reviews: { review_id: number; stage: string; reason: string }[] | null;
}

export interface Claim {
  text: string;
  review_ids: number[] | null;
}

export interface Narrative {
  executive_summary: Claim;
  personas: { name: string; summary: string; review_ids: number[] | null }[] | null;
  strengths: Claim[] | null;
  weaknesses: Claim[] | null;
  priority_actions: Claim[] | null;
}

export interface Report extends ReportSummary {
  product: { id: number; marketplace: string; asin: string; title: string };
  aggregates: Aggregates;
  narrative: Narrative;
}

// ---- Transport. ----

/** ApiError is a failed call: HTTP status (0 for network errors) and the problem. */
export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem;
  constructor(problem: Problem) {
    super(problem.detail || problem.title);
    this.name = "ApiError";
    this.status = problem.status;
    this.problem = problem;
  }
}

let onUnauthorized: () => void = () => {};

/** setUnauthorizedHandler sets what happens on a 401 (the app shows the login view). */
export function setUnauthorizedHandler(fn: () => void): void {
  onUnauthorized = fn;
}

const BASE = "/api/v1";

type Body = Record<string, unknown> | FormData | undefined;

async function request<T>(method: string, path: string, body?: Body, signal?: AbortSignal): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/json, application/problem+json" };
  let payload: BodyInit | undefined;
  if (body instanceof FormData) payload = body;
  else if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    payload = JSON.stringify(body);
  }
  let res: Response;
  try {
    const init: RequestInit = { method, headers, credentials: "same-origin", cache: "no-store" };
    if (payload !== undefined) init.body = payload;
    if (signal) init.signal = signal;
    res = await fetch(path, init);
  } catch (e) {
    if (e instanceof DOMException && e.name === "AbortError") throw e;
    throw new ApiError({ title: "Network error", status: 0, detail: "The server could not be reached.", errors: [] });
  }
  const text = await res.text();
  const ctype = res.headers.get("Content-Type") ?? "";
  if (!res.ok) {
    const err = new ApiError(toProblem(res.status, res.statusText, ctype, text));
    if (res.status === 401 && path !== BASE + "/session") onUnauthorized();
    throw err;
  }
  if (!text) return undefined as T;
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new ApiError({ title: "Bad response", status: res.status, detail: "The server answered with invalid JSON.", errors: [] });
  }
}

/**
 * sendWithProgress posts multipart form data with upload progress, which
 * fetch cannot report. Same-origin XHR sends the session cookie.
 */
function sendWithProgress<T>(path: string, form: FormData, onProgress: (fraction: number) => void, signal?: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", path);
    xhr.setRequestHeader("Accept", "application/json, application/problem+json");
    xhr.upload.addEventListener("progress", (e) => {
      if (e.lengthComputable && e.total > 0) onProgress(e.loaded / e.total);
    });
    xhr.addEventListener("error", () =>
      reject(new ApiError({ title: "Network error", status: 0, detail: "The upload did not reach the server.", errors: [] })),
    );
    xhr.addEventListener("abort", () => reject(new DOMException("upload cancelled", "AbortError")));
    xhr.addEventListener("load", () => {
      const ctype = xhr.getResponseHeader("Content-Type") ?? "";
      if (xhr.status < 200 || xhr.status >= 300) {
        if (xhr.status === 401) onUnauthorized();
        reject(new ApiError(toProblem(xhr.status, xhr.statusText, ctype, xhr.responseText)));
        return;
      }
      try {
        resolve(JSON.parse(xhr.responseText) as T);
      } catch {
        reject(new ApiError({ title: "Bad response", status: xhr.status, detail: "The server answered with invalid JSON.", errors: [] }));
      }
    });
    signal?.addEventListener("abort", () => xhr.abort());
    xhr.send(form);
  });
}

const id = (n: number) => encodeURIComponent(String(n));

// ---- Session. ----

/** login exchanges an API token for the HttpOnly session cookie; the token is not kept. */
export function login(token: string): Promise<{ name: string; is_admin: boolean }> {
  return request("POST", BASE + "/session", { token });
}

/** logout clears the session cookie. */
export function logout(): Promise<void> {
  return request("DELETE", BASE + "/session");
}

// ---- Products and analyses. ----

export function listProducts(limit: number, offset: number, signal?: AbortSignal): Promise<Page<Product>> {
  const q = new URLSearchParams({ limit: String(limit), offset: String(offset) });
  return request("GET", BASE + "/products?" + q.toString(), undefined, signal);
}

export function getProduct(productID: number, signal?: AbortSignal): Promise<ProductDetail> {
  return request("GET", BASE + "/products/" + id(productID), undefined, signal);
}

/** getAnalysis returns the product's latest analysis, or null before the first one. */
export async function getAnalysis(productID: number, signal?: AbortSignal): Promise<AnalysisStatus | null> {
  try {
    return await request<AnalysisStatus>("GET", BASE + "/products/" + id(productID) + "/analysis", undefined, signal);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return null;
    throw e;
  }
}

export function rerun(productID: number): Promise<{ analysis_id: number; jobs: number }> {
  return request("POST", BASE + "/products/" + id(productID) + "/rerun");
}

// ---- Uploads. ----

export function getUpload(uploadID: number, signal?: AbortSignal): Promise<Upload> {
  return request("GET", BASE + "/uploads/" + id(uploadID), undefined, signal);
}

export function previewUpload(form: FormData, signal?: AbortSignal): Promise<Preview> {
  return request("POST", BASE + "/uploads/preview", form, signal);
}

export function createUpload(form: FormData, onProgress: (fraction: number) => void, signal?: AbortSignal): Promise<Accepted> {
  return sendWithProgress(BASE + "/uploads", form, onProgress, signal);
}

// ---- Reviews. ----

export function listReviews(productID: number, query: URLSearchParams, signal?: AbortSignal): Promise<ReviewPage> {
  return request("GET", BASE + "/products/" + id(productID) + "/reviews?" + query.toString(), undefined, signal);
}

// ---- Model. ----

export function getModel(productID: number, signal?: AbortSignal): Promise<Model> {
  return request("GET", BASE + "/products/" + id(productID) + "/model", undefined, signal);
}

/** ModelItem names the two editable collections: dimensions and labels. */
export type ModelItem = "dimensions" | "labels";

export function createItem(productID: number, what: ModelItem, body: Record<string, string>): Promise<ModelEdit> {
  return request("POST", BASE + "/products/" + id(productID) + "/" + what, body);
}

export function patchItem(productID: number, what: ModelItem, itemID: number, body: { name?: string; definition?: string }): Promise<ModelEdit> {
  return request("PATCH", BASE + "/products/" + id(productID) + "/" + what + "/" + id(itemID), body);
}

export function deleteItem(productID: number, what: ModelItem, itemID: number): Promise<ModelEdit> {
  return request("DELETE", BASE + "/products/" + id(productID) + "/" + what + "/" + id(itemID));
}

export function mergeItem(productID: number, what: ModelItem, itemID: number, into: number): Promise<ModelEdit> {
  return request("POST", BASE + "/products/" + id(productID) + "/" + what + "/" + id(itemID) + "/merge", { into });
}

// ---- Reports and exports. ----

export function listReports(productID: number, signal?: AbortSignal): Promise<{ items: ReportSummary[] | null }> {
  return request("GET", BASE + "/products/" + id(productID) + "/reports", undefined, signal);
}

export function getReport(reportID: number, signal?: AbortSignal): Promise<Report> {
  return request("GET", BASE + "/reports/" + id(reportID), undefined, signal);
}

/** The download links: plain same-origin URLs the browser fetches with the cookie. */
export const links = {
  markdown: (reportID: number) => BASE + "/reports/" + id(reportID) + "/markdown?download=true",
  html: (reportID: number) => BASE + "/reports/" + id(reportID) + "/html",
  htmlDownload: (reportID: number) => BASE + "/reports/" + id(reportID) + "/html?download=true",
  xlsx: (productID: number) => BASE + "/products/" + id(productID) + "/export.xlsx",
};
