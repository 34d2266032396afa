/**
 * A deployment outside development without its master key, or whose PUBLIC_URL is missing or on
 * this machine, refuses to serve: 503 problem+json on every route with a log line naming what is
 * missing, and its cron and queues send nothing.
 */
import { createExecutionContext, createMessageBatch, createScheduledController, getQueueResult, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { mintClientSession } from "../../../worker/auth/sessions";
import worker from "../../../worker/index";
import { api, createCustomer, createInvoice, createMerchant, databaseFingerprint, type TestMerchant } from "../helpers";
import { call, deployed, label, NOT_DEVELOPMENT, type Called } from "./environment-support";

afterEach(() => vi.restoreAllMocks());

function expectMisconfigured(response: Called, naming: string) {
  expect(response.status, response.text).toBe(503);
  expect(response.headers.get("content-type")).toBe("application/problem+json");
  expect(response.body).toMatchObject({ status: 503, title: "Service Unavailable", code: "service_misconfigured" });
  expect(response.body.detail).toContain(naming);
}

/** Every kind of route: health, the API (with a valid key), a hosted page, a provider webhook, a dev route. */
async function everyKindOfRoute(target: Env, merchant: TestMerchant): Promise<Called[]> {
  return [
    await call(target, "GET", "/health"),
    await call(target, "GET", "/v1/invoices", { key: merchant.key }),
    await call(target, "POST", "/v1/customers", { key: merchant.key, body: { name: "Client SAS", email: "client@example.com" } }),
    await call(target, "GET", "/pay/x"),
    await call(target, "POST", `/webhooks/stripe/${merchant.id}`, { body: {} }),
    await call(target, "GET", "/dev/outbox"),
    await call(target, "GET", "/openapi.json"),
  ];
}

describe.each(NOT_DEVELOPMENT.map((environment) => ({ environment, name: label(environment) })))("ENVIRONMENT $name, misconfigured", ({ environment }) => {
  it("should answer 503 problem+json on every route and log what is missing when QUITTANCE_ENCRYPTION_KEY is unset", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const merchant = await createMerchant();
    const before = await databaseFingerprint();

    const responses = await everyKindOfRoute(deployed(environment, { QUITTANCE_ENCRYPTION_KEY: undefined }), merchant);

    for (const response of responses) expectMisconfigured(response, "QUITTANCE_ENCRYPTION_KEY");
    expect(await databaseFingerprint()).toBe(before);
    expect(logged.mock.calls.map((args) => String(args[0])).filter((line) => line.includes("QUITTANCE_ENCRYPTION_KEY is not set"))).toHaveLength(responses.length);
  });

  it.each(["http://127.0.0.1:8787", "http://localhost:8787", "http://[::1]:8787", "http://0.0.0.0:8787", "", undefined])(
    "should answer 503 problem+json naming PUBLIC_URL when PUBLIC_URL is %s",
    async (publicUrl) => {
      const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);

      const responses = await everyKindOfRoute(deployed(environment, { PUBLIC_URL: publicUrl }), await createMerchant());

      for (const response of responses) expectMisconfigured(response, "PUBLIC_URL");
      expect(logged.mock.calls.some((args) => String(args[0]).includes("PUBLIC_URL"))).toBe(true);
    },
  );

  it("should name both the key and PUBLIC_URL when both are missing", async () => {
    vi.spyOn(console, "error").mockImplementation(() => undefined);

    const response = await call(deployed(environment, { QUITTANCE_ENCRYPTION_KEY: undefined, PUBLIC_URL: "http://127.0.0.1:8787" }), "GET", "/health");

    expectMisconfigured(response, "QUITTANCE_ENCRYPTION_KEY");
    expect(response.body.detail).toContain("PUBLIC_URL");
  });

  it("should leave queued reminders and webhook deliveries unsent, to be retried, when the deployment is misconfigured", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const merchant = await createMerchant();
    const invoice = await createInvoice(merchant.key, (await createCustomer(merchant.key)).id);
    const reminderId = `rem_${crypto.randomUUID().replaceAll("-", "")}`;
    const at = new Date().toISOString();
    await env.DB.prepare("INSERT INTO reminders (id, merchant_id, invoice_id, step, send_on, status, created_at, updated_at) VALUES (?, ?, ?, 100000, ?, 'queued', ?, ?)")
      .bind(reminderId, merchant.id, invoice.id, at.slice(0, 10), at, at)
      .run();
    const misconfigured = deployed(environment, { QUITTANCE_ENCRYPTION_KEY: undefined });

    for (const [queue, body] of [["quittance-reminders", { reminder: reminderId }], ["quittance-webhooks", { delivery: "wd_missing" }]] as const) {
      const batch = createMessageBatch(queue, [{ id: crypto.randomUUID(), timestamp: new Date(), attempts: 1, body }]);
      const ctx = createExecutionContext();
      await worker.queue(batch as MessageBatch<any>, misconfigured, ctx);
      const result = await getQueueResult(batch, ctx);
      expect(result.explicitAcks, queue).toEqual([]);
      expect(result.retryBatch.retry, queue).toBe(true);
    }

    const reminder = await env.DB.prepare("SELECT status FROM reminders WHERE id = ?").bind(reminderId).first<{ status: string }>();
    expect(reminder!.status).toBe("queued");
    const outbox = await env.DB.prepare("SELECT count(*) AS n FROM outbox_messages WHERE merchant_id = ?").bind(merchant.id).first<{ n: number }>();
    expect(outbox!.n).toBe(0);
    expect(logged.mock.calls.some((args) => String(args[0]).includes("QUITTANCE_ENCRYPTION_KEY"))).toBe(true);
  });

  it("should do nothing on the cron when the deployment is misconfigured", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const merchant = await createMerchant();
    const customer = (await createCustomer(merchant.key)).id;
    const longAgo = new Date(Date.now() - 3 * 86_400_000);
    const { token } = await mintClientSession(env.DB, { merchantId: merchant.id, customerId: customer, ttlSeconds: 60, now: longAgo });
    const sessions = () => env.DB.prepare("SELECT count(*) AS n FROM client_sessions WHERE merchant_id = ?").bind(merchant.id).first<{ n: number }>();
    const cron = async (target: Env) => {
      const ctx = createExecutionContext();
      worker.scheduled(createScheduledController({ cron: "* * * * *", scheduledTime: Date.now() }), target, ctx);
      await waitOnExecutionContext(ctx);
    };

    await cron(deployed(environment, { QUITTANCE_ENCRYPTION_KEY: undefined }));
    expect((await sessions())!.n).toBe(1);
    expect(logged.mock.calls.some((args) => String(args[0]).includes("cron skipped"))).toBe(true);

    await cron(deployed(environment));
    expect((await sessions())!.n).toBe(0);
    expect(token).toMatch(/^cs_/);
  });
});

describe("a configured deployment, and development", () => {
  it.each(NOT_DEVELOPMENT.map(label))("should serve when ENVIRONMENT is %s and the key and a public PUBLIC_URL are set", async (name) => {
    const environment = NOT_DEVELOPMENT.find((value) => label(value) === name);
    const health = await call(deployed(environment), "GET", "/health");
    expect(health.status, health.text).toBe(200);
    expect(health.body).toEqual({ ok: true });
  });

  it("should serve in development without a master key or with a local PUBLIC_URL", async () => {
    for (const target of [deployed("development", { QUITTANCE_ENCRYPTION_KEY: undefined }), deployed("development", { PUBLIC_URL: "http://127.0.0.1:8787" }), deployed("development", { PUBLIC_URL: undefined })]) {
      const health = await call(target, "GET", "/health");
      expect(health.status, health.text).toBe(200);
    }
    const merchant = await createMerchant();
    expect((await api(merchant.key, "GET", "/v1/invoices")).status).toBe(200);
  });
});
