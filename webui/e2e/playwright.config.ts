// Browser tests: Debian's chromium (never a downloaded browser) against a
// real `voc serve` on a scratch Postgres database, started by global-setup.
import { defineConfig } from "@playwright/test";

export default defineConfig({
  testDir: ".",
  testMatch: /.*\.spec\.ts/,
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: [["list"]],
  globalSetup: "./global-setup.ts",
  globalTeardown: "./global-teardown.ts",
  outputDir: "out/results",
  use: {
    baseURL: process.env.VOC_E2E_URL,
    launchOptions: { executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", args: ["--no-sandbox"] },
    viewport: { width: 1280, height: 860 },
    locale: "en-US",
    trace: "off",
  },
});
