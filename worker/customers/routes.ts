import { createRoute, z } from "@hono/zod-openapi";
import { ListQuery, listOf } from "../../shared/schemas/common";
import { CustomerCreate, CustomerSchema, CustomerUpdate } from "../../shared/schemas/customers";
import { requireSecretKey } from "../auth/middleware";
import { idempotency } from "../db/idempotency";
import { publish } from "../events/publish";
import { notFound } from "../errors";
import { toPage } from "../lib/pagination";
import { createRouter, jsonBody, jsonResponse, problemResponses, secretKeySecurity } from "../lib/router";
import { creditBalances, findCustomer, listCustomers, serializeCustomer } from "./queries";
import { createCustomer, updateCustomer } from "./write";

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
    const created = await createCustomer(c.env.DB, c.get("caller").merchantId, c.req.valid("json"), new Date());
    publish(c.executionCtx, c.env, created);
    return c.json(serializeCustomer(created.customer), 201);
  },
);

customers.openapi(
  createRoute({
    method: "get", path: "/", tags: tag, security: secretKeySecurity, summary: "List customers, newest first (filters email, external_id, search q)",
    middleware: [requireSecretKey("read")] as const,
    request: {
      query: ListQuery.extend({
        email: z.string().max(254).optional(),
        external_id: z.string().max(100).optional(),
        q: z.string().trim().min(1).max(64).optional().meta({ description: "Search: the customer's name or email contains this text (case-insensitive)." }),
      }),
    },
    responses: { 200: jsonResponse(listOf(CustomerSchema), "A page of customers."), ...problemResponses },
  }),
  async (c) => {
    const query = c.req.valid("query");
    return c.json(toPage(await listCustomers(c.env.DB, c.get("caller").merchantId, query), query.limit, serializeCustomer), 200);
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
    const row = await findCustomer(c.env.DB, c.get("caller").merchantId, id);
    if (row === null) throw notFound("customer", id);
    return c.json({ ...serializeCustomer(row), credit_balances: await creditBalances(c.env.DB, row.id) }, 200);
  },
);

customers.openapi(
  createRoute({
    method: "post", path: "/{id}", tags: tag, security: secretKeySecurity,
    summary: "Change a customer: the fields given replace the stored ones (null clears), e.g. to complete what e-invoices need",
    middleware: [requireSecretKey("write"), idempotency] as const,
    request: { params: IdParam, body: jsonBody(CustomerUpdate) },
    responses: { 200: jsonResponse(CustomerSchema, "The customer after the change."), ...problemResponses },
  }),
  async (c) => {
    const updated = await updateCustomer(c.env.DB, c.get("caller").merchantId, c.req.valid("param").id, c.req.valid("json"), new Date());
    publish(c.executionCtx, c.env, updated);
    return c.json(serializeCustomer(updated.customer), 200);
  },
);

export { customers };
