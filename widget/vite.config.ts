import { resolve } from "node:path";
import { defineConfig } from "vite";

/** The widget bundle: one ES module, widget.js, served by the Worker from .build/public. */
export default defineConfig({
  logLevel: "warn",
  build: {
    lib: { entry: resolve(import.meta.dirname, "src/quittance-invoices.ts"), formats: ["es"], fileName: () => "widget.js" },
    outDir: resolve(import.meta.dirname, "../.build/public"),
    emptyOutDir: false,
    target: "es2022",
    minify: "oxc",
    rolldownOptions: { output: { minify: true } },
    sourcemap: false,
  },
});
