/**
 * Checks every request body before anything else reads it: at most 256 KiB, JSON when present,
 * and well-formed. Each failure is a clear 4xx instead of a confusing validation message.
 */
import { createMiddleware } from "hono/factory";
import { ApiError } from "../errors";
import type { AppEnv } from "./types";

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
  try {
    JSON.parse(text);
  } catch (error) {
    throw new ApiError("malformed_json", `The body is not valid JSON: ${error instanceof Error ? error.message : "parse error"}.`);
  }
  await next();
});
