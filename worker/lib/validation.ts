/**
 * Turns schema violations into problem+json: the first issue decides the `code` and `param`
 * (`lines[0].quantity`), so a client learns exactly which field to fix.
 */
import type { Hook } from "@hono/zod-openapi";
import type { z } from "zod";
import { ApiError } from "../errors";
import type { AppEnv } from "./types";

/** `["lines", 0, "quantity"]` → `lines[0].quantity`. */
export function paramPath(path: readonly PropertyKey[]): string {
  return path
    .map((part, index) => (typeof part === "number" ? `[${part}]` : index === 0 ? String(part) : `.${String(part)}`))
    .join("");
}

/** Whether `path` names a key the client did not send at all (so the field is missing, not wrong). */
function isAbsent(input: unknown, path: readonly PropertyKey[]): boolean {
  if (path.length === 0) return false;
  let parent: unknown = input;
  for (const part of path.slice(0, -1)) {
    if (typeof parent !== "object" || parent === null) return false;
    parent = (parent as Record<PropertyKey, unknown>)[part];
  }
  return typeof parent === "object" && parent !== null && (parent as Record<PropertyKey, unknown>)[path[path.length - 1]!] === undefined;
}

/**
 * The ApiError for the first issue of a failed parse. `where` names the request part; `input` is
 * what was parsed, to tell a missing field from a wrong one whatever the field's type (an absent
 * enum fails with "invalid option", not "received undefined").
 */
export function issueToError(error: z.ZodError, where: string, input?: unknown): ApiError {
  const issue = error.issues[0]!;
  const at = paramPath(issue.path);
  if (issue.code === "unrecognized_keys") {
    const key = issue.keys[0]!;
    const param = at === "" ? key : `${at}.${key}`;
    return new ApiError("parameter_unknown", `Unknown parameter '${param}'.`, param);
  }
  if (at === "" && where === "body") {
    return new ApiError("parameter_invalid", "The request body must be a JSON object.", undefined);
  }
  const missing = (issue.code === "invalid_type" && /received undefined/.test(issue.message)) || isAbsent(input, issue.path);
  if (missing) return new ApiError("parameter_missing", `Missing required parameter '${at}'.`, at);
  return new ApiError("parameter_invalid", `Invalid ${where === "body" ? "parameter" : where + " parameter"} '${at}': ${issue.message}.`, at);
}

/** The `defaultHook` of every route: validation failures become thrown ApiErrors. */
export const validationHook: Hook<unknown, AppEnv, string, unknown> = (result, _c) => {
  if (!result.success) {
    const where = result.target === "json" ? "body" : result.target;
    throw issueToError(result.error as z.ZodError, where, (result as { data?: unknown }).data);
  }
};
