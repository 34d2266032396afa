import { createRoute, z } from "@hono/zod-openapi";
import { ListQuery, listOf } from "../../shared/schemas/common";
import { CustomerCreate, CustomerSchema, type Customer } from "../../shared/schemas/customers";
import { requireSecretKey } from "../auth/middleware";
import { appendEvent, afterAppend } from "../db/events";
import { idempotency } from "../db/idempotency";
import { ApiError, notFound } from "../errors";
import { newId } from "../lib/crypto";
import { cursorCondition, toPage } from "../lib/pagination";
import { createRouter, jsonBody, jsonResponse, problemResponses, secretKeySecurity } from "../lib/router";

interface CustomerRow {
  id: string;
  merchant_id: string;
  name: string;
  email: string;
  locale: string | null;
  external_id: string | null;
  address: string | null;
  siren: string | null;
  vat_number: string | null;
  created_at: string;
}

function serializeCustomer(row: CustomerRow): Customer {
  return {
    id: row.id,
    object: "customer",
    name: row.name,
    email: row.email,
    locale: row.locale,
    external_id: row.external_id,
    address: row.address === null ? null : (JSON.parse(row.address) as Customer["address"]),
    siren: row.siren,
    vat_number: row.vat_number,
    created: row.created_at,
  };
}

const IdParam = z.object({ id: z.string().max(64).meta({ param: { name: "id", in: "path" }, example: "cus_01jf9v3k8m2q7w4x5y6z0a1b2c" }) });
const tag = ["Customers"];
const customers = createRouter();

customers.openapi(
  createRoute({
    method: "post", path: "/", tags: tag, security: secretKeySecurity, summary: "Create a customer",
    middleware: [requireSecretKey("write"), idempotency] as const,
    request: { body: jsonBody(CustomerCreate) },
    responses: { 201: jsonResponse(CustomerSchema, "The customer."), ...problemResponses },
  }),
  async (c) => {
    const { merchantId } = c.get("caller");
    const input = c.req.valid("json");
    const db = c.env.DB;
    const now = new Date();
    const id = newId("cus");
    try {
      await db.batch([
        db
          .prepare(
            `INSERT INTO customers (id, merchant_id, name, email, locale, external_id, address, siren, vat_number, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .bind(id, merchantId, input.name, input.email, input.locale ?? null, input.external_id ?? null,
            input.address ? JSON.stringify(input.address) : null, input.siren ?? null, input.vat_number ?? null, now.toISOString()),
        appendEvent(db, { merchantId, type: "customer.created", customerId: id, data: { name: input.name, email: input.email }, now }),
      ]);
    } catch (error) {
      if (String(error).includes("UNIQUE constraint failed: customers.merchant_id, customers.external_id")) {
        throw new ApiError("external_id_taken", `A customer with external_id '${input.external_id}' already exists.`, "external_id");
      }
      throw error;
    }
    afterAppend(c.executionCtx, c.env, merchantId);
    const row = await db.prepare("SELECT * FROM customers WHERE id = ?").bind(id).first<CustomerRow>();
    return c.json(serializeCustomer(row!), 201);
  },
);

customers.openapi(
  createRoute({
    method: "get", path: "/", tags: tag, security: secretKeySecurity, summary: "List customers, newest first",
    middleware: [requireSecretKey("read")] as const,
    request: { query: ListQuery.extend({ email: z.string().max(254).optional(), external_id: z.string().max(100).optional() }) },
    responses: { 200: jsonResponse(listOf(CustomerSchema), "A page of customers."), ...problemResponses },
  }),
  async (c) => {
    const { merchantId } = c.get("caller");
    const query = c.req.valid("query");
    const filters: string[] = [];
    const params: string[] = [];
    if (query.email) (filters.push(" AND email = ?"), params.push(query.email));
    if (query.external_id) (filters.push(" AND external_id = ?"), params.push(query.external_id));
    const cursor = await cursorCondition(c.env.DB, "customers", merchantId, query.starting_after);
    const { results } = await c.env.DB.prepare(
      `SELECT * FROM customers WHERE merchant_id = ?${filters.join("")}${cursor.sql} ORDER BY created_at DESC, id DESC LIMIT ?`,
    )
      .bind(merchantId, ...params, ...cursor.params, query.limit + 1)
      .all<CustomerRow>();
    return c.json(toPage(results, query.limit, serializeCustomer), 200);
  },
);

customers.openapi(
  createRoute({
    method: "get", path: "/{id}", tags: tag, security: secretKeySecurity, summary: "Retrieve a customer",
    middleware: [requireSecretKey("read")] as const,
    request: { params: IdParam },
    responses: { 200: jsonResponse(CustomerSchema, "The customer."), ...problemResponses },
  }),
  async (c) => {
    const { id } = c.req.valid("param");
    const row = await c.env.DB.prepare("SELECT * FROM customers WHERE id = ? AND merchant_id = ?").bind(id, c.get("caller").merchantId).first<CustomerRow>();
    if (row === null) throw notFound("customer", id);
    const { results: credit } = await c.env.DB.prepare(
      `SELECT p.currency, sum(p.amount - p.amount_refunded
         - coalesce((SELECT sum(a.amount - a.amount_refunded) FROM allocations a WHERE a.payment_id = p.id AND a.applied = 1), 0)) AS credit
       FROM payments p WHERE p.customer_id = ? AND p.status IN ('succeeded', 'partially_refunded', 'refunded')
       GROUP BY p.currency HAVING credit > 0 ORDER BY p.currency`,
    )
      .bind(row.id)
      .all<{ currency: string; credit: number }>();
    return c.json({ ...serializeCustomer(row), credit_balances: credit.map((entry) => ({ currency: entry.currency, amount: entry.credit })) }, 200);
  },
);

export { customers };
