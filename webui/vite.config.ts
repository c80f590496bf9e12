// Vite builds src/ into dist/, which the Go binary embeds. The build is
// deterministic: content-hashed file names, no source maps, no timestamps,
// so `make check-webui` can compare a fresh build with the committed one.
// It also copies swagger-ui's bundle into dist/assets/swagger/ for /docs,
// so the API viewer never loads from a CDN.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import react from "@vitejs/plugin-react";
import { defineConfig, type Plugin } from "vite";

const require = createRequire(import.meta.url);

function swaggerUI(): Plugin {
  return {
    name: "voc-swagger-ui",
    apply: "build",
    generateBundle() {
      const dir = dirname(require.resolve("swagger-ui-dist/package.json"));
      for (const f of ["swagger-ui-bundle.js", "swagger-ui.css"]) {
        // Drop the source-map comment: the maps are not shipped.
        const src = readFileSync(join(dir, f), "utf8").replace(/\n?\/[/*]# sourceMappingURL=\S+(\s*\*\/)?\s*$/, "\n");
        this.emitFile({ type: "asset", fileName: "assets/swagger/" + f, source: src });
      }
      this.emitFile({ type: "asset", fileName: "assets/swagger/LICENSE", source: readFileSync(join(dir, "LICENSE"), "utf8") });
    },
  };
}

export default defineConfig({
  plugins: [react(), swaggerUI()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 2000,
    rollupOptions: {
      output: {
        entryFileNames: "assets/[name]-[hash].js",
        chunkFileNames: "assets/[name]-[hash].js",
        assetFileNames: "assets/[name]-[hash][extname]",
      },
    },
  },
  test: {
    environment: "node",
    include: ["src/**/*.test.ts", "src/**/*.test.tsx"],
  },
});
