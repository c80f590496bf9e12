// build.mjs rebuilds dist/ from public/ (static files, copied as they are)
// and src/ (TypeScript, compiled by tsc into dist/assets/). It builds into a
// temporary folder and swaps it in only on success, so a failed build never
// leaves the Go embed without files. No dependencies beyond the pinned
// typescript devDependency.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, renameSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "dist");
const tmp = join(here, ".dist-tmp");

rmSync(tmp, { recursive: true, force: true });
cpSync(join(here, "public"), tmp, { recursive: true });

const tsc = join(here, "node_modules", "typescript", "bin", "tsc");
if (!existsSync(tsc)) {
  console.error("typescript is not installed: run `npm --prefix webui ci` first");
  process.exit(1);
}
const res = spawnSync(process.execPath, [tsc, "-p", join(here, "tsconfig.json"), "--outDir", join(tmp, "assets")], {
  stdio: "inherit",
});
if (res.status !== 0) {
  rmSync(tmp, { recursive: true, force: true });
  console.error("tsc failed; dist/ left as it was");
  process.exit(res.status ?? 1);
}
rmSync(out, { recursive: true, force: true });
renameSync(tmp, out);
console.log("built " + out);
