// Screenshots of every view in both languages for docs/WEBUI.md. Runs only
// with VOC_DOCS_SHOTS=1 (npm --prefix webui run e2e with it set); writes to
// webui/e2e/out/docs/, from where the docs' compact PNGs are made.
import { expect, test } from "@playwright/test";
import { mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { reviewsCSV } from "./fixture";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "out", "docs");

test("screenshots of every view in zh and en", async ({ page }) => {
  test.skip(process.env.VOC_DOCS_SHOTS !== "1", "set VOC_DOCS_SHOTS=1 to take the documentation screenshots");
  test.setTimeout(180_000);
  mkdirSync(out, { recursive: true });
  const { token } = JSON.parse(readFileSync(join(here, "out", "state.json"), "utf8")) as { token: string };
  expect((await page.request.post("/api/v1/session", { data: { token } })).ok()).toBeTruthy();
  const up = async (asin: string, n: number) => {
    const r = await page.request.post("/api/v1/uploads", {
      // A cookie-authenticated mutation must come from the app's own origin.
      headers: { Origin: new URL(process.env.VOC_E2E_URL!).origin },
      multipart: { file: { name: asin + ".csv", mimeType: "text/csv", buffer: Buffer.from(reviewsCSV(n, asin)) }, asin, marketplace: "US", target_language: "en" },
    });
    return (await r.json()).product_id as number;
  };
  const id = await up("B0DOCS0001", 60);
  const other = await up("B0DOCS0002", 40);
  await expect
    .poll(async () => ((await (await page.request.get(`/api/v1/products/${id}/reports`)).json()).items ?? []).some((r: { kind: string }) => r.kind === "final"), { timeout: 120_000 })
    .toBe(true);
  const reports = (await (await page.request.get(`/api/v1/products/${id}/reports`)).json()).items as { id: number; kind: string }[];
  const final = reports.find((r) => r.kind === "final")!.id;
  const views: [string, string, (() => Promise<void>)?][] = [
    ["products", "/"],
    ["dashboard", `/products/${id}`],
    ["reviews", `/products/${id}/reviews?q=battery&sentiment=negative`],
    ["review", `/reviews/${id * 0 + 3}?quote=${encodeURIComponent("battery")}`],
    ["pipeline", `/products/${id}/pipeline`],
    [
      "upload",
      "/upload",
      async () => {
        await page.getByTestId("file").setInputFiles({ name: "reviews.csv", mimeType: "text/csv", buffer: Buffer.from(reviewsCSV(20, "x")) });
        await page.getByTestId("asin").fill("B0DOCS0003");
        await page.getByTestId("preview").click();
        await expect(page.getByTestId("mapping")).toBeVisible();
      },
    ],
    ["model", `/products/${id}/model`],
    ["reports", `/products/${id}/reports`],
    ["report", `/reports/${final}`],
    ["compare", `/comparisons?p=${id}&p=${other}`],
    ["login", "/login"],
  ];
  for (const lang of ["en", "zh"]) {
    await page.addInitScript((l) => localStorage.setItem("voc.lang", l), lang);
    for (const [name, url, prepare] of views) {
      await page.goto(url);
      await expect(page.locator("h1")).toHaveCount(1);
      await page.waitForLoadState("networkidle");
      if (prepare) await prepare();
      await page.waitForTimeout(400); // chart animations settle (a picture, not a synchronisation)
      await page.screenshot({ path: join(out, `${name}-${lang}.png`) });
    }
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`/products/${id}`);
    await page.waitForLoadState("networkidle");
    await page.waitForTimeout(400);
    await page.screenshot({ path: join(out, `mobile-${lang}.png`) });
    await page.setViewportSize({ width: 1280, height: 860 });
  }
});
