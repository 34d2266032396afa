import { resolve } from "node:path";
import { defineConfig, type Plugin } from "vite";

/**
 * Template literals (Lit's html`` and css``) keep their indentation in the bundle. Whitespace
 * between tags and inside CSS carries no meaning here (no <pre>), so indentation after a newline
 * is dropped from our own sources before minification: ~1 KB less over the wire.
 */
function dropTemplateIndentation(): Plugin {
  const source = resolve(import.meta.dirname, "src");
  return {
    name: "quittance-drop-template-indentation",
    transform(code, id) {
      if (!id.startsWith(source) || !id.endsWith(".ts")) return null;
      return { code: compactCss(code).replace(/\n[ \t]+/g, "\n"), map: null };
    },
  };
}

/**
 * Our css`` blocks carry no interpolation and no quoted text with spaces, so the whitespace around
 * punctuation and after a declaration's colon is noise: it goes too (~100 B gzip), and so does the
 * zero before a decimal point (`0.5rem` is `.5rem`), and a colour of doubled digits takes its short form
 * (`#ffffff` is `#fff`). A block with `${` is left alone.
 */
function compactCss(code: string): string {
  return code.replace(/\bcss`([^`]*)`/g, (block, text: string) =>
    text.includes("${")
      ? block
      : `css\`${text.replace(/\s+/g, " ").replace(/ ?([{};,>]) ?/g, "$1").replace(/: /g, ":").replace(/;}/g, "}").replace(/([\s:,(])0\.(\d)/g, "$1.$2").replace(/#([\da-f])\1([\da-f])\2([\da-f])\3\b/gi, "#$1$2$3").trim()}\``,
  );
}

/**
 * The widget bundle, served as static assets from .build/public: widget.js (Lit, the element, the
 * list) and the chunks its import() calls load later (widget/flow-<hash>.js, widget/live-connection-<hash>.js).
 */
export default defineConfig({
  logLevel: "warn",
  mode: "production",
  // Lit's packages export a development build (extra checks and console warnings) under the
  // "development" condition; browsers get the production one whatever NODE_ENV the build runs with.
  resolve: { conditions: ["module", "browser", "production"] },
  plugins: [dropTemplateIndentation()],
  build: {
    lib: { entry: resolve(import.meta.dirname, "src/quittance-invoices.ts"), formats: ["es"], fileName: () => "widget.js" },
    outDir: resolve(import.meta.dirname, "../.build/public"),
    emptyOutDir: false,
    target: "es2022",
    minify: "oxc",
    // widget.js is loaded as is by browsers, never bundled again: the /* @__PURE__ */ hints are dead weight.
    // Chunks (a lazy import()) live under widget/, where the _headers file written by the build
    // makes them loadable from merchants' pages like widget.js (worker/cli/build-assets.ts).
    // "allow-extension": what a chunk shares with widget.js (Lit, helpers) stays in widget.js, exported
    // to it, instead of a third common chunk that widget.js itself would have to fetch first.
    rolldownOptions: { preserveEntrySignatures: "allow-extension", output: { minify: true, comments: { annotation: false }, chunkFileNames: "widget/[name]-[hash].js" } },
    sourcemap: false,
  },
});
