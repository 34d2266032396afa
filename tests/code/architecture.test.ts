/**
 * The layout the README's code map promises, checked on the source itself: dependencies run one
 * way between the Worker's feature folders, no file imports itself back in the folders that must
 * stay acyclic, route files hold no SQL, only events/publish.ts tells the hub, no feature imports
 * another feature's route file, and no source file outgrows a sitting.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

function sourceFiles(folder: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(root, folder))) {
    const path = join(folder, name);
    if (statSync(join(root, path)).isDirectory()) out.push(...sourceFiles(path));
    else if (/\.ts$/.test(name) && !name.endsWith(".d.ts")) out.push(path);
  }
  return out;
}

/** The files a source file imports (relative imports only, type imports included), as repository paths. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(root, file), "utf8");
  const specifiers = [...text.matchAll(/(?:from|import)\s*\(?\s*"(\.{1,2}\/[^"]+)"/g)].map((match) => match[1]!);
  return specifiers.map((specifier) => {
    const base = relative(root, resolve(root, dirname(file), specifier));
    for (const candidate of [`${base}.ts`, join(base, "index.ts"), base]) {
      try {
        if (statSync(join(root, candidate)).isFile()) return candidate;
      } catch {
        // try the next form
      }
    }
    return base;
  });
}

/** The cycles of a directed graph (each as the list of nodes on it), by depth-first search. */
function cycles(graph: Map<string, Set<string>>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (node: string) => {
    state.set(node, "open");
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === "open") found.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, "done");
  };
  for (const node of graph.keys()) if (!state.has(node)) visit(node);
  return found;
}

const workerFiles = sourceFiles("worker");
const featureOf = (file: string) => file.split("/")[1]!;
/** The entry files (index.ts, app.ts, housekeeping.ts) compose everything; the CLI runs outside the Worker. */
const isFeatureFile = (file: string) => file.split("/").length > 2 && featureOf(file) !== "cli";

/** The code map's order (README): a feature folder may import only the folders after it. */
const LAYERS = ["docs", "dev", "console", "sandbox", "pay", "client", "bank-statements", "facturx", "customers", "settings", "exports", "reports", "credit-notes", "ledger", "payments", "invoices", "reminders", "realtime", "providers", "webhooks", "events", "auth", "db", "lib"];

describe("the Worker's layout", () => {
  it("should import only the folders after a feature in the README's code map", () => {
    const offending = workerFiles.filter(isFeatureFile).flatMap((file) => {
      const from = LAYERS.indexOf(featureOf(file));
      return importsOf(file)
        .filter((target) => target.startsWith("worker/") && isFeatureFile(target) && featureOf(target) !== featureOf(file))
        .filter((target) => from < 0 || LAYERS.indexOf(featureOf(target)) <= from)
        .map((target) => `${file} → ${target}`);
    });
    expect(offending).toEqual([]);
  });

  it("should have no import cycle between feature folders", () => {
    const graph = new Map<string, Set<string>>();
    for (const file of workerFiles.filter(isFeatureFile)) {
      const from = featureOf(file);
      const targets = graph.get(from) ?? new Set<string>();
      graph.set(from, targets);
      for (const target of importsOf(file)) {
        if (target.startsWith("worker/") && isFeatureFile(target) && featureOf(target) !== from) targets.add(featureOf(target));
      }
    }
    expect(cycles(graph)).toEqual([]);
  });

  it("should have no file-level import cycle in worker/, shared/ or widget/src", () => {
    const files = [...workerFiles, ...sourceFiles("shared"), ...sourceFiles("widget/src")];
    const graph = new Map(files.map((file) => [file, new Set(importsOf(file).filter((target) => files.includes(target)))]));
    expect(cycles(graph)).toEqual([]);
  });

  it("should keep SQL out of route files", () => {
    const routeFiles = workerFiles.filter((file) => /routes\.ts$/.test(file));
    expect(routeFiles.length).toBeGreaterThan(10);
    expect(routeFiles.filter((file) => readFileSync(join(root, file), "utf8").includes("prepare("))).toEqual([]);
  });

  it("should tell the hub of new events from worker/events/publish.ts alone", () => {
    expect(workerFiles.filter((file) => /\.notify\(/.test(readFileSync(join(root, file), "utf8")))).toEqual(["worker/events/publish.ts"]);
  });

  it("should not import another feature's route file", () => {
    const offending = workerFiles.filter(isFeatureFile).flatMap((file) =>
      importsOf(file)
        .filter((target) => /routes\.ts$/.test(target) && isFeatureFile(target) && featureOf(target) !== featureOf(file))
        .map((target) => `${file} → ${target}`),
    );
    expect(offending).toEqual([]);
  });

  it("should keep every Worker and widget source file at 300 lines or fewer", () => {
    const long = [...workerFiles, ...sourceFiles("widget/src")]
      .map((file) => ({ file, lines: readFileSync(join(root, file), "utf8").split("\n").length - 1 }))
      .filter(({ lines }) => lines > 300);
    expect(long).toEqual([]);
  });
});
