/**
 * Checks every request body before anything else reads it: at most 256 KiB, JSON when present,
 * well-formed, and Unicode text throughout (no lone surrogate escapes). Each failure is a clear
 * 4xx instead of a confusing validation message.
 */
import { createMiddleware } from "hono/factory";
import { ApiError } from "../errors";
import type { AppEnv } from "./types";
import { paramPath } from "./validation";

export const MAX_BODY_BYTES = 256 * 1024;

export const bodyGuard = createMiddleware<AppEnv>(async (c, next) => {
  if (c.req.method !== "POST" && c.req.method !== "PUT" && c.req.method !== "PATCH") return next();
  const declared = Number(c.req.header("content-length") ?? "0");
  if (declared > MAX_BODY_BYTES) throw new ApiError("payload_too_large", `The body must be at most ${MAX_BODY_BYTES} bytes.`);
  const text = await c.req.text();
  if (new TextEncoder().encode(text).byteLength > MAX_BODY_BYTES) {
    throw new ApiError("payload_too_large", `The body must be at most ${MAX_BODY_BYTES} bytes.`);
  }
  if (text.trim() === "") return next();
  const mediaType = (c.req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (!/^application\/([\w.-]+\+)?json$/.test(mediaType)) {
    throw new ApiError("unsupported_media_type", "Send the body as JSON with 'Content-Type: application/json'.", "Content-Type");
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ApiError("malformed_json", `The body is not valid JSON: ${error instanceof Error ? error.message : "parse error"}.`);
  }
  const broken = illFormedStringAt(parsed);
  if (broken !== null) {
    const param = paramPath(broken);
    const what = param === "" ? "The body" : `Parameter '${param}'`;
    throw new ApiError("parameter_invalid", `${what} holds a lone UTF-16 surrogate (a \\uD800–\\uDFFF escape), which is not Unicode text.`, param || undefined);
  }
  await next();
});

/** A lone surrogate: one half of a UTF-16 pair without the other (a `u` regex matches only unpaired ones). */
const LONE_SURROGATE = /\p{Surrogate}/u;

/**
 * The path of the first key or string value holding a lone surrogate (`"\ud800"` is valid JSON but
 * not text: stored, it would come back mangled), or null. Iterative with parent links, so deep
 * nesting neither overflows the stack nor copies paths.
 */
function illFormedStringAt(root: unknown): (string | number)[] | null {
  interface Node { value: unknown; key: string | number | null; parent: Node | null }
  const pathOf = (node: Node | null, last?: string): (string | number)[] => {
    const path: (string | number)[] = last === undefined ? [] : [last];
    for (let at = node; at !== null && at.key !== null; at = at.parent) path.unshift(at.key);
    return path;
  };
  const stack: Node[] = [{ value: root, key: null, parent: null }];
  while (stack.length > 0) {
    const node = stack.pop()!;
    const { value } = node;
    if (typeof value === "string") {
      if (LONE_SURROGATE.test(value)) return pathOf(node);
    } else if (Array.isArray(value)) {
      for (let index = value.length - 1; index >= 0; index -= 1) stack.push({ value: value[index], key: index, parent: node });
    } else if (typeof value === "object" && value !== null) {
      const entries = Object.entries(value);
      for (let index = entries.length - 1; index >= 0; index -= 1) {
        const [key, child] = entries[index]!;
        if (LONE_SURROGATE.test(key)) return pathOf(node, key);
        stack.push({ value: child, key, parent: node });
      }
    }
  }
  return null;
}
