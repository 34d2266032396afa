/** `npm install` on a fresh clone must leave the tree clean: the lockfile records exactly what package.json pins. */
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const read = (name: string) => JSON.parse(readFileSync(join(root, name), "utf8"));

describe("package-lock.json", () => {
  it("should list the same dependencies with the same version specifiers as package.json", () => {
    const manifest = read("package.json");
    const locked = read("package-lock.json").packages[""];
    expect(locked.dependencies ?? {}).toEqual(manifest.dependencies ?? {});
    expect(locked.devDependencies ?? {}).toEqual(manifest.devDependencies ?? {});
  });

  it("should pin every dependency to an exact version", () => {
    const manifest = read("package.json");
    const ranged = Object.entries({ ...manifest.dependencies, ...manifest.devDependencies }).filter(([, version]) => !/^\d+\.\d+\.\d+$/.test(String(version)));
    expect(ranged).toEqual([]);
  });
});
