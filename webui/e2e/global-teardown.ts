import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { statePath } from "./global-setup";

export default async function teardown() {
  const s = JSON.parse(readFileSync(statePath, "utf8")) as { pid: number; db: string; pgHost: string };
  try {
    process.kill(s.pid, "SIGTERM");
  } catch {
    /* already gone */
  }
  // Wait for the server to close its connections before dropping.
  for (let i = 0; i < 100; i++) {
    try {
      process.kill(s.pid, 0);
    } catch {
      break;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  execFileSync("psql", ["-h", s.pgHost, "-U", "postgres", "-d", "postgres", "-qc", `DROP DATABASE IF EXISTS ${s.db} WITH (FORCE)`]);
}
