// The web app end to end, in Debian's Chromium, against a real voc serve
// with the offline analyser. Tests run in order and share the product
// they create. Each saves screenshots under webui/e2e/out/shots/.
import { expect, test, type Page } from "@playwright/test";
import { mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { reviewsCSV } from "./fixture";

const here = dirname(fileURLToPath(import.meta.url));
const state = () => JSON.parse(readFileSync(join(here, "out", "state.json"), "utf8")) as { url: string; token: string };
const shots = join(here, "out", "shots");
mkdirSync(shots, { recursive: true });

async function shot(page: Page, name: string) {
  await page.screenshot({ path: join(shots, name + ".png"), fullPage: true });
}

async function signIn(page: Page) {
  const r = await page.request.post("/api/v1/session", { data: { token: state().token } });
  expect(r.ok()).toBeTruthy();
}

/** chartPoint returns the page coordinates of a data item of a chart and its value. */
async function chartPoint(page: Page, chart: string, seriesIndex: number, dataIndex: number, horizontal = false) {
  const el = page.locator(`[data-chart="${chart}"]`);
  await el.scrollIntoViewIfNeeded();
  await expect(el.locator("svg")).toBeVisible();
  const box = (await el.boundingBox())!;
  const p = await el.evaluate(
    (node, a) => {
      const c = (node as unknown as { __chart: { getOption(): { series: { data: unknown[] }[] }; convertToPixel(f: object, v: number[]): number[] } }).__chart;
      const raw = c.getOption().series[a.s]!.data[a.i] as number | { value: number };
      const value = typeof raw === "number" ? raw : raw.value;
      const xy = a.h ? c.convertToPixel({ seriesIndex: a.s }, [value / 2, a.i]) : c.convertToPixel({ seriesIndex: a.s }, [a.i, value / 2]);
      return { x: xy[0]!, y: xy[1]!, value };
    },
    { s: seriesIndex, i: dataIndex, h: horizontal },
  );
  return { x: box.x + p.x, y: box.y + p.y, value: p.value };
}

/** total waits for the reader to show fresh results, and returns their count. */
async function total(page: Page, q?: string): Promise<number> {
  const el = page.locator('[data-testid="total"]:not([data-stale])' + (q != null ? `[data-q="${q}"]` : ""));
  await expect(el).toBeVisible();
  return Number(await el.getAttribute("data-total"));
}

let productID = 0;

test.describe.configure({ mode: "serial" });

test("sign-in: a wrong token is refused in words, the right one opens the app", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/login\?next=%2F/);
  await expect(page.locator("h1")).toHaveText("Sign in to voc");
  await page.getByLabel("API token").fill("voc_wrong");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert")).toContainText(/invalid or revoked token|session has ended/i);
  await shot(page, "01-login-error");
  await page.getByLabel("API token").fill(state().token);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.locator("h1")).toHaveText("Products");
  await expect(page.locator("h1")).toHaveCount(1);
  await shot(page, "02-products-empty");
  // The API viewer is served from the binary and renders offline.
  await page.goto("/docs");
  await expect(page.locator(".swagger-ui .info .title")).toContainText("voc API");
});

test("upload with preview, then live progress to the final report", async ({ page }) => {
  await signIn(page);
  await page.goto("/upload");
  await page.getByTestId("file").setInputFiles({ name: "reviews.csv", mimeType: "text/csv", buffer: Buffer.from(reviewsCSV(45, "a")) });
  await page.getByTestId("asin").fill("B0E2E00001");
  await page.getByTestId("preview").click();
  const mapping = page.getByTestId("mapping");
  await expect(mapping).toBeVisible();
  await expect(mapping.getByLabel("Rating")).toHaveValue("Stars");
  await expect(mapping.getByLabel("Review text")).toHaveValue("Review");
  await shot(page, "03-upload-preview");
  await page.getByTestId("submit").click();
  await expect(page).toHaveURL(/\/products\/\d+\/pipeline$/);
  productID = Number(page.url().match(/products\/(\d+)/)![1]);
  await expect(page.getByTestId("upload-row")).toHaveCount(1);
  // The offline analyser translates nothing: the step says skipped.
  await expect(page.getByTestId("step-translation")).toContainText("Skipped", { timeout: 60_000 });
  await shot(page, "04-pipeline-running");
  const open = page.getByRole("link", { name: "Open the Final report" });
  await expect(open).toBeVisible({ timeout: 90_000 });
  await expect(page.getByTestId("step-insights")).toContainText("45 of 45 done");
  await shot(page, "05-pipeline-done");
  await open.click();
  await expect(page.locator("h1")).toContainText("Final report");
  await expect(page.getByRole("heading", { name: "Strengths and weaknesses by dimension" })).toBeVisible();
  await shot(page, "06-report");
});

test("a file without ratings needs the explicit choice, with or without the preview", async ({ page }) => {
  await signIn(page);
  await page.goto("/upload");
  const file = { name: "labels.csv", mimeType: "text/csv", buffer: Buffer.from("text,label\nGreat sound,1\nBattery died,0\nComfortable fit,1\n") };
  await page.getByTestId("file").setInputFiles(file);
  await page.getByTestId("asin").fill("B0E2E00009");
  await page.getByTestId("submit").click();
  await expect(page.getByRole("alert")).toContainText("No rating column found");
  await page.getByTestId("preview").click();
  await expect(page.getByTestId("mapping").getByLabel("Rating")).toHaveValue("");
  await page.getByTestId("submit").click();
  await expect(page.getByRole("alert")).toContainText("No rating column found");
  await shot(page, "05b-upload-no-rating");
  await page.getByTestId("no-rating").check();
  await expect(page.getByTestId("mapping").getByLabel("Rating")).toHaveValue("__none__");
  await page.getByTestId("submit").click();
  await expect(page).toHaveURL(/\/pipeline$/);
  const id = Number(page.url().match(/products\/(\d+)/)![1]);
  await expect.poll(async () => (await (await page.request.get(`/api/v1/products/${id}`)).json()).review_count, { timeout: 30_000 }).toBe(3);
  await page.goto(`/products/${id}`);
  await expect(page.getByText("These reviews have no star ratings.")).toBeVisible();
});

test("drill-down: a chart item opens exactly the reviews it counts", async ({ page }) => {
  await signIn(page);
  await page.goto(`/products/${productID}`);
  await expect(page.locator("h1")).toHaveText("Dashboard");
  // The impact bubbles' names never print over one another: a name that
  // would is hidden (the tooltip still has it).
  const bubble = page.locator('[data-chart="bubble"]');
  await bubble.scrollIntoViewIfNeeded();
  const overlaps = () => bubble.evaluate((node) => {
    const c = (node as unknown as { __chart: { getOption(): { series: { data: { name: string }[] }[] } } }).__chart;
    const names = new Set(c.getOption().series[0]!.data.map((d) => d.name));
    const boxes = [...node.querySelectorAll("svg text")]
      .filter((e) => names.has(e.textContent ?? ""))
      .map((e) => ({ name: e.textContent, r: e.getBoundingClientRect() }));
    const hit: string[] = [];
    boxes.forEach((a, i) =>
      boxes.slice(i + 1).forEach((b) => {
        // 2 px: a 12 px label's box is 14 px tall (its leading), ECharts lays out 12.
        const m = 2;
        if (a.r.left < b.r.right - m && b.r.left < a.r.right - m && a.r.top < b.r.bottom - m && b.r.top < a.r.bottom - m) hit.push(`${a.name} / ${b.name}`);
      }),
    );
    return { shown: boxes.length, hit };
  });
  // Polled: the labels are laid out again as the entry animation ends.
  await expect.poll(async () => (await overlaps()).hit).toEqual([]);
  expect((await overlaps()).shown).toBeGreaterThan(0);
  // The 5★ bar (bars run 1★ to 5★).
  const five = await chartPoint(page, "ratings", 0, 4);
  expect(five.value).toBeGreaterThan(0);
  await shot(page, "07-dashboard");
  await page.mouse.click(five.x, five.y);
  await expect(page).toHaveURL(/\/reviews\?rating=5$/);
  expect(await total(page)).toBe(five.value);
  await expect(page.getByTestId("review")).toHaveCount(five.value);
  await expect(page.getByTestId("chips")).toContainText("Rating: 5★");
  await shot(page, "08-drill-ratings");

  // A dimension's positive segment in the impact chart, under a filter.
  await page.goto(`/products/${productID}?variant=${encodeURIComponent("Color: Black")}`);
  const rows = await page.locator('[data-chart="impact"]').evaluate((n) => {
    const c = (n as unknown as { __chart: { getOption(): { series: { data: number[] }[] } } }).__chart;
    return c.getOption().series[0]!.data;
  });
  const idx = rows.findIndex((v) => v > 0);
  expect(idx).toBeGreaterThanOrEqual(0);
  const seg = await chartPoint(page, "impact", 0, idx, true);
  await page.mouse.click(seg.x, seg.y);
  await expect(page).toHaveURL(/insight_sentiment=positive/);
  await expect(page).toHaveURL(/variant=Color/);
  expect(await total(page)).toBe(seg.value);
  await expect(page.getByTestId("review")).toHaveCount(Math.min(25, seg.value));
  await shot(page, "09-drill-impact");
});

test("search finds words in any language and highlights them", async ({ page }) => {
  await signIn(page);
  await page.goto(`/products/${productID}/reviews`);
  await page.getByTestId("search").fill("battery");
  await page.getByRole("button", { name: "Search", exact: true }).click();
  await expect(page).toHaveURL(/q=battery/);
  const n = await total(page, "battery");
  expect(n).toBeGreaterThan(5);
  const cards = page.getByTestId("review");
  await expect(cards).toHaveCount(Math.min(25, n));
  for (const card of await cards.all()) await expect(card.locator("mark").filter({ hasText: /battery/i }).first()).toBeVisible();
  await shot(page, "10-search");
  await page.getByTestId("search").fill("电池");
  await page.getByRole("button", { name: "Search", exact: true }).click();
  await expect(page).toHaveURL(/q=%E7%94%B5%E6%B1%A0/);
  const zh = await total(page, "电池");
  await expect(page.getByTestId("review").first()).toContainText("电池");
  expect(zh).toBeGreaterThan(0);
  await expect(page.getByTestId("review")).toHaveCount(zh);
  // The export link carries exactly these filters.
  await expect(page.getByRole("link", { name: /Export these/ })).toHaveAttribute("href", /reviews\/export\.xlsx\?q=%E7%94%B5%E6%B1%A0&sort=newest/);
});

test("a model edit, then a re-run", async ({ page }) => {
  await signIn(page);
  await page.goto(`/products/${productID}/model`);
  await expect(page.locator("h1")).toHaveText("Model");
  const item = page.locator(".item").first();
  const name = (await item.locator("button.name").innerText()).split("\n")[0]!.replace(/\s*\d+ reviews?$/, "").trim();
  await item.getByRole("button", { name: "Edit" }).click();
  await page.getByTestId("edit-name").fill(name + " edited");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.locator(".item button.name").filter({ hasText: name + " edited" })).toBeVisible();
  await expect(page.getByTestId("undo")).toBeVisible();
  await shot(page, "11-model-edited");
  const before = await (await page.request.get(`/api/v1/products/${productID}/analysis`)).json();
  await page.getByTestId("rerun").click();
  await expect(page).toHaveURL(/\/pipeline$/);
  const latest = async () => (await (await page.request.get(`/api/v1/products/${productID}/analysis`)).json()).analysis_id as number;
  await expect.poll(latest, { timeout: 30_000 }).toBeGreaterThan(before.analysis_id);
  await expect(page.locator("h2").filter({ hasText: `Analysis #${await latest()}` })).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId("analysis-status")).toContainText(/Done/, { timeout: 90_000 });
  await shot(page, "12-rerun-done");
  // The edited name is what the new insights carry.
  await page.goto(`/products/${productID}/reviews`);
  await expect(page.locator(".insight").filter({ hasText: name + " edited" }).first()).toBeVisible();
});

test("role report, its PDF and a share link", async ({ page, browser }) => {
  await signIn(page);
  const doc = await (await page.request.get("/openapi.json")).json();
  test.skip(!doc.paths?.["/api/v1/analyses/{id}/reports"]?.post, "the role-report endpoint (POST /api/v1/analyses/{id}/reports) is not on this server yet");
  await page.goto(`/products/${productID}/reports`);
  await page.getByTestId("create-role-report").click();
  await expect(page).toHaveURL(/\/reports\/\d+$/);
  await shot(page, "13-role-report");
  if (doc.paths?.["/api/v1/reports/{id}/pdf"]?.get) {
    const href = await page.getByTestId("pdf").getAttribute("href");
    const pdf = await page.request.get(href!);
    expect(pdf.headers()["content-type"]).toContain("application/pdf");
    expect((await pdf.body()).subarray(0, 4).toString()).toBe("%PDF");
  }
  if (doc.paths?.["/api/v1/reports/{id}/shares"]?.post) {
    await page.getByTestId("create-share").click();
    const link = await page.getByTestId("share").first().locator("input").inputValue();
    expect(link).toMatch(/^http/);
    const anon = await browser.newContext();
    const res = await anon.request.get(link);
    expect(res.status()).toBe(200);
    await anon.close();
    await shot(page, "14-share");
  }
});

test("a comparison of two products", async ({ page }) => {
  await signIn(page);
  const res = await page.request.post("/api/v1/uploads", {
    // A cookie-authenticated mutation must come from the app's own origin.
    headers: { Origin: new URL(process.env.VOC_E2E_URL!).origin },
    multipart: { file: { name: "b.csv", mimeType: "text/csv", buffer: Buffer.from(reviewsCSV(30, "b")) }, asin: "B0E2E00002", marketplace: "US" },
  });
  expect(res.status()).toBe(202);
  const other = (await res.json()).product_id as number;
  // Wait for the second file to be stored (the comparison reads reviews).
  await expect.poll(async () => (await (await page.request.get(`/api/v1/products/${other}`)).json()).review_count, { timeout: 30_000 }).toBe(30);
  await page.goto("/comparisons");
  await expect(page.locator("h1")).toHaveText("Compare products");
  await page.getByLabel(/B0E2E00001/).check();
  await page.getByLabel(/B0E2E00002/).check();
  await expect(page).toHaveURL(new RegExp(`p=${productID}&p=${other}`));
  const table = page.getByTestId("comparison").locator("tbody tr");
  await expect(table).toHaveCount(2);
  await expect(table.nth(0)).toContainText("45");
  await expect(table.nth(1)).toContainText("30");
  await shot(page, "15-comparison");
});

test("a failed first upload leaves an empty product, which can be deleted", async ({ page }) => {
  await signIn(page);
  // Uploaded through the API, which parses nothing in the request: the
  // ingestion job then fails on the file and stores no review.
  const r = await page.request.post("/api/v1/uploads", {
    headers: { Authorization: "Bearer " + state().token },
    multipart: { asin: "B0E2EFAIL1", file: { name: "broken.xlsx", mimeType: "application/octet-stream", buffer: Buffer.from("this is not a workbook") } },
  });
  expect(r.status()).toBe(202);
  const id = (await r.json()).product_id as number;
  expect(id).toBeGreaterThan(0);
  await page.goto(`/products/${id}/pipeline`);
  await expect(page.getByTestId("upload-row")).toContainText("Failed", { timeout: 30_000 });
  const panel = page.getByTestId("empty-product");
  await expect(panel).toBeVisible();
  await shot(page, "15b-empty-product");
  page.once("dialog", (d) => void d.accept());
  await panel.getByRole("button", { name: "Delete product" }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.locator("h1")).toHaveText("Products");
  expect((await page.request.get(`/api/v1/products/${id}`)).status()).toBe(404);
  const audit = await (await page.request.get("/api/v1/audit?action=product.delete")).json();
  expect(JSON.stringify(audit)).toContain(`product ${id}`);
  // A product with reviews offers no delete.
  await page.goto(`/products/${productID}/pipeline`);
  await expect(page.getByTestId("upload-row").first()).toBeVisible();
  await expect(page.getByTestId("empty-product")).toHaveCount(0);
});

test("the language is remembered on the user, in any browser", async ({ browser, page }) => {
  await signIn(page);
  const email = `lang-${Date.now()}@example.com`;
  const password = "correct horse battery";
  const created = await page.request.post("/api/v1/users", {
    headers: { Authorization: "Bearer " + state().token },
    data: { email, name: "Lang", role: "analyst", password },
  });
  expect(created.status()).toBe(201);
  const signInWithPassword = async (p: Page) => {
    await p.goto("/login");
    await p.getByRole("tab", { name: "Email and password" }).click();
    await p.getByLabel("Email").fill(email);
    await p.getByLabel("Password").fill(password);
    await p.getByRole("button", { name: "Sign in" }).click();
  };
  // First browser: chooses Chinese.
  const first = await browser.newContext({ locale: "en-US" });
  const a = await first.newPage();
  await signInWithPassword(a);
  await expect(a.locator("h1")).toHaveText("Products");
  await a.getByTestId("lang").selectOption("zh");
  await expect(a.locator("h1")).toHaveText("产品");
  await expect.poll(async () => (await (await a.request.get("/api/v1/me")).json()).language).toBe("zh");
  await expect(a.getByTestId("lang-error")).toHaveCount(0);
  await first.close();
  // Another browser, English and never used: the sign-in page follows the
  // browser, the app the user's choice.
  const second = await browser.newContext({ locale: "en-US" });
  const b = await second.newPage();
  await signInWithPassword(b);
  await expect(b.locator("h1")).toHaveText("产品");
  await expect(b.locator("html")).toHaveAttribute("lang", "zh-CN");
  await shot(b, "16b-language-from-account");
  await b.getByTestId("lang").selectOption("en");
  await expect(b.locator("h1")).toHaveText("Products");
  await expect.poll(async () => (await (await b.request.get("/api/v1/me")).json()).language).toBe("en");
  await second.close();
});

test("a saved comparison: the aligned matrix, an alignment correction that persists, the PDF", async ({ page, browser }) => {
  test.setTimeout(180_000);
  await signIn(page);
  const list = await (await page.request.get("/api/v1/products?limit=200")).json();
  const other = (list.items as { id: number; asin: string }[]).find((p) => p.asin === "B0E2E00002")!.id;
  // A comparison needs each product's learned model; wait for the second
  // product's analysis so the matrix has its numbers.
  await expect
    .poll(async () => (await (await page.request.get(`/api/v1/products/${other}/analysis`)).json()).status, { timeout: 120_000 })
    .toBe("done");
  await page.goto(`/comparisons?p=${productID}&p=${other}`);
  await page.getByTestId("comparison-name").fill("Headphones <b>A</b> vs B");
  await page.getByTestId("save-comparison").click();
  await expect(page).toHaveURL(/\/comparisons\/\d+$/);
  const id = Number(page.url().match(/comparisons\/(\d+)/)![1]);
  // The name is user text: shown as text, never as markup.
  await expect(page.locator("h1")).toHaveText("Headphones <b>A</b> vs B");
  await expect(page.locator("h1")).toHaveCount(1);
  await expect(page.getByTestId("compare-products").locator("tbody tr")).toHaveCount(2);
  await expect(page.getByTestId("matrix-row").first()).toBeVisible();
  expect(await page.getByTestId("matrix-cell").count()).toBeGreaterThan(2);
  await expect(page.getByTestId("alignment-source")).toHaveAttribute("data-source", "offline");
  await expect(page.getByTestId("alignment-source")).toContainText("aligned offline");
  await expect(page.getByTestId("alignment-source")).toContainText("No language model is configured");
  await shot(page, "15b-saved-comparison");

  // The editor: move the second product's dimension out of a shared row.
  const editor = page.getByTestId("alignment-editor");
  const groups = editor.getByTestId("align-group");
  const before = await groups.count();
  const shared = editor.locator('[data-testid="align-group"][data-size="2"]').first();
  await shared.scrollIntoViewIfNeeded();
  const member = shared.getByTestId("align-member").nth(1);
  const dim = await member.getAttribute("data-dimension");
  await member.getByTestId("move").selectOption("__alone__");
  await expect(groups).toHaveCount(before + 1);
  const alone = (p: Page) => p.locator('[data-testid="align-group"][data-size="1"]').filter({ has: p.locator(`[data-dimension="${dim}"]`) });
  await expect(alone(page)).toHaveCount(1);
  await shot(page, "15c-alignment-edit");
  await page.getByTestId("save-alignment").click();
  await expect(editor.getByRole("status")).toHaveText("The alignment was saved.");
  await expect(page.getByTestId("alignment-source")).toHaveAttribute("data-source", "edited");

  // After a reload the correction is still there.
  await page.reload();
  await expect(page.getByTestId("alignment-source")).toContainText("An analyst corrected the alignment.");
  await expect(alone(page)).toHaveCount(1);
  await expect(page.getByTestId("alignment-editor").getByTestId("align-group")).toHaveCount(before + 1);
  const saved = await (await page.request.get(`/api/v1/comparisons/${id}`)).json();
  expect(saved.alignment_source).toBe("edited");
  const holder = (saved.alignment as { members: { dimension_id: number }[] }[]).find((g) => g.members.some((m) => m.dimension_id === Number(dim)))!;
  expect(holder.members).toHaveLength(1);
  await shot(page, "15d-alignment-saved");

  // The report downloads.
  await expect(page.getByTestId("comparison-markdown")).toHaveAttribute("href", `/api/v1/comparisons/${id}/markdown?download=true`);
  await expect(page.getByTestId("comparison-html")).toHaveAttribute("href", `/api/v1/comparisons/${id}/html`);
  const pdf = await page.request.get((await page.getByTestId("comparison-pdf").getAttribute("href"))!);
  expect(pdf.status()).toBe(200);
  expect(pdf.headers()["content-type"]).toContain("application/pdf");
  expect((await pdf.body()).subarray(0, 4).toString()).toBe("%PDF");

  // A viewer reads the comparison and its reports but gets no editor.
  const origin = new URL(process.env.VOC_E2E_URL!).origin;
  const viewer = { email: "viewer@e2e.test", password: "viewer-password-1" };
  const made = await page.request.post("/api/v1/users", { headers: { Origin: origin }, data: { ...viewer, name: "Viewer", role: "viewer" } });
  expect(made.status()).toBe(201);
  const vctx = await browser.newContext();
  const vpage = await vctx.newPage();
  expect((await vpage.request.post("/api/v1/session", { headers: { Origin: origin }, data: viewer })).ok()).toBeTruthy();
  await vpage.goto(`/comparisons/${id}`);
  await expect(vpage.getByTestId("matrix-row").first()).toBeVisible();
  await expect(vpage.getByTestId("comparison-pdf")).toBeVisible();
  await expect(vpage.getByTestId("alignment-editor")).toHaveCount(0);
  await expect(vpage.getByTestId("realign")).toHaveCount(0);
  await vpage.goto(`/comparisons?p=${productID}&p=${other}`);
  await expect(vpage.getByTestId("comparison").locator("tbody tr")).toHaveCount(2);
  await expect(vpage.getByTestId("create-comparison")).toHaveCount(0);
  await vctx.close();

  // Listed with the saved comparisons; usable at 390 px.
  await page.goto("/comparisons");
  await expect(page.getByTestId("saved-comparisons").getByRole("link", { name: "Headphones <b>A</b> vs B" })).toBeVisible();
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`/comparisons/${id}`);
  await expect(page.getByTestId("matrix-row").first()).toBeVisible();
  await page.waitForLoadState("networkidle");
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width, `/comparisons/${id} is ${width}px wide`).toBeLessThanOrEqual(390);
  await shot(page, "15e-saved-comparison-mobile");
  // In Chinese, how the alignment was made is said in Chinese too.
  await page.getByTestId("lang").selectOption("zh");
  await expect(page.getByTestId("alignment-source")).toContainText("分析师已修正对齐。");
  await expect(page.getByRole("heading", { name: "修正对齐" })).toBeVisible();
  await expect(page.getByTestId("realign")).toHaveText("用模型重新对齐");
  await shot(page, "15f-saved-comparison-zh");
  await page.getByTestId("lang").selectOption("en");
  await expect(page.getByRole("heading", { name: "Correct the alignment" })).toBeVisible();

  // Re-aligning asks first (the alignment is an analyst's), then aligns
  // again as creation did (offline here: no model is configured) and the
  // correction is gone; dismissing the question changes nothing.
  const realign = page.getByTestId("realign");
  await expect(realign).toHaveText("Re-align with the model");
  page.once("dialog", (d) => void d.dismiss());
  await realign.click();
  await expect(page.getByTestId("alignment-source")).toHaveAttribute("data-source", "edited");
  let asked = "";
  page.once("dialog", (d) => {
    asked = d.message();
    void d.accept();
  });
  await realign.click();
  await expect(page.getByTestId("alignment-source")).toHaveAttribute("data-source", "offline");
  expect(asked).toContain("analyst's correction");
  await expect(page.getByTestId("alignment-source").getByRole("status")).toHaveText("The dimensions were aligned again.");
  await expect(alone(page)).toHaveCount(0);
  const realigned = await (await page.request.get(`/api/v1/comparisons/${id}`)).json();
  expect(realigned.alignment_source).toBe("offline");
});

test("zh/en switch, remembered across reloads", async ({ page }) => {
  await signIn(page);
  await page.goto(`/products/${productID}`);
  await expect(page.locator("h1")).toHaveText("Dashboard");
  await page.getByTestId("lang").selectOption("zh");
  await expect(page.locator("h1")).toHaveText("仪表盘");
  await expect(page.locator("html")).toHaveAttribute("lang", "zh-CN");
  await expect(page.getByRole("link", { name: "评论" }).first()).toBeVisible();
  await shot(page, "16-dashboard-zh");
  await page.reload();
  await expect(page.locator("h1")).toHaveText("仪表盘");
  await page.goto(`/products/${productID}/pipeline`);
  await expect(page.locator("h1")).toHaveText("处理流程");
  await expect(page.getByTestId("step-translation")).toContainText("已跳过");
  await page.getByTestId("lang").selectOption("en");
  await expect(page.locator("h1")).toHaveText("Pipeline");
});

test("390 px wide: nothing overflows, one h1 per page", async ({ page }) => {
  await signIn(page);
  await page.setViewportSize({ width: 390, height: 844 });
  const views = ["/", `/products/${productID}`, `/products/${productID}/reviews`, `/products/${productID}/pipeline`, `/products/${productID}/model`, `/products/${productID}/reports`, "/upload", "/comparisons"];
  for (const v of views) {
    await page.goto(v);
    await expect(page.locator("h1")).toHaveCount(1);
    await expect(page.locator("main")).toBeVisible();
    await page.waitForLoadState("networkidle");
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width, `${v} is ${width}px wide`).toBeLessThanOrEqual(390);
    await shot(page, "17-mobile" + v.replace(/\//g, "_"));
  }
});

test("errors: network loss shows words and a retry; an expired session returns to the same view", async ({ page, context }) => {
  await signIn(page);
  await page.goto(`/products/${productID}/reviews?rating=1`);
  await expect(page.getByTestId("review").first()).toBeVisible();
  await context.setOffline(true);
  await page.getByRole("button", { name: /Remove filter/ }).first().click();
  await expect(page.getByRole("alert")).toContainText("The server could not be reached", { timeout: 20_000 });
  await expect(page.locator("body")).not.toContainText("{");
  await shot(page, "18-offline");
  await context.setOffline(false);
  await page.getByRole("button", { name: "Try again" }).click();
  await expect(page.getByTestId("review").first()).toBeVisible();

  await context.clearCookies();
  await page.getByTestId("lang").selectOption("en");
  await page.getByLabel("Sort").selectOption("oldest");
  await expect(page).toHaveURL(/\/login\?next=/);
  await expect(page.getByText("Sign in to continue where you left off.")).toBeVisible();
  await page.getByLabel("API token").fill(state().token);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(new RegExp(`/products/${productID}/reviews\\?sort=oldest$`));
  await expect(page.getByTestId("review").first()).toBeVisible();
});
