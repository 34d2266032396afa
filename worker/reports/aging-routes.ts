import { createRoute } from "@hono/zod-openapi";
import { AgingQuery, AgingReport } from "../../shared/schemas/aging";
import { utcDay } from "../../shared/status";
import { requireSecretKey } from "../auth/middleware";
import { backgroundOf, ledgerCatchingUpResponses, requireCurrentLedger } from "../ledger/current";
import { createRouter, jsonResponse, problemResponses, secretKeySecurity } from "../lib/router";
import { agingReport } from "./aging";

const agingRoutes = createRouter();

agingRoutes.openapi(
  createRoute({
    method: "get", path: "/aging", tags: ["Reports"], security: secretKeySecurity,
    summary: "Ageing of receivables at a date (read-only key enough): per currency and customer, by days past due",
    middleware: [requireSecretKey("read")] as const,
    request: { query: AgingQuery },
    responses: { 200: jsonResponse(AgingReport, "Receivables at the date, bucketed by days past due."), ...problemResponses, ...ledgerCatchingUpResponses },
  }),
  async (c) => {
    const query = c.req.valid("query");
    const { merchantId } = c.get("caller");
    await requireCurrentLedger(c.env, merchantId, backgroundOf(c));
    const body = await agingReport(c.env.DB, merchantId, {
      asOf: query.as_of ?? utcDay(new Date()),
      limits: query.buckets.split(",").map(Number),
      by: query.by,
      limit: query.limit,
      startingAfter: query.starting_after,
      customers: query.customer?.split(","),
    });
    return c.json(body, 200);
  },
);

export { agingRoutes };
