// The API client: the only module that talks to the server. The session is
// an HttpOnly cookie (set by POST /api/v1/session); no token is kept in
// JavaScript or storage. Failures are ApiError with a message in words.
//
// Endpoints that other parts of the server may or may not have yet (role
// reports, PDF, shares, accounts, audit, comparisons, cancel, retry) are
// feature-detected from /openapi.json (see capabilities), so views can hide
// what the server cannot do.

export interface Problem {
  title: string;
  status: number;
  detail?: string;
  errors?: { message?: string; location?: string }[];
}

/** ApiError is a failed call: HTTP status (0: network) and what went wrong. */
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

/** problemFrom turns any response body into a Problem, never exposing raw JSON. */
export function problemFrom(status: number, statusText: string, ctype: string, text: string): Problem {
  if (ctype.includes("json")) {
    try {
      const j = JSON.parse(text) as Partial<Problem>;
      const errors = Array.isArray(j.errors)
        ? j.errors
            .filter((e) => e && typeof e === "object")
            .map((e) => ({ message: String(e.message ?? ""), location: e.location ? String(e.location) : undefined }))
        : [];
      return {
        title: typeof j.title === "string" ? j.title : statusText || "Error",
        status,
        detail: typeof j.detail === "string" ? j.detail : undefined,
        errors,
      };
    } catch {
      /* fall through */
    }
  }
  return { title: statusText || "Error", status, detail: undefined, errors: [] };
}

let onUnauthorized: () => void = () => {};

/** setUnauthorizedHandler sets what a 401 does (the app goes to sign-in and back). */
export function setUnauthorizedHandler(fn: () => void): void {
  onUnauthorized = fn;
}

export const BASE = "/api/v1";

type Body = unknown;

export async function request<T>(method: string, path: string, body?: Body, signal?: AbortSignal): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/json, application/problem+json" };
  const init: RequestInit = { method, headers, credentials: "same-origin", cache: "no-store" };
  if (body instanceof FormData) init.body = body;
  else if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  if (signal) init.signal = signal;
  let res: Response;
  try {
    res = await fetch(path, init);
  } catch (e) {
    if (e instanceof DOMException && e.name === "AbortError") throw e;
    throw new ApiError({ title: "Network error", status: 0 });
  }
  const text = await res.text();
  if (!res.ok) {
    const err = new ApiError(problemFrom(res.status, res.statusText, res.headers.get("Content-Type") ?? "", text));
    if (res.status === 401 && !path.startsWith(BASE + "/session")) onUnauthorized();
    throw err;
  }
  if (!text) return undefined as T;
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new ApiError({ title: "Bad response", status: res.status });
  }
}

/** upload posts multipart data with progress (fetch cannot report upload progress). */
export function upload<T>(path: string, form: FormData, onProgress: (f: number) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", path);
    xhr.setRequestHeader("Accept", "application/json, application/problem+json");
    xhr.upload.addEventListener("progress", (e) => {
      if (e.lengthComputable && e.total > 0) onProgress(e.loaded / e.total);
    });
    xhr.addEventListener("error", () => reject(new ApiError({ title: "Network error", status: 0 })));
    xhr.addEventListener("load", () => {
      if (xhr.status < 200 || xhr.status >= 300) {
        if (xhr.status === 401) onUnauthorized();
        reject(new ApiError(problemFrom(xhr.status, xhr.statusText, xhr.getResponseHeader("Content-Type") ?? "", xhr.responseText)));
        return;
      }
      try {
        resolve(JSON.parse(xhr.responseText) as T);
      } catch {
        reject(new ApiError({ title: "Bad response", status: xhr.status }));
      }
    });
    xhr.send(form);
  });
}

// ---- Types (store/*.go JSON). ----

export interface Product {
  id: number;
  marketplace: string;
  asin: string;
  title: string;
  target_language: string;
  model_version: number;
  review_count: number;
  created_at: string;
}
export interface ProductDetail extends Product {
  latest_analysis_id: number | null;
  latest_analysis_status?: string;
  latest_report_id: number | null;
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
  reviews_total: number;
  target_language: string;
  created_at: string;
  finished_at?: string;
  /** Running jobs held by a host that is gone; they wait for River's rescuer. */
  orphaned_jobs?: number;
}
export interface Upload {
  id: number;
  product_id: number;
  source: string;
  filename?: string;
  format: string;
  status: string;
  rows_total: number;
  rows_ingested: number;
  rows_duplicate: number;
  rows_rejected: number;
  error?: string;
  analysis_id?: number;
  created_at: string;
  finished_at?: string;
  rejections: { row: number; column: string; reason: string }[] | null;
}
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
}
export interface Review {
  id: number;
  product_id?: number;
  author?: string;
  rating: number | null;
  title: string;
  body: string;
  language: string;
  review_date?: string;
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
export interface SearchResult {
  items: Review[];
  total: number;
  limit: number;
  sort: string;
  next_cursor?: string;
}
export interface DimensionImpact {
  id: number;
  kind: string;
  name: string;
  reviews: number;
  positive: number;
  negative: number;
  neutral: number;
  net: number;
  rating_effect: number | null;
}
export interface TrendPeriod {
  start: string;
  end: string;
  reviews: number;
  avg_rating: number | null;
  positive: number;
  negative: number;
}
export interface Dashboard {
  kpi: {
    reviews: number;
    rated: number;
    avg_rating: number | null;
    positive: number;
    neutral: number;
    negative: number;
    with_insights: number;
    insights: number;
  };
  ratings: { rating: number; count: number }[];
  sentiments: { sentiment: string; count: number }[];
  dimensions: DimensionImpact[];
  trend: { granularity: string; periods: TrendPeriod[]; dimensions: { id: number; name: string; counts: number[] }[] | null; undated: number };
  five_w: { type: string; labels: { id: number; name: string; reviews: number }[] }[] | null;
  emerging: { id: number; name: string; recent: number; previous: number; date_from: string; date_to: string }[];
  facets: {
    languages: { value: string; count: number }[];
    variants: { value: string; count: number }[];
    date_min?: string;
    date_max?: string;
    unrated: number;
    marketplaces: { product_id: number; marketplace: string }[];
    translation: Record<string, number>;
  };
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
  quote_translated?: string;
}
export interface TopicStat {
  topic: string;
  count: number;
  share?: number;
  evidence: Quote[] | null;
}
export interface Claim {
  text: string;
  review_ids: number[] | null;
}
export interface Report extends ReportSummary {
  product: { id: number; marketplace: string; asin: string; title: string };
  // Absent while an on-demand report is building.
  aggregates?: {
    reviews: number;
    insights: number;
    tags: number;
    top_strengths: TopicStat[] | null;
    top_weaknesses: TopicStat[] | null;
    top_suggestions: TopicStat[] | null;
    coverage: { reviews_total: number; fraction: number; insights_failed: number; themes_failed: number; translation_failed: number };
    failed_reviews: { review_id: number; stage: string; reason: string }[] | null;
  };
  narrative?: {
    executive_summary: Claim;
    personas: { name: string; summary: string; review_ids: number[] | null }[] | null;
    strengths: Claim[] | null;
    weaknesses: Claim[] | null;
    priority_actions: Claim[] | null;
  };
}
export interface Preview {
  headers: string[];
  mapping: Record<string, string>;
  rows: string[][];
  format?: string;
}
export interface Share {
  id: number;
  // Only the answer that creates a link carries its URL: the server keeps
  // just a hash of the token.
  url?: string;
  token?: string;
  expires_at?: string;
  views?: number;
  expired?: boolean;
}
export type Item = Record<string, unknown>;

// ---- Comparisons (comparison.View, store.Comparison). ----

export interface AlignMember {
  product_id: number;
  dimension_id: number;
  name?: string;
}
export interface AlignGroup {
  key?: string;
  name: string;
  kind: string;
  members: AlignMember[];
}
export interface ComparisonCell {
  product_id: number;
  dimension_ids: number[];
  volume: number;
  positive: number;
  negative: number;
  neutral: number;
  net: number;
  impact: number;
  evidence: Quote[] | null;
}
export interface ComparisonProduct {
  id: number;
  marketplace: string;
  asin: string;
  title: string;
  reviews: number;
  excluded_reviews: number;
  avg_rating: number | null;
  rating_distribution: { key: string; count: number }[] | null;
  sentiment_share: { key: string; count: number; share: number }[] | null;
}
export interface ComparisonView {
  id: number;
  name: string;
  alignment_source: string;
  alignment_note?: string;
  products: ComparisonProduct[];
  alignment: AlignGroup[] | null;
  matrix: { key: string; name: string; kind: string; members: AlignMember[] | null; cells: (ComparisonCell | null)[] }[] | null;
  five_w_differences: { type: string; label: string; shares: number[]; spread: number; evidence: Quote[] | null }[] | null;
}
export interface ComparisonSummary {
  id: number;
  name: string;
  product_ids: number[];
  alignment_source: string;
  created_at: string;
  updated_at: string;
}

const enc = encodeURIComponent;

// ---- Capabilities (feature detection from the OpenAPI document). ----

export interface Capabilities {
  has(method: string, path: string): boolean;
  find(method: string, re: RegExp): string | undefined;
  enumOf(method: string, path: string, field: string): string[];
}

type OpenAPIDoc = { paths?: Record<string, Record<string, unknown>> };

/** ROLE_RANK orders the roles; an operation documents its minimum role. */
const ROLE_RANK: Record<string, number> = { public: 0, viewer: 1, analyst: 2, admin: 3 };

/** minimumRole reads "Minimum role: **analyst**." from an operation's description. */
export function minimumRole(description: unknown): string | undefined {
  return typeof description === "string" ? /Minimum role: \*\*(\w+)\*\*/.exec(description)?.[1] : undefined;
}

/**
 * capabilities says what the server offers and, given the signed-in
 * user's role, what that user may do: an operation whose documented
 * minimum role is above the role is not offered (a viewer sees no
 * mutation). Without a role, only the server's routes count.
 */
export async function capabilities(signal?: AbortSignal, role?: string): Promise<Capabilities> {
  let doc: OpenAPIDoc = {};
  try {
    doc = await request<OpenAPIDoc>("GET", "/openapi.json", undefined, signal);
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) throw e;
  }
  const paths = doc.paths ?? {};
  const rank = role ? ROLE_RANK[role] : undefined;
  const allowed = (op: unknown): boolean => {
    if (!op) return false;
    if (rank == null) return true;
    const min = minimumRole((op as { description?: unknown }).description);
    return min == null || (ROLE_RANK[min] ?? 0) <= rank;
  };
  return {
    has: (m, p) => allowed(paths[p]?.[m.toLowerCase()]),
    find: (m, re) => Object.keys(paths).find((p) => re.test(p) && allowed(paths[p]?.[m.toLowerCase()])),
    enumOf: (m, p, field) => {
      // The request body's enum for field, when the schema says so.
      const op = paths[p]?.[m.toLowerCase()] as { requestBody?: { content?: Record<string, { schema?: { $ref?: string } }> } } | undefined;
      const ref = op?.requestBody?.content?.["application/json"]?.schema?.$ref;
      const name = ref?.split("/").pop();
      const schemas = (doc as { components?: { schemas?: Record<string, { properties?: Record<string, { enum?: string[] }> }> } }).components?.schemas;
      return (name && schemas?.[name]?.properties?.[field]?.enum) || [];
    },
  };
}

// ---- Session. ----

export interface Me {
  name: string;
  role?: string;
  is_admin?: boolean;
  email?: string;
  /** The signed-in user; absent for an installation token, which has no language to remember. */
  user_id?: number;
  /** The language the user chose ("zh", "en"); empty when not chosen yet or for an installation token. */
  language?: string;
}

export const api = {
  login: (body: { token: string } | { email: string; password: string }) => request<Me>("POST", BASE + "/session", body),
  logout: () => request<void>("DELETE", BASE + "/session"),
  /** me returns who is signed in, with their role and remembered language, or throws ApiError 401. */
  async me(signal?: AbortSignal): Promise<Me> {
    const m = await request<Me>("GET", BASE + "/me", undefined, signal);
    return { ...m, is_admin: m.role === "admin" };
  },
  /** saveLanguage remembers the web app language on the signed-in user. */
  saveLanguage: (language: string) => request<Me>("PATCH", BASE + "/me", { language }),

  products: (limit: number, offset: number, signal?: AbortSignal) =>
    request<{ items: Product[] | null; total: number }>("GET", `${BASE}/products?limit=${limit}&offset=${offset}`, undefined, signal),
  product: (id: number, signal?: AbortSignal) => request<ProductDetail>("GET", `${BASE}/products/${enc(id)}`, undefined, signal),
  async analysis(id: number, signal?: AbortSignal): Promise<AnalysisStatus | null> {
    try {
      return await request<AnalysisStatus>("GET", `${BASE}/products/${enc(id)}/analysis`, undefined, signal);
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) return null;
      throw e;
    }
  },
  uploads: (id: number, signal?: AbortSignal) =>
    request<{ items: Upload[] | null } | Upload[]>("GET", `${BASE}/products/${enc(id)}/uploads`, undefined, signal).then((r) =>
      Array.isArray(r) ? r : (r?.items ?? []),
    ),
  upload: (id: number, signal?: AbortSignal) => request<Upload>("GET", `${BASE}/uploads/${enc(id)}`, undefined, signal),
  preview: (form: FormData) => request<Record<string, unknown>>("POST", `${BASE}/uploads/preview`, form),
  createUpload: (form: FormData, onProgress: (f: number) => void) =>
    upload<{ upload_id: number; product_id: number }>(`${BASE}/uploads`, form, onProgress),
  rerun: (id: number) => request<{ analysis_id: number }>("POST", `${BASE}/products/${enc(id)}/rerun`),
  cancel: (analysisID: number) => request<unknown>("POST", `${BASE}/analyses/${enc(analysisID)}/cancel`),
  retryFailed: (analysisID: number) => request<unknown>("POST", `${BASE}/analyses/${enc(analysisID)}/retry-failed`),

  search: (id: number, q: URLSearchParams, signal?: AbortSignal) =>
    request<SearchResult>("GET", `${BASE}/products/${enc(id)}/reviews/search?${q}`, undefined, signal),
  dashboard: (id: number, q: URLSearchParams, signal?: AbortSignal) =>
    request<Dashboard>("GET", `${BASE}/products/${enc(id)}/dashboard?${q}`, undefined, signal),
  exportURL: (id: number, q: URLSearchParams) => `${BASE}/products/${enc(id)}/reviews/export.xlsx?${q}`,
  review: (id: number, signal?: AbortSignal) =>
    request<Review & { product?: Product; product_id?: number }>("GET", `${BASE}/reviews/${enc(id)}`, undefined, signal),

  model: (id: number, signal?: AbortSignal) => request<Model>("GET", `${BASE}/products/${enc(id)}/model`, undefined, signal),
  createItem: (id: number, what: "dimensions" | "labels", body: Record<string, string>) =>
    request<unknown>("POST", `${BASE}/products/${enc(id)}/${what}`, body),
  patchItem: (id: number, what: "dimensions" | "labels", item: number, body: { name?: string; definition?: string }) =>
    request<unknown>("PATCH", `${BASE}/products/${enc(id)}/${what}/${enc(item)}`, body),
  deleteItem: (id: number, what: "dimensions" | "labels", item: number) =>
    request<unknown>("DELETE", `${BASE}/products/${enc(id)}/${what}/${enc(item)}`),
  mergeItem: (id: number, what: "dimensions" | "labels", item: number, into: number) =>
    request<unknown>("POST", `${BASE}/products/${enc(id)}/${what}/${enc(item)}/merge`, { into }),
  switchLanguage: (path: string, language: string) => request<unknown>("POST", path, { language, target_language: language }),

  reports: (id: number, signal?: AbortSignal) =>
    request<{ items: ReportSummary[] | null }>("GET", `${BASE}/products/${enc(id)}/reports`, undefined, signal).then((r) => r.items ?? []),
  report: (id: number, signal?: AbortSignal) => request<Report>("GET", `${BASE}/reports/${enc(id)}`, undefined, signal),
  createRoleReport: (analysisID: number, kind: string) => request<ReportSummary>("POST", `${BASE}/analyses/${enc(analysisID)}/reports`, { kind }),
  /** deleteProduct deletes a product without reviews (409 otherwise). */
  deleteProduct: (id: number) => request<void>("DELETE", `${BASE}/products/${enc(id)}`),
  deleteReport: (id: number) => request<void>("DELETE", `${BASE}/reports/${enc(id)}`),
  shares: (id: number, signal?: AbortSignal) =>
    request<{ items: Share[] | null } | Share[]>("GET", `${BASE}/reports/${enc(id)}/shares`, undefined, signal).then((r) =>
      Array.isArray(r) ? r : (r?.items ?? []),
    ),
  createShare: (id: number, hours = 168) => request<Share>("POST", `${BASE}/reports/${enc(id)}/shares`, { expires_in_hours: hours }),
  deleteShare: (id: number) => request<void>("DELETE", `${BASE}/shares/${enc(id)}`),
  links: {
    markdown: (id: number) => `${BASE}/reports/${enc(id)}/markdown?download=true`,
    html: (id: number) => `${BASE}/reports/${enc(id)}/html`,
    pdf: (id: number) => `${BASE}/reports/${enc(id)}/pdf`,
  },

  comparisons: (signal?: AbortSignal) =>
    request<{ items: ComparisonSummary[] | null }>("GET", `${BASE}/comparisons`, undefined, signal).then((r) => r?.items ?? []),
  comparison: (id: number, signal?: AbortSignal) => request<ComparisonView>("GET", `${BASE}/comparisons/${enc(id)}`, undefined, signal),
  createComparison: (name: string, productIDs: number[]) =>
    request<ComparisonView>("POST", `${BASE}/comparisons`, { name, product_ids: productIDs }),
  correctAlignment: (id: number, groups: AlignGroup[]) =>
    request<ComparisonView>("PATCH", `${BASE}/comparisons/${enc(id)}/alignment`, { groups }),
  realignComparison: (id: number) => request<ComparisonView>("POST", `${BASE}/comparisons/${enc(id)}/alignment/realign`),
  comparisonLinks: {
    markdown: (id: number) => `${BASE}/comparisons/${enc(id)}/markdown?download=true`,
    html: (id: number) => `${BASE}/comparisons/${enc(id)}/html`,
    pdf: (id: number) => `${BASE}/comparisons/${enc(id)}/pdf`,
  },

  list: (path: string, signal?: AbortSignal) =>
    request<{ items: Item[] | null } | Item[]>("GET", BASE + path, undefined, signal).then((r) => (Array.isArray(r) ? r : (r?.items ?? []))),
  post: (path: string, body: unknown) => request<Item>("POST", BASE + path, body),
  del: (path: string) => request<void>("DELETE", BASE + path),
};
