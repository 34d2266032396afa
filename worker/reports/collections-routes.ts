/**
 * `GET /v1/reports/collections?from=&to=&interval=day|week|month` (a read-only key is enough):
 * cash in and invoiced per period, DSO, days to pay, share paid on time, and the 8-week forecast.
 */
import { createRoute } from "@hono/zod-openapi";
import { CollectionsQuery, CollectionsReportSchema, MAX_REPORT_DAYS, MAX_REPORT_PERIODS } from "../../shared/schemas/collections";
import { utcDay } from "../../shared/status";
import { requireSecretKey } from "../auth/middleware";
import { ApiError } from "../errors";
import { resolveRange } from "../lib/date-range";
import { createRouter, jsonResponse, problemResponses, secretKeySecurity } from "../lib/router";
import { backgroundOf, ledgerCatchingUpResponses, requireCurrentLedger } from "../ledger/current";
import { collectionsReport } from "./collections";
import { periodCount } from "./periods";

const collections = createRouter();

collections.openapi(
  createRoute({
    method: "get", path: "/collections", tags: ["Reports"], security: secretKeySecurity,
    summary: "Cash received and invoiced per period, DSO, days to pay, share paid on time, and the 8-week cash forecast",
    middleware: [requireSecretKey("read")] as const,
    request: { query: CollectionsQuery },
    responses: { 200: jsonResponse(CollectionsReportSchema, "The report, per currency (never summed across currencies)."), ...problemResponses, ...ledgerCatchingUpResponses },
  }),
  async (c) => {
    const query = c.req.valid("query");
    const today = utcDay(new Date());
    const range = resolveRange(query, today, MAX_REPORT_DAYS);
    const count = periodCount(range, query.interval);
    if (count > MAX_REPORT_PERIODS) {
      throw new ApiError("parameter_invalid", `Invalid query parameter 'interval': ${range.from} → ${range.to} makes ${count} periods of a ${query.interval}, more than ${MAX_REPORT_PERIODS}; take a longer interval or a shorter range.`, "interval");
    }
    const { merchantId } = c.get("caller");
    await requireCurrentLedger(c.env, merchantId, backgroundOf(c));
    return c.json(await collectionsReport(c.env.DB, merchantId, { range, interval: query.interval, today }), 200);
  },
);

export { collections };
