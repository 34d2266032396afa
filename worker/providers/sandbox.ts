/**
 * The sandbox: a provider that lives inside Quittance, for local runs without accounts or network.
 * It behaves as a provider does: a payment waits for the payer; the payer submits a test card on
 * its form; the outcome reaches our code as a signed webhook through the same route, verification
 * and settlement as Stripe's and PayPal's. Stripe's test cards decide the outcome:
 * 4242 4242 4242 4242 succeeds, 4000 0000 0000 0002 is declined, 4000 0000 0000 9995 fails for
 * insufficient funds; any other number passing the Luhn check succeeds.
 * Refused unless ENVIRONMENT is exactly "development".
 */
import { newId, randomBase32 } from "../lib/crypto";
import { isDevelopment } from "../lib/environment";
import { signatureHeader, verifySignature } from "../webhooks/signature";
import { WebhookSignatureError, type CreatePaymentInput, type CreatedPayment, type PaymentProvider, type ProviderEvent, type ProviderPaymentFacts } from "./types";

export const SANDBOX_SIGNATURE_HEADER = "sandbox-signature";

interface SandboxRow {
  id: string;
  merchant_id: string;
  payment_id: string;
  token: string;
  amount: number;
  currency: string;
  status: "requires_payment" | "succeeded" | "failed";
  amount_refunded: number;
  failure_message: string | null;
}

/** The secret sandbox webhooks are signed with, derived per merchant from the master key. */
export async function sandboxSecret(env: Env, merchantId: string): Promise<string> {
  // The local fallback is public: outside development anyone could sign a "payment succeeded".
  if (!env.QUITTANCE_ENCRYPTION_KEY && !isDevelopment(env)) throw new Error("QUITTANCE_ENCRYPTION_KEY is required to sign sandbox webhooks");
  const material = new TextEncoder().encode(`${env.QUITTANCE_ENCRYPTION_KEY ?? "quittance-local-sandbox"}|sandbox|${merchantId}`);
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", material));
  return [...digest].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** What a test card does. */
export function testCardOutcome(cardNumber: string): { ok: true } | { ok: false; message: string } | null {
  const digits = cardNumber.replace(/[\s-]/g, "");
  if (!/^\d{12,19}$/.test(digits)) return null;
  let sum = 0;
  for (let index = 0; index < digits.length; index += 1) {
    let digit = Number(digits[digits.length - 1 - index]);
    if (index % 2 === 1) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
    sum += digit;
  }
  if (sum % 10 !== 0) return null;
  if (digits === "4000000000000002") return { ok: false, message: "Your card was declined." };
  if (digits === "4000000000009995") return { ok: false, message: "Your card has insufficient funds." };
  return { ok: true };
}

function facts(row: SandboxRow): ProviderPaymentFacts {
  return {
    providerRef: row.id,
    state: row.status === "succeeded" ? "succeeded" : row.status === "failed" ? "failed" : "processing",
    amountReceived: row.status === "succeeded" ? row.amount : 0,
    amountRefunded: row.amount_refunded,
    paymentId: row.payment_id,
    chargeRef: row.id,
    failureMessage: row.failure_message,
  };
}

export function createSandboxProvider(env: Env, merchantId: string, origin: string): PaymentProvider {
  const db = env.DB;
  const find = async (id: string) => {
    const row = await db.prepare("SELECT * FROM sandbox_payments WHERE id = ? AND merchant_id = ?").bind(id, merchantId).first<SandboxRow>();
    if (row === null) throw new Error(`no sandbox payment ${id}`);
    return row;
  };
  return {
    name: "sandbox",
    async createPayment(input: CreatePaymentInput): Promise<CreatedPayment> {
      const id = `sbx_${input.paymentId.slice(4)}`; // idempotent: one sandbox payment per payment
      const token = randomBase32(20);
      const at = new Date().toISOString();
      await db
        .prepare(
          `INSERT INTO sandbox_payments (id, merchant_id, payment_id, token, amount, currency, status, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, 'requires_payment', ?, ?) ON CONFLICT (id) DO NOTHING`,
        )
        .bind(id, merchantId, input.paymentId, token, input.amount, input.currency, at, at)
        .run();
      const row = await find(id);
      return { providerRef: id, action: { type: "sandbox", form_url: `${origin}/sandbox/pay/${row.token}`, token: row.token } };
    },
    async retrievePayment(providerRef: string) {
      return facts(await find(providerRef));
    },
    async refund(chargeRef: string, amount: number) {
      const updated = await db
        .prepare("UPDATE sandbox_payments SET amount_refunded = amount_refunded + ?, updated_at = ? WHERE id = ? AND merchant_id = ? AND status = 'succeeded' AND amount_refunded + ? <= amount")
        .bind(amount, new Date().toISOString(), chargeRef, merchantId, amount)
        .run();
      if (updated.meta.changes === 0) throw new Error("the sandbox refused the refund");
      return { refundRef: newId("sbr") };
    },
    async verifyWebhook(rawBody: string, headers: Headers, now: Date): Promise<ProviderEvent> {
      const header = headers.get(SANDBOX_SIGNATURE_HEADER);
      if (header === null || !(await verifySignature(await sandboxSecret(env, merchantId), rawBody, header, Math.floor(now.getTime() / 1000)))) {
        throw new WebhookSignatureError("bad sandbox signature");
      }
      const event = JSON.parse(rawBody) as SandboxEvent;
      if (event.type === "payment.succeeded") {
        return { id: event.id, occurredAt: event.created, kind: "payment_succeeded", providerRef: event.payment_ref, chargeRef: event.payment_ref, paymentId: event.payment_id, amount: event.amount, currency: event.currency };
      }
      return { id: event.id, occurredAt: event.created, kind: "payment_failed", providerRef: event.payment_ref, paymentId: event.payment_id, reason: event.reason ?? "failed" };
    },
  };
}

interface SandboxEvent {
  id: string;
  type: "payment.succeeded" | "payment.failed";
  created: string;
  payment_ref: string;
  payment_id: string;
  amount: number;
  currency: string;
  reason?: string;
}

/** The merchant a sandbox card form belongs to (null for a token nobody issued), for its CORS. */
export async function sandboxMerchantOf(db: D1Database, token: string): Promise<string | null> {
  const row = await db.prepare("SELECT merchant_id FROM sandbox_payments WHERE token = ?").bind(token).first<{ merchant_id: string }>();
  return row?.merchant_id ?? null;
}

/**
 * The payer submitted a card on the sandbox form: record the outcome on the sandbox's side and
 * build the signed webhook it sends. Returns null for an unknown or already used token.
 */
export async function submitSandboxCard(
  env: Env,
  token: string,
  cardNumber: string,
): Promise<{ merchantId: string; body: string; signature: string; outcome: { ok: boolean; message: string | null } } | { invalidCard: true } | null> {
  const row = await env.DB.prepare("SELECT * FROM sandbox_payments WHERE token = ?").bind(token).first<SandboxRow>();
  if (row === null || row.status === "succeeded") return null;
  const outcome = testCardOutcome(cardNumber);
  if (outcome === null) return { invalidCard: true };
  const at = new Date();
  await env.DB.prepare("UPDATE sandbox_payments SET status = ?, failure_message = ?, updated_at = ? WHERE id = ?")
    .bind(outcome.ok ? "succeeded" : "failed", outcome.ok ? null : outcome.message, at.toISOString(), row.id)
    .run();
  const event: SandboxEvent = {
    id: `sbxevt_${randomBase32(16)}`,
    type: outcome.ok ? "payment.succeeded" : "payment.failed",
    created: at.toISOString(),
    payment_ref: row.id,
    payment_id: row.payment_id,
    amount: row.amount,
    currency: row.currency,
    ...(outcome.ok ? {} : { reason: outcome.message }),
  };
  const body = JSON.stringify(event);
  return {
    merchantId: row.merchant_id,
    body,
    signature: await signatureHeader(await sandboxSecret(env, row.merchant_id), body, Math.floor(at.getTime() / 1000)),
    outcome: { ok: outcome.ok, message: outcome.ok ? null : outcome.message },
  };
}
