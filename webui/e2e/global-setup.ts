// Starts `voc serve` (bin/voc, built by `make test-browser`) with the
// offline analyser on a fresh database, and writes its URL and admin token
// where the tests read them. global-teardown stops it and drops the
// database.
import { execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, openSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
export const statePath = join(here, "out", "state.json");

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const a = s.address();
      s.close(() => (a && typeof a === "object" ? resolve(a.port) : reject(new Error("no port"))));
    });
  });
}

export default async function setup() {
  const chromium = process.env.CHROMIUM ?? "/usr/bin/chromium";
  if (!existsSync(chromium)) throw new Error(`the browser tests need Chromium at ${chromium}: apt-get install -y chromium`);
  const bin = join(root, "bin", "voc");
  if (!existsSync(bin)) throw new Error("bin/voc is missing: run `make build` first (make test-browser does)");
  mkdirSync(join(here, "out"), { recursive: true });
  const pgHost = process.env.PGHOST ?? "127.0.0.1";
  const db = "voc_e2e_" + randomBytes(4).toString("hex");
  execFileSync("psql", ["-h", pgHost, "-U", "postgres", "-d", "postgres", "-qc", `CREATE DATABASE ${db}`]);
  const port = await freePort();
  const token = "voc_e2e_" + randomBytes(16).toString("hex");
  const log = openSync(join(here, "out", "voc.log"), "w");
  const child = spawn(bin, ["serve"], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: `postgres://postgres@${pgHost}:5432/${db}?sslmode=disable`,
      VOC_ADDR: `127.0.0.1:${port}`,
      VOC_ADMIN_TOKEN: token,
      VOC_LLM_PROVIDER: "offline",
      REDIS_URL: "",
    },
    stdio: ["ignore", log, log],
    detached: false,
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode != null) throw new Error(`voc serve exited with ${child.exitCode}; see webui/e2e/out/voc.log`);
    try {
      const r = await fetch(url + "/health");
      if (r.ok) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) throw new Error("voc serve did not answer /health within 60 s");
    await new Promise((r) => setTimeout(r, 200));
  }
  writeFileSync(statePath, JSON.stringify({ url, token, db, pid: child.pid, pgHost }));
  process.env.VOC_E2E_URL = url;
  process.env.VOC_E2E_TOKEN = token;
}
