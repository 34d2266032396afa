/**
 * A client pays one or several invoices online. The server decides everything that matters: which
 * invoices (the session's customer's, payable, one currency), the amount (the sum of what they
 * still owe) and whether the merchant accepts the method. The payment is written first (pending,
 * with its allocations planned), then the provider is called with the payment id as idempotency
 * key and as metadata, so every provider event points back to it.
 */
import type { CurrencyCode } from "../../shared/currencies";
import type { ClientPaymentCreate } from "../../shared/schemas/payments";
import type { z } from "zod";
import { amountDue, canBePaid } from "../../shared/status";
import { runBatch } from "../db/batch";
import { appendInvoiceEvent, type LogMoved } from "../events/log";
import { ApiError, notFound } from "../errors";
import type { InvoiceRow } from "../invoices/queries";
import { newId } from "../lib/crypto";
import { originAllowed } from "../auth/queries";
import { providerFor, providerOfMethod } from "../providers";
import { checkProviderAmount } from "../providers/currency-rules";
import type { ClientAction } from "../providers/types";
import { getSettings } from "../db/settings";
import { findPayment, loadAllocations, type PaymentRow } from "./queries";
import { recountProcessing, settleFailed, settleSucceeded, type SettleOutcome } from "./settle";

type ClientPaymentInput = z.infer<typeof ClientPaymentCreate>;

export interface ClientPaymentView {
  id: string;
  object: "client_payment";
  status: PaymentRow["status"];
  method: string;
  amount: number;
  currency: CurrencyCode;
  invoices: string[];
  failure_message: string | null;
  action: ClientAction | null;
  created: string;
}

/** What a client is told when the provider refused or failed: its own words stay in our log. */
export const PROVIDER_REFUSED_MESSAGE = "The payment provider could not take this payment; try again later or choose another method.";

/** Who reads a payment: a customer's session sees it whole; a pay-page session (one invoice) only that invoice's share. */
export type PaymentReader = { invoiceId: string | null };

/**
 * A payment as a client sees it. A pay-page session reading a batch payment gets its invoice's
 * share only: that amount, that invoice, and no `action` (the payment is not its own to go on with).
 */
export async function clientPaymentView(db: D1Database, payment: PaymentRow, reader: PaymentReader): Promise<ClientPaymentView> {
  const allocations = await loadAllocations(db, payment.id);
  const own = reader.invoiceId === null ? allocations : allocations.filter((allocation) => allocation.invoice_id === reader.invoiceId);
  const whole = own.length === allocations.length;
  return {
    id: payment.id,
    object: "client_payment",
    status: payment.status,
    method: payment.method,
    amount: whole ? payment.amount : own.reduce((sum, allocation) => sum + allocation.amount, 0),
    currency: payment.currency,
    invoices: own.map((allocation) => allocation.invoice_id),
    failure_message: payment.failure_message,
    action: whole && payment.status === "processing" && payment.client_action ? (JSON.parse(payment.client_action) as ClientAction) : null,
    created: payment.created_at,
  };
}

/** Logs what a provider said, with the request id, for the merchant's support; the client gets a generic message. */
function logProviderError(requestId: string, context: Record<string, string>, error: unknown): void {
  console.error(JSON.stringify({ request_id: requestId, message: "payment provider error", ...context, error: error instanceof Error ? error.message : String(error) }));
}

async function allowedReturnUrl(env: Env, merchantId: string, url: string | undefined, origin: string): Promise<string> {
  if (url === undefined) return `${origin}/`;
  const target = new URL(url).origin;
  if (target === origin) return url;
  if (!(await originAllowed(env.DB, target, merchantId))) throw new ApiError("parameter_invalid", `return_url must be on one of the merchant's allowed origins (settings.allowed_origins), not ${target}.`, "return_url");
  return url;
}

/**
 * Starts a client's payment. It always appends (the invoices in flight) and, when the provider
 * refuses, their failure too: the caller publishes whether this returns or throws.
 */
export async function startClientPayment(
  env: Env,
  caller: { merchantId: string; customerId: string; invoiceId: string | null },
  input: ClientPaymentInput,
  request: { origin: string; requestId: string },
  now: Date,
): Promise<ClientPaymentView> {
  const { origin } = request;
  const db = env.DB;
  const { merchantId, customerId } = caller;
  const { settings } = await getSettings(db, merchantId);
  if (!settings.payment_methods.includes(input.method)) {
    throw new ApiError("payment_method_not_accepted", `This merchant does not accept '${input.method}'.`, "method");
  }
  const { results } = await db
    .prepare("SELECT * FROM invoices WHERE merchant_id = ? AND customer_id = ? AND status <> 'draft' AND id IN (SELECT value FROM json_each(?))")
    .bind(merchantId, customerId, JSON.stringify(input.invoices))
    .all<InvoiceRow>();
  const byId = new Map(results.map((row) => [row.id, row]));
  const invoices = input.invoices.map((id, index) => {
    const invoice = caller.invoiceId !== null && id !== caller.invoiceId ? undefined : byId.get(id);
    const param = `invoices[${index}]`;
    if (invoice === undefined) throw notFound("invoice", id, param);
    if (!canBePaid(invoice)) {
      throw new ApiError("invoice_not_payable", `Invoice ${invoice.number} is ${invoice.status}: nothing to pay.`, param);
    }
    const methods = invoice.payment_methods === null ? null : (JSON.parse(invoice.payment_methods) as string[]);
    if (methods !== null && !methods.includes(input.method)) {
      throw new ApiError("payment_method_not_accepted", `Invoice ${invoice.number} cannot be paid by '${input.method}'.`, param);
    }
    if (invoice.currency !== byId.get(input.invoices[0]!)!.currency) {
      throw new ApiError("currency_mismatch", "Invoices paid together must share one currency.", param);
    }
    return invoice;
  });
  const currency = invoices[0]!.currency;
  const amount = invoices.reduce((sum, invoice) => sum + amountDue(invoice), 0);
  const providerName = providerOfMethod(input.method);
  checkProviderAmount(providerName, currency, amount, "invoices");
  const provider = await providerFor(env, merchantId, providerName, origin);
  const returnUrl = await allowedReturnUrl(env, merchantId, input.return_url, origin);
  const customer = await db.prepare("SELECT email FROM customers WHERE id = ?").bind(customerId).first<{ email: string }>();

  const paymentId = newId("pay");
  const at = now.toISOString();
  await runBatch(db, [
    db
      .prepare(
        `INSERT INTO payments (id, merchant_id, customer_id, method, status, amount, currency, provider, created_at, updated_at)
         VALUES (?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?)`,
      )
      .bind(paymentId, merchantId, customerId, input.method, amount, currency, providerName, at, at),
    ...invoices.map((invoice, position) =>
      db
        .prepare("INSERT INTO allocations (payment_id, invoice_id, position, amount, applied) VALUES (?, ?, ?, ?, 0)")
        .bind(paymentId, invoice.id, position, amountDue(invoice)),
    ),
    recountProcessing(db, input.invoices, now),
    ...invoices.map((invoice) => appendInvoiceEvent(db, { type: "invoice.payment_processing", invoiceId: invoice.id, paymentId, now, extra: { method: input.method } })),
  ]);

  try {
    const created = await provider.createPayment({
      paymentId,
      merchantId,
      amount,
      currency,
      method: input.method,
      description: `${invoices.length === 1 ? "Invoice" : "Invoices"} ${invoices.map((invoice) => invoice.number).join(", ")}`,
      customerEmail: customer?.email ?? null,
      returnUrl,
      cancelUrl: returnUrl,
      idempotencyKey: paymentId,
    });
    await db
      .prepare("UPDATE payments SET status = 'processing', provider_ref = ?, client_action = ?, updated_at = ?, version = version + 1 WHERE id = ? AND status = 'pending'")
      .bind(created.providerRef, JSON.stringify(created.action), new Date().toISOString(), paymentId)
      .run();
  } catch (error) {
    // The provider's text may name accounts, keys or hosts: it goes to the log, never to the browser nor to the payment.
    logProviderError(request.requestId, { merchant: merchantId, payment: paymentId, provider: providerName }, error);
    await settleFailed(db, merchantId, paymentId, PROVIDER_REFUSED_MESSAGE, undefined, new Date());
    throw new ApiError("provider_error", PROVIDER_REFUSED_MESSAGE);
  }
  return clientPaymentView(db, (await findPayment(db, merchantId, paymentId))!, caller);
}

/** A payment of the session's customer (and, for a pay-page session, one that pays its invoice), or 404. */
export async function findClientPayment(db: D1Database, caller: { merchantId: string; customerId: string; invoiceId: string | null }, paymentId: string): Promise<PaymentRow> {
  const payment = await findPayment(db, caller.merchantId, paymentId);
  if (payment === null || payment.customer_id !== caller.customerId || payment.provider === null) throw notFound("payment", paymentId);
  if (caller.invoiceId !== null && !(await loadAllocations(db, payment.id)).some((allocation) => allocation.invoice_id === caller.invoiceId)) {
    throw notFound("payment", paymentId);
  }
  return payment;
}

/** PayPal: the buyer approved the order; capture it and settle with what PayPal says. Answers the payment and the log it moved, if any. */
export async function captureClientPayment(
  env: Env,
  caller: { merchantId: string; customerId: string; invoiceId: string | null },
  paymentId: string,
  request: { origin: string; requestId: string },
): Promise<{ payment: ClientPaymentView; moved: LogMoved | null }> {
  const db = env.DB;
  const payment = await findClientPayment(db, caller, paymentId);
  if (payment.provider !== "paypal" || payment.provider_ref === null) throw new ApiError("payment_not_capturable", "Only a PayPal payment is captured.");
  let moved: LogMoved | null = null;
  if (payment.status === "processing" || payment.status === "failed") {
    const provider = await providerFor(env, caller.merchantId, "paypal", request.origin);
    let facts;
    try {
      facts = await provider.capture!(payment.provider_ref, `${payment.id}-capture`);
    } catch (error) {
      logProviderError(request.requestId, { merchant: caller.merchantId, payment: payment.id, provider: "paypal", step: "capture" }, error);
      throw new ApiError("provider_error", PROVIDER_REFUSED_MESSAGE);
    }
    let outcome: SettleOutcome = "ignored";
    if (facts.state === "succeeded") outcome = await settleSucceeded(db, caller.merchantId, payment.id, { amount: facts.amountReceived, chargeRef: facts.chargeRef }, undefined, new Date());
    else if (facts.state === "failed" || facts.state === "canceled") outcome = await settleFailed(db, caller.merchantId, payment.id, facts.failureMessage ?? "declined", undefined, new Date());
    moved = outcome === "applied" ? { merchantId: caller.merchantId } : null;
  }
  return { payment: await clientPaymentView(db, (await findPayment(db, caller.merchantId, paymentId))!, caller), moved };
}
