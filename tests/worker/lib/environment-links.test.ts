/**
 * Links handed out in API answers start with PUBLIC_URL, never with the request's Host: a request
 * sent with `Host: evil.example` (which is what the Worker's request URL carries) must not turn the
 * pay link, the provider webhook URL, the return URL or the OpenAPI server into evil.example.
 */
import { describe, expect, it } from "vitest";
import { api, createCustomer, createInvoice, createMerchant } from "../helpers";
import { clientSession, fakeRequests, invoiceOf, stripeWorld } from "../payments/stripe-support";
import { call, deployed, PUBLIC } from "./environment-support";

const EVIL = "http://evil.example";

describe.each([
  { name: "production", target: () => deployed("production") },
  { name: "development with PUBLIC_URL set", target: () => deployed("development") },
])("links in $name", ({ target }) => {
  it("should build hosted_url on PUBLIC_URL when the request's Host is evil.example", async () => {
    const merchant = await createMerchant();
    const customer = (await createCustomer(merchant.key)).id;

    const created = await call(target(), "POST", "/v1/invoices", {
      key: merchant.key,
      origin: EVIL,
      body: { customer, currency: "eur", lines: [{ description: "Pose", quantity: 1, unit_amount: 5000 }], issue: true },
    });
    const read = await call(target(), "GET", `/v1/invoices/${created.body.id}`, { key: merchant.key, origin: EVIL });
    const listed = await call(target(), "GET", "/v1/invoices?limit=1", { key: merchant.key, origin: EVIL });
    const session = await clientSession(merchant.key, customer);
    const client = await call(target(), "GET", `/v1/client/invoices/${created.body.id}`, { key: session, origin: EVIL });

    expect(created.status, created.text).toBe(201);
    for (const hostedUrl of [created.body.hosted_url, read.body.hosted_url, listed.body.data[0].hosted_url, client.body.hosted_url]) {
      expect(hostedUrl).toMatch(new RegExp(`^${PUBLIC}/pay/[0-9a-z]{32}$`));
    }
  });

  it("should give the provider webhook URLs on PUBLIC_URL when the request's Host is evil.example", async () => {
    const world = await stripeWorld();

    const providers = await call(target(), "GET", "/v1/settings/providers", { key: world.merchant.key, origin: EVIL });

    expect(providers.status, providers.text).toBe(200);
    expect(providers.body.stripe.webhook_url).toBe(`${PUBLIC}/webhooks/stripe/${world.merchant.id}`);
  });

  it("should send the payer back to PUBLIC_URL by default when the request's Host is evil.example", async () => {
    const world = await stripeWorld();
    const invoice = await invoiceOf(world, 4_200);

    const payment = await call(target(), "POST", "/v1/client/payments", { key: world.session, origin: EVIL, body: { invoices: [invoice.id], method: "stripe_checkout" } });

    expect(payment.status, payment.text).toBe(201);
    const [request] = await fakeRequests({ idempotency_key: payment.body.id });
    expect(request!.params).toMatchObject({ success_url: `${PUBLIC}/`, cancel_url: `${PUBLIC}/` });
  });

  it("should name PUBLIC_URL as the OpenAPI server when the request's Host is evil.example", async () => {
    const document = await call(target(), "GET", "/openapi.json", { origin: EVIL });

    expect(document.body.servers).toEqual([{ url: PUBLIC }]);
  });
});

describe("links in development", () => {
  it("should put the sandbox form on PUBLIC_URL when the request's Host is evil.example", async () => {
    const world = await stripeWorld();
    const invoice = await invoiceOf(world, 3_000);

    const payment = await call(deployed("development"), "POST", "/v1/client/payments", { key: world.session, origin: EVIL, body: { invoices: [invoice.id], method: "sandbox" } });

    expect(payment.status, payment.text).toBe(201);
    expect(payment.body.action.form_url).toBe(`${PUBLIC}/sandbox/pay/${payment.body.action.token}`);
  });

  it("should fall back to the request's own origin when a local run sets no PUBLIC_URL", async () => {
    const merchant = await createMerchant();
    const invoice = await createInvoice(merchant.key, (await createCustomer(merchant.key)).id);

    const read = await call(deployed("development", { PUBLIC_URL: undefined }), "GET", `/v1/invoices/${invoice.id}`, { key: merchant.key, origin: "http://127.0.0.1:8788" });

    expect(read.body.hosted_url).toMatch(/^http:\/\/127\.0\.0\.1:8788\/pay\//);
    expect((await api(merchant.key, "GET", `/v1/invoices/${invoice.id}`)).body.hosted_url).toMatch(/^http:\/\/127\.0\.0\.1:8787\/pay\//);
  });
});
