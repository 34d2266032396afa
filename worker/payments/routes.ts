import { createRoute, z } from "@hono/zod-openapi";
import { ListQuery, listOf } from "../../shared/schemas/common";
import { CreditAllocation, PaymentCreate, PaymentSchema, RefundCreate } from "../../shared/schemas/payments";
import { requireSecretKey } from "../auth/middleware";
import { idempotency } from "../db/idempotency";
import { publish } from "../events/publish";
import { notFound } from "../errors";
import { createRouter, jsonBody, jsonResponse, problemResponses, secretKeySecurity } from "../lib/router";
import { publicUrl } from "../lib/environment";
import { allocateCredit, recordOfflinePayment } from "./allocate";
import { refundByMerchant } from "./refund";
import { findPayment, listPayments, serializePayments } from "./queries";

const IdParam = z.object({ id: z.string().max(64).meta({ param: { name: "id", in: "path" }, example: "pay_01jf9v3k8m2q7w4x5y6z0a1b2c" }) });
const tag = ["Payments"];
const payments = createRouter();

async function loadPayment(db: D1Database, merchantId: string, id: string) {
  const row = await findPayment(db, merchantId, id);
  if (row === null) throw notFound("payment", id);
  const [payment] = await serializePayments(db, [row]);
  return payment!;
}

payments.openapi(
  createRoute({
    method: "post", path: "/", tags: tag, security: secretKeySecurity,
    summary: "Record an offline payment (bank transfer, cheque, cash) allocated over one or several invoices",
    middleware: [requireSecretKey("write"), idempotency] as const,
    request: { body: jsonBody(PaymentCreate) },
    responses: { 201: jsonResponse(PaymentSchema, "The payment with its allocations."), ...problemResponses },
  }),
  async (c) => {
    const { merchantId } = c.get("caller");
    const recorded = await recordOfflinePayment(c.env.DB, merchantId, c.req.valid("json"), new Date());
    publish(c.executionCtx, c.env, recorded);
    return c.json(await loadPayment(c.env.DB, merchantId, recorded.paymentId), 201);
  },
);

payments.openapi(
  createRoute({
    method: "get", path: "/", tags: tag, security: secretKeySecurity, summary: "List payments, newest first",
    middleware: [requireSecretKey("read")] as const,
    request: { query: ListQuery },
    responses: { 200: jsonResponse(listOf(PaymentSchema), "A page of payments."), ...problemResponses },
  }),
  async (c) => {
    const { merchantId } = c.get("caller");
    const query = c.req.valid("query");
    const results = await listPayments(c.env.DB, merchantId, query);
    const hasMore = results.length > query.limit;
    const kept = results.slice(0, query.limit);
    const data = await serializePayments(c.env.DB, kept);
    return c.json({ data, has_more: hasMore, next: hasMore ? kept[kept.length - 1]!.id : null }, 200);
  },
);

payments.openapi(
  createRoute({
    method: "get", path: "/{id}", tags: tag, security: secretKeySecurity, summary: "Retrieve a payment with its allocations",
    middleware: [requireSecretKey("read")] as const,
    request: { params: IdParam },
    responses: { 200: jsonResponse(PaymentSchema, "The payment."), ...problemResponses },
  }),
  async (c) => c.json(await loadPayment(c.env.DB, c.get("caller").merchantId, c.req.valid("param").id), 200),
);

payments.openapi(
  createRoute({
    method: "post", path: "/{id}/refund", tags: tag, security: secretKeySecurity,
    summary: "Refund a payment, fully (default) or partly; the invoices reopen by the amount refunded",
    middleware: [requireSecretKey("write"), idempotency] as const,
    request: { params: IdParam, body: jsonBody(RefundCreate, false) },
    responses: { 200: jsonResponse(PaymentSchema, "The payment after the refund."), ...problemResponses },
  }),
  async (c) => {
    const { merchantId } = c.get("caller");
    const { id } = c.req.valid("param");
    publish(c.executionCtx, c.env, await refundByMerchant(c.env, merchantId, id, c.req.valid("json"), publicUrl(c.env, c.req.url), new Date()));
    return c.json(await loadPayment(c.env.DB, merchantId, id), 200);
  },
);

payments.openapi(
  createRoute({
    method: "post", path: "/{id}/allocate", tags: tag, security: secretKeySecurity,
    summary: "Apply a payment's unallocated money (the customer's credit) to invoices of the same customer",
    middleware: [requireSecretKey("write"), idempotency] as const,
    request: { params: IdParam, body: jsonBody(CreditAllocation) },
    responses: { 200: jsonResponse(PaymentSchema, "The payment after the allocation."), ...problemResponses },
  }),
  async (c) => {
    const { merchantId } = c.get("caller");
    const { id } = c.req.valid("param");
    publish(c.executionCtx, c.env, await allocateCredit(c.env.DB, merchantId, id, c.req.valid("json").allocations, new Date()));
    return c.json(await loadPayment(c.env.DB, merchantId, id), 200);
  },
);

export { payments };
