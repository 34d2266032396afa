/** Client sessions are minted in one place and stored as a hash only. */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { findClientSession } from "../../../worker/auth/queries";
import { mintClientSession } from "../../../worker/auth/sessions";
import { sha256Hex } from "../../../worker/lib/crypto";
import { createCustomer, createInvoice, createMerchant } from "../helpers";

describe("auth/sessions", () => {
  it("should store only the token's hash, with the expiry and the invoice it is limited to, when a session is minted", async () => {
    const merchant = await createMerchant();
    const customer = (await createCustomer(merchant.key)).id;
    const invoice = await createInvoice(merchant.key, customer);
    const now = new Date("2026-12-01T10:00:00.000Z");
    const { id, token, expiresAt } = await mintClientSession(env.DB, { merchantId: merchant.id, customerId: customer, invoiceId: invoice.id, ttlSeconds: 600, now });
    expect(token).toMatch(/^cs_[0-9a-z]{32}$/);
    expect(expiresAt).toBe("2026-12-01T10:10:00.000Z");
    const stored = await env.DB.prepare("SELECT * FROM client_sessions WHERE merchant_id = ?").bind(merchant.id).all<Record<string, unknown>>();
    expect(JSON.stringify(stored.results)).not.toContain(token);
    expect(await findClientSession(env.DB, await sha256Hex(token))).toEqual({ id, merchant_id: merchant.id, customer_id: customer, expires_at: expiresAt, invoice_id: invoice.id });
  });

  it("should find nothing for a token that was never minted", async () => {
    expect(await findClientSession(env.DB, await sha256Hex("cs_never"))).toBeNull();
  });
});
