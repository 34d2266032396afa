import { beforeAll, describe, expect, inject, it } from "vitest";
import { call, expectCall } from "./http";

const key = () => inject("e2eSecretKey");
let customer: string;

async function issuedInvoice(unitAmount: number) {
  return expectCall<{ id: string; total: number; number: string }>(201, key(), "POST", "/v1/invoices", {
    customer,
    currency: "eur",
    lines: [{ description: "Livraison", quantity: 1, unit_amount: unitAmount, tax_rate: 2000 }],
    issue: true,
  });
}

async function session(): Promise<string> {
  return (await expectCall<{ token: string }>(201, key(), "POST", "/v1/client_sessions", { customer })).token;
}

beforeAll(async () => {
  await expectCall(200, key(), "PUT", "/v1/settings", { payment_methods: ["sandbox"] });
  customer = (await expectCall<{ id: string }>(201, key(), "POST", "/v1/customers", { name: "Client E2E", email: "e2e@example.com" })).id;
});

describe("the sandbox pay flow over HTTP", () => {
  it("should mark both invoices paid with one payment of two allocations when a client pays two invoices with 4242", async () => {
    const first = await issuedInvoice(10_000);
    const second = await issuedInvoice(2_550);
    const { after: eventsBefore } = { after: (await expectCall<{ next: string | null }>(200, key(), "GET", "/v1/events?limit=100")).next };
    const cs = await session();

    const payment = await expectCall<{ id: string; amount: number; status: string; action: { type: string; form_url: string; token: string } }>(
      201, cs, "POST", "/v1/client/payments", { invoices: [first.id, second.id], method: "sandbox" },
    );
    expect(payment.status).toBe("processing");
    expect(payment.amount).toBe(first.total + second.total);
    expect(payment.action.type).toBe("sandbox");
    expect((await expectCall<{ processing: boolean }>(200, key(), "GET", `/v1/invoices/${first.id}/status`)).processing).toBe(true);

    const form = await fetch(payment.action.form_url);
    expect(form.status).toBe(200);
    expect(await form.text()).toContain("4242 4242 4242 4242");
    const outcome = await expectCall<{ status: string }>(200, null, "POST", `/sandbox/pay/${payment.action.token}`, { card_number: "4242 4242 4242 4242" });
    expect(outcome.status).toBe("succeeded");

    for (const invoice of [first, second]) {
      const status = await expectCall<{ status: string; amount_due: number; processing: boolean }>(200, key(), "GET", `/v1/invoices/${invoice.id}/status`);
      expect(status).toMatchObject({ status: "paid", amount_due: 0, processing: false });
    }
    const recorded = await expectCall<{ status: string; provider: string; allocations: { invoice: string; amount: number; planned: boolean }[]; amount_unallocated: number }>(
      200, key(), "GET", `/v1/payments/${payment.id}`,
    );
    expect(recorded.status).toBe("succeeded");
    expect(recorded.provider).toBe("sandbox");
    expect(recorded.amount_unallocated).toBe(0);
    expect(recorded.allocations).toEqual([
      { invoice: first.id, amount: first.total, amount_refunded: 0, planned: false },
      { invoice: second.id, amount: second.total, amount_refunded: 0, planned: false },
    ]);

    const events = await expectCall<{ data: { type: string; invoice: string | null; payment: string | null }[] }>(
      200, key(), "GET", `/v1/events?limit=100${eventsBefore ? `&after=${eventsBefore}` : ""}`,
    );
    const mine = events.data.filter((event) => event.payment === payment.id).map((event) => `${event.type}:${event.invoice ?? "-"}`);
    expect(mine).toEqual([
      `invoice.payment_processing:${first.id}`,
      `invoice.payment_processing:${second.id}`,
      `invoice.paid:${first.id}`,
      `invoice.paid:${second.id}`,
      "payment.succeeded:-",
    ]);

    const replay = await call(null, "POST", `/sandbox/pay/${payment.action.token}`, { card_number: "4242424242424242" });
    expect(replay.status).toBe(404);
  });

  it("should report the decline and leave the invoice open when the card is 4000 0000 0000 0002, then succeed on a retry with 4242", async () => {
    const invoice = await issuedInvoice(5_000);
    const cs = await session();
    const payment = await expectCall<{ id: string; action: { token: string } }>(201, cs, "POST", "/v1/client/payments", { invoices: [invoice.id], method: "sandbox" });
    const declined = await expectCall<{ status: string; failure_message: string }>(200, null, "POST", `/sandbox/pay/${payment.action.token}`, { card_number: "4000000000000002" });
    expect(declined).toEqual({ status: "failed", failure_message: "Your card was declined." });
    const view = await expectCall<{ status: string; failure_message: string }>(200, cs, "GET", `/v1/client/payments/${payment.id}`);
    expect(view).toMatchObject({ status: "failed", failure_message: "Your card was declined." });
    expect(await expectCall(200, key(), "GET", `/v1/invoices/${invoice.id}/status`)).toMatchObject({ status: "open", processing: false });

    await expectCall(200, null, "POST", `/sandbox/pay/${payment.action.token}`, { card_number: "4242424242424242" });
    expect(await expectCall(200, key(), "GET", `/v1/invoices/${invoice.id}/status`)).toMatchObject({ status: "paid" });
  });

  it("should answer insufficient funds when the card is 4000 0000 0000 9995", async () => {
    const invoice = await issuedInvoice(7_000);
    const payment = await expectCall<{ action: { token: string } }>(201, await session(), "POST", "/v1/client/payments", { invoices: [invoice.id], method: "sandbox" });
    const outcome = await expectCall(200, null, "POST", `/sandbox/pay/${payment.action.token}`, { card_number: "4000 0000 0000 9995" });
    expect(outcome).toEqual({ status: "failed", failure_message: "Your card has insufficient funds." });
  });

  it("should refuse a forged sandbox webhook with 400 and change nothing", async () => {
    const invoice = await issuedInvoice(3_000);
    const payment = await expectCall<{ id: string }>(201, await session(), "POST", "/v1/client/payments", { invoices: [invoice.id], method: "sandbox" });
    const forged = await fetch(`${inject("e2eBase")}/webhooks/sandbox/${inject("e2eMerchant")}`, {
      method: "POST",
      headers: { "content-type": "application/json", "sandbox-signature": `t=${Math.floor(Date.now() / 1000)},v1=${"0".repeat(64)}` },
      body: JSON.stringify({ id: "sbxevt_forged", type: "payment.succeeded", created: new Date().toISOString(), payment_ref: `sbx_${payment.id.slice(4)}`, payment_id: payment.id, amount: 3600, currency: "eur" }),
    });
    expect(forged.status).toBe(400);
    expect(((await forged.json()) as { code: string }).code).toBe("webhook_signature_invalid");
    expect(await expectCall(200, key(), "GET", `/v1/invoices/${invoice.id}/status`)).toMatchObject({ status: "open", processing: true });
  });
});
