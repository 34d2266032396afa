import { resolve } from "node:path";
import { defineConfig } from "vite";

/**
 * The merchant console (widget/console/): its own bundle, apart from the widget's. `console/app.js`
 * is the shell; pages and Chart.js are hashed chunks under `console/chunks/`, loaded on navigation.
 */
export default defineConfig({
  logLevel: "warn",
  mode: "production",
  resolve: { conditions: ["module", "browser", "production"] },
  build: {
    lib: { entry: resolve(import.meta.dirname, "console/main.ts"), formats: ["es"], fileName: () => "app.js" },
    outDir: resolve(import.meta.dirname, "../.build/public/console"),
    emptyOutDir: false,
    target: "es2022",
    minify: "oxc",
    rolldownOptions: { output: { minify: true, comments: { annotation: false }, chunkFileNames: "chunks/[name]-[hash].js" } },
    sourcemap: false,
  },
});
