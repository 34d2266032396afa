/**
 * A local fake of the Stripe API, limited to the endpoints Quittance's adapter calls:
 *
 *   POST /v1/payment_intents          GET /v1/payment_intents/:id   (expand latest_charge)
 *   POST /v1/checkout/sessions        GET /v1/checkout/sessions/:id (expand payment_intent[.latest_charge])
 *   POST /v1/refunds
 *
 * It parses the form bodies the real SDK sends (bracket notation), keeps objects in memory and answers
 * with objects typed by the SDK's own published types, so a change of shape in a `stripe` upgrade
 * breaks the type check instead of passing silently. Like Stripe it honours `Idempotency-Key` (same
 * key and parameters → the same object, replayed; same key with other parameters → 400), refuses an
 * unknown parameter, and answers errors in Stripe's `{error: {type, code, message, param}}` shape.
 *
 * Accounts: every well-formed test secret (`sk_test_` + at least 8 letters, digits or `_`) is an
 * account of its own, so tests isolate merchants by giving each its own key; an object is visible
 * only to the key that created it. Any other secret (or none) is refused with 401, as Stripe does.
 *
 * Test-only control routes (JSON in, JSON out, no authentication) move objects the way a payer or a
 * bank would and answer the resulting `Stripe.Event`, unsigned (tests sign it with the real helper):
 *
 *   POST /__test/payment_intents/:id/succeed            → payment_intent.succeeded (creates the charge)
 *   POST /__test/payment_intents/:id/fail               → payment_intent.payment_failed  body {decline_code?, message?}
 *   POST /__test/payment_intents/:id/cancel             → payment_intent.canceled
 *   POST /__test/payment_intents/:id/dispute            → charge.dispute.created        body {amount?}
 *   POST /__test/checkout/sessions/:id/complete         → checkout.session.completed (creates a succeeded PaymentIntent)
 *   POST /__test/checkout/sessions/:id/expire           → checkout.session.expired
 *   GET  /__test/events?type=&object=                   → every event the fake produced (refunds add charge.refunded),
 *                                                         `object` matching the event object's id or its payment_intent
 *   GET  /__test/requests?path=&idempotency_key=        → the API requests received (method, path, headers, body, params)
 *   GET  /__test/lookup?quittance_payment=pay_…         → the PaymentIntents and Checkout Sessions carrying that payment id
 *
 * A Checkout Session's `url` points back at this server (`/c/pay/:id`), which answers a plain page.
 */
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import Stripe from "stripe";

/** A decoded form body: Stripe's `a[b][0]=c` bracket notation as nested objects (list indexes are keys). */
export type FormValue = string | FormObject;
export interface FormObject {
  [key: string]: FormValue;
}

export interface RecordedRequest {
  method: string;
  /** Path with its query string, as received. */
  path: string;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  body: string;
  /** The body (or, for GET, the query) decoded from bracket notation. */
  params: FormObject;
}

/** The body of Stripe's error responses (the fields the SDK reads). */
interface StripeErrorBody {
  error: Pick<Stripe.StripeRawError, "type" | "code" | "decline_code" | "message" | "param">;
}

/** Thrown by a handler to answer a Stripe-shaped error. */
class FakeStripeError extends Error {
  constructor(
    readonly status: number,
    readonly body: StripeErrorBody["error"],
  ) {
    super(body.message);
  }
}

const invalid = (message: string, param?: string, code?: string) =>
  new FakeStripeError(400, { type: "invalid_request_error", message, ...(param ? { param } : {}), ...(code ? { code } : {}) });

const missing = (kind: string, id: string, param: string, status = 404) =>
  new FakeStripeError(status, { type: "invalid_request_error", code: "resource_missing", message: `No such ${kind}: '${id}'`, param });

const VALID_SECRET = /^sk_test_\w{8,}$/;
const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

function randomId(prefix: string, length = 24): string {
  const bytes = randomBytes(length);
  let id = prefix;
  for (const byte of bytes) id += ALPHABET[byte % ALPHABET.length];
  return id;
}

const idOf = (value: unknown): unknown => (typeof value === "object" && value !== null && "id" in value ? value.id : value);

const nowSeconds = () => Math.floor(Date.now() / 1000);

// ---------------------------------------------------------------------------------------------------
// Form decoding

/** `line_items[0][price_data][currency]` → ["line_items", "0", "price_data", "currency"]. */
function keyPath(key: string): string[] {
  const open = key.indexOf("[");
  if (open < 0) return [key];
  const path = [key.slice(0, open)];
  for (const match of key.slice(open).matchAll(/\[([^\]]*)\]/g)) path.push(match[1] ?? "");
  return path;
}

export function parseForm(encoded: string): FormObject {
  const root: FormObject = {};
  for (const [key, value] of new URLSearchParams(encoded)) {
    const path = keyPath(key);
    let node = root;
    for (const [index, segment] of path.entries()) {
      if (index === path.length - 1) {
        node[segment] = value;
      } else {
        const next = node[segment];
        if (typeof next === "object") node = next;
        else node = node[segment] = {};
      }
    }
  }
  return root;
}

function text(form: FormObject, key: string, param = key): string | undefined {
  const value = form[key];
  if (value === undefined) return undefined;
  if (typeof value !== "string") throw invalid(`Invalid string: ${param} must be a string`, param);
  return value;
}

function requiredText(form: FormObject, key: string, param = key): string {
  const value = text(form, key, param);
  if (value === undefined || value === "") throw invalid(`Missing required param: ${param}.`, param, "parameter_missing");
  return value;
}

function object(form: FormObject, key: string, param = key): FormObject | undefined {
  const value = form[key];
  if (value === undefined) return undefined;
  if (typeof value === "string") throw invalid(`Invalid object: ${param} must be a hash`, param);
  return value;
}

function integer(form: FormObject, key: string, param = key): number | undefined {
  const value = text(form, key, param);
  if (value === undefined) return undefined;
  if (!/^-?\d+$/.test(value)) throw invalid(`Invalid integer: ${value}`, param, "parameter_invalid_integer");
  return Number(value);
}

/** A list sent as `key[0]=…&key[1]=…`, in index order. */
function list(form: FormObject, key: string): FormValue[] {
  const value = form[key];
  if (value === undefined) return [];
  if (typeof value === "string") throw invalid(`Invalid array: ${key} must be an array`, key);
  return Object.entries(value)
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([, item]) => item);
}

/** Metadata as Stripe keeps it: string values only, an empty value unsets the key. */
function metadata(form: FormObject, key: string): Stripe.Metadata {
  const result: Stripe.Metadata = {};
  for (const [name, value] of Object.entries(object(form, key) ?? {})) {
    if (typeof value !== "string") throw invalid(`Invalid metadata: ${key}[${name}] must be a string`, `${key}[${name}]`);
    if (value !== "") result[name] = value;
  }
  return result;
}

function rejectUnknown(form: FormObject, allowed: readonly string[], prefix = ""): void {
  for (const key of Object.keys(form)) {
    if (!allowed.includes(key)) throw invalid(`Received unknown parameter: ${prefix}${key}`, `${prefix}${key}`, "parameter_unknown");
  }
}

function expansions(form: FormObject, allowed: readonly string[]): Set<string> {
  const paths = new Set<string>();
  for (const item of list(form, "expand")) {
    if (typeof item !== "string" || !allowed.includes(item)) {
      throw invalid(`This property cannot be expanded (${String(item)}).`, "expand");
    }
    paths.add(item);
  }
  return paths;
}

function currency(form: FormObject, key: string, param = key): string {
  const value = requiredText(form, key, param).toLowerCase();
  if (!/^[a-z]{3}$/.test(value)) throw invalid(`Invalid currency: ${value}.`, param);
  return value;
}

function positiveAmount(form: FormObject, key: string, param = key): number {
  const amount = integer(form, key, param);
  if (amount === undefined) throw invalid(`Missing required param: ${param}.`, param, "parameter_missing");
  if (amount < 1) throw invalid("This value must be greater than or equal to 1.", param, "parameter_invalid_integer");
  return amount;
}

// ---------------------------------------------------------------------------------------------------
// The server

export async function startFakeStripe(): Promise<{ port: number; server: Server }> {
  let origin = "";
  /** Which secret key created each object: other keys get 404, as another Stripe account would. */
  const owners = new Map<string, string>();
  const intents = new Map<string, Stripe.PaymentIntent>();
  const charges = new Map<string, Stripe.Charge>();
  const sessions = new Map<string, Stripe.Checkout.Session>();
  /** What a session's PaymentIntent is created with when the payer completes it. */
  const sessionIntentData = new Map<string, { metadata: Stripe.Metadata; description: string | null }>();
  const refunds = new Map<string, Stripe.Refund>();
  const disputes = new Map<string, Stripe.Dispute>();
  const events: Stripe.Event[] = [];
  const requests: RecordedRequest[] = [];
  /** `${secret} ${Idempotency-Key}` → the first answer, replayed for the same parameters. */
  const idempotent = new Map<string, { fingerprint: string; status: number; body: string }>();

  function envelope(): Pick<Stripe.Event, "id" | "object" | "api_version" | "created" | "livemode" | "pending_webhooks" | "request"> {
    return {
      id: randomId("evt_"),
      object: "event",
      api_version: Stripe.API_VERSION,
      created: nowSeconds(),
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
    };
  }

  function record<E extends Stripe.Event>(event: E): E {
    events.push(event);
    return event;
  }

  function own(secret: string, id: string): void {
    owners.set(id, secret);
  }

  function findIntent(secret: string | null, id: string, param = "intent", status = 404): Stripe.PaymentIntent {
    const intent = intents.get(id);
    if (!intent || (secret !== null && owners.get(id) !== secret)) throw missing("payment_intent", id, param, status);
    return intent;
  }

  function findSession(secret: string | null, id: string): Stripe.Checkout.Session {
    const session = sessions.get(id);
    if (!session || (secret !== null && owners.get(id) !== secret)) throw missing("checkout.session", id, "session");
    return session;
  }

  function latestCharge(intent: Stripe.PaymentIntent): Stripe.Charge | null {
    const id = typeof intent.latest_charge === "string" ? intent.latest_charge : (intent.latest_charge?.id ?? null);
    return id === null ? null : (charges.get(id) ?? null);
  }

  // --- objects ---------------------------------------------------------------------------------------

  function newIntent(secret: string, fields: { amount: number; currency: string; description: string | null; receiptEmail: string | null; metadata: Stripe.Metadata; automatic: boolean }): Stripe.PaymentIntent {
    const id = randomId("pi_");
    const intent: Stripe.PaymentIntent = {
      id,
      object: "payment_intent",
      allowed_payment_method_types: null,
      amount: fields.amount,
      amount_capturable: 0,
      amount_received: 0,
      application: null,
      application_fee_amount: null,
      automatic_payment_methods: fields.automatic ? { enabled: true } : null,
      canceled_at: null,
      cancellation_reason: null,
      capture_method: "automatic_async",
      client_secret: `${id}_secret_${randomId("", 25)}`,
      confirmation_method: "automatic",
      created: nowSeconds(),
      currency: fields.currency,
      customer: null,
      customer_account: null,
      description: fields.description,
      excluded_payment_method_types: null,
      last_payment_error: null,
      latest_charge: null,
      livemode: false,
      managed_payments: null,
      metadata: fields.metadata,
      next_action: null,
      on_behalf_of: null,
      payment_method: null,
      payment_method_configuration_details: null,
      payment_method_options: null,
      payment_method_types: ["card"],
      payment_record: null,
      processing: null,
      receipt_email: fields.receiptEmail,
      review: null,
      setup_future_usage: null,
      shipping: null,
      source: null,
      statement_descriptor: null,
      statement_descriptor_suffix: null,
      status: "requires_payment_method",
      transfer_group: null,
    };
    intents.set(id, intent);
    own(secret, id);
    return intent;
  }

  function newCharge(intent: Stripe.PaymentIntent, outcome: { paid: true } | { paid: false; code: string; message: string }): Stripe.Charge {
    const id = randomId("ch_");
    const charge: Stripe.Charge = {
      id,
      object: "charge",
      amount: intent.amount,
      amount_captured: outcome.paid ? intent.amount : 0,
      amount_refunded: 0,
      application: null,
      application_fee: null,
      application_fee_amount: null,
      balance_transaction: outcome.paid ? randomId("txn_") : null,
      billing_details: { address: null, email: intent.receipt_email, name: null, phone: null, tax_id: null },
      calculated_statement_descriptor: "QUITTANCE",
      captured: outcome.paid,
      created: nowSeconds(),
      currency: intent.currency,
      customer: null,
      description: intent.description,
      disputed: false,
      failure_balance_transaction: null,
      failure_code: outcome.paid ? null : outcome.code,
      failure_message: outcome.paid ? null : outcome.message,
      fraud_details: {},
      livemode: false,
      // Stripe copies the PaymentIntent's metadata onto the charge it creates.
      metadata: { ...intent.metadata },
      on_behalf_of: null,
      outcome: null,
      paid: outcome.paid,
      payment_intent: intent.id,
      payment_method: randomId("pm_"),
      payment_method_details: null,
      receipt_email: intent.receipt_email,
      receipt_number: null,
      receipt_url: null,
      refunded: false,
      refunds: { object: "list", data: [], has_more: false, url: `/v1/charges/${id}/refunds` },
      review: null,
      shipping: null,
      source: null,
      source_transfer: null,
      statement_descriptor: null,
      statement_descriptor_suffix: null,
      status: outcome.paid ? "succeeded" : "failed",
      transfer_data: null,
      transfer_group: null,
    };
    charges.set(id, charge);
    own(owners.get(intent.id) ?? "", id);
    return charge;
  }

  /** A snapshot as Stripe puts in an event or a response: later changes must not alter it. */
  const snapshot = <T>(value: T): T => structuredClone(value);

  function expandIntent(intent: Stripe.PaymentIntent, withCharge: boolean): Stripe.PaymentIntent {
    const copy = snapshot(intent);
    if (withCharge) copy.latest_charge = latestCharge(intent);
    return copy;
  }

  function succeedIntent(intent: Stripe.PaymentIntent): Stripe.PaymentIntentSucceededEvent {
    if (intent.status === "succeeded" || intent.status === "canceled") {
      throw invalid(`This PaymentIntent's status is ${intent.status}; it cannot succeed.`, undefined, "payment_intent_unexpected_state");
    }
    const charge = newCharge(intent, { paid: true });
    intent.status = "succeeded";
    intent.amount_received = intent.amount;
    intent.latest_charge = charge.id;
    intent.last_payment_error = null;
    intent.payment_method = charge.payment_method;
    return record<Stripe.PaymentIntentSucceededEvent>({ ...envelope(), type: "payment_intent.succeeded", data: { object: snapshot(intent) } });
  }

  // --- API handlers ----------------------------------------------------------------------------------

  function createIntent(secret: string, form: FormObject): Stripe.PaymentIntent {
    rejectUnknown(form, ["amount", "currency", "automatic_payment_methods", "description", "receipt_email", "metadata"]);
    const automatic = object(form, "automatic_payment_methods");
    if (automatic) rejectUnknown(automatic, ["enabled"], "automatic_payment_methods[");
    return snapshot(
      newIntent(secret, {
        amount: positiveAmount(form, "amount"),
        currency: currency(form, "currency"),
        description: text(form, "description") ?? null,
        receiptEmail: text(form, "receipt_email") || null,
        metadata: metadata(form, "metadata"),
        automatic: automatic !== undefined && text(automatic, "enabled", "automatic_payment_methods[enabled]") === "true",
      }),
    );
  }

  function retrieveIntent(secret: string, id: string, query: FormObject): Stripe.PaymentIntent {
    const expand = expansions(query, ["latest_charge"]);
    return expandIntent(findIntent(secret, id), expand.has("latest_charge"));
  }

  function createSession(secret: string, form: FormObject): Stripe.Checkout.Session {
    rejectUnknown(form, ["mode", "line_items", "success_url", "cancel_url", "client_reference_id", "metadata", "payment_intent_data", "customer_email"]);
    const mode = requiredText(form, "mode");
    if (mode !== "payment") throw invalid(`This fake only takes mode=payment, not ${mode}.`, "mode");
    const items = list(form, "line_items");
    if (items.length === 0) throw invalid("Missing required param: line_items.", "line_items", "parameter_missing");
    let sessionCurrency = "";
    let total = 0;
    for (const [index, item] of items.entries()) {
      const prefix = `line_items[${index}]`;
      if (typeof item === "string") throw invalid(`Invalid object: ${prefix}`, prefix);
      rejectUnknown(item, ["quantity", "price_data"], `${prefix}[`);
      const quantity = positiveAmount(item, "quantity", `${prefix}[quantity]`);
      const price = object(item, "price_data", `${prefix}[price_data]`);
      if (!price) throw invalid(`Missing required param: ${prefix}[price_data].`, `${prefix}[price_data]`, "parameter_missing");
      rejectUnknown(price, ["currency", "unit_amount", "product_data"], `${prefix}[price_data][`);
      const itemCurrency = currency(price, "currency", `${prefix}[price_data][currency]`);
      if (sessionCurrency && itemCurrency !== sessionCurrency) throw invalid("All line items must share one currency.", `${prefix}[price_data][currency]`);
      sessionCurrency = itemCurrency;
      const product = object(price, "product_data", `${prefix}[price_data][product_data]`);
      if (!product) throw invalid(`Missing required param: ${prefix}[price_data][product_data].`, `${prefix}[price_data][product_data]`, "parameter_missing");
      rejectUnknown(product, ["name"], `${prefix}[price_data][product_data][`);
      requiredText(product, "name", `${prefix}[price_data][product_data][name]`);
      total += quantity * positiveAmount(price, "unit_amount", `${prefix}[price_data][unit_amount]`);
    }
    const intentData = object(form, "payment_intent_data") ?? {};
    rejectUnknown(intentData, ["metadata", "description"], "payment_intent_data[");
    const id = randomId("cs_test_", 58);
    const created = nowSeconds();
    const session: Stripe.Checkout.Session = {
      id,
      object: "checkout.session",
      adaptive_pricing: null,
      after_expiration: null,
      allow_promotion_codes: null,
      allowed_payment_method_types: null,
      amount_subtotal: total,
      amount_total: total,
      automatic_tax: { enabled: false, liability: null, provider: null, status: null },
      billing_address_collection: null,
      cancel_url: text(form, "cancel_url") ?? null,
      client_reference_id: text(form, "client_reference_id") ?? null,
      client_secret: null,
      collected_information: null,
      consent: null,
      consent_collection: null,
      created,
      currency: sessionCurrency,
      currency_conversion: null,
      custom_fields: [],
      custom_text: { after_submit: null, shipping_address: null, submit: null, terms_of_service_acceptance: null },
      customer: null,
      customer_account: null,
      customer_creation: "if_required",
      customer_details: null,
      customer_email: text(form, "customer_email") || null,
      discounts: [],
      expires_at: created + 24 * 3600,
      integration_identifier: null,
      invoice: null,
      invoice_creation: null,
      livemode: false,
      locale: null,
      managed_payments: null,
      metadata: metadata(form, "metadata"),
      mode: "payment",
      origin_context: null,
      // Checkout creates its PaymentIntent when the payer submits the form.
      payment_intent: null,
      payment_link: null,
      payment_method_collection: "if_required",
      payment_method_configuration_details: null,
      payment_method_options: null,
      payment_method_types: ["card"],
      payment_status: "unpaid",
      permissions: null,
      recovered_from: null,
      saved_payment_method_options: null,
      setup_intent: null,
      shipping_address_collection: null,
      shipping_cost: null,
      shipping_options: [],
      status: "open",
      submit_type: null,
      subscription: null,
      success_url: requiredText(form, "success_url"),
      total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
      ui_mode: "hosted",
      url: `${origin}/c/pay/${id}`,
      wallet_options: null,
    };
    sessions.set(id, session);
    sessionIntentData.set(id, { metadata: metadata(intentData, "metadata"), description: text(intentData, "description", "payment_intent_data[description]") ?? null });
    own(secret, id);
    return snapshot(session);
  }

  function retrieveSession(secret: string, id: string, query: FormObject): Stripe.Checkout.Session {
    const expand = expansions(query, ["payment_intent", "payment_intent.latest_charge", "line_items"]);
    const session = findSession(secret, id);
    const copy = snapshot(session);
    if ((expand.has("payment_intent") || expand.has("payment_intent.latest_charge")) && typeof session.payment_intent === "string") {
      copy.payment_intent = expandIntent(findIntent(secret, session.payment_intent), expand.has("payment_intent.latest_charge"));
    }
    return copy;
  }

  function createRefund(secret: string, form: FormObject): Stripe.Refund {
    rejectUnknown(form, ["payment_intent", "amount", "reason", "metadata"]);
    const intentId = requiredText(form, "payment_intent");
    const intent = findIntent(secret, intentId, "payment_intent", 400);
    const charge = latestCharge(intent);
    if (intent.status !== "succeeded" || !charge?.paid) {
      throw invalid(`This PaymentIntent (${intentId}) does not have a successful charge to refund.`, "payment_intent", "charge_not_refundable");
    }
    if (charge.disputed) throw invalid(`Charge ${charge.id} has been charged back; cannot issue a refund.`, undefined, "charge_disputed");
    const remaining = charge.amount - charge.amount_refunded;
    if (remaining === 0) throw invalid(`Charge ${charge.id} has already been refunded.`, undefined, "charge_already_refunded");
    const amount = integer(form, "amount") ?? remaining;
    if (amount < 1) throw invalid("Invalid positive integer", "amount", "parameter_invalid_integer");
    if (amount > remaining) {
      throw invalid(`Refund amount (${amount}) is greater than unrefunded amount on charge (${remaining})`, "amount", "amount_too_large");
    }
    const reason = text(form, "reason");
    const refund: Stripe.Refund = {
      id: randomId("re_"),
      object: "refund",
      amount,
      balance_transaction: randomId("txn_"),
      charge: charge.id,
      created: nowSeconds(),
      currency: charge.currency,
      customer: null,
      customer_account: null,
      metadata: metadata(form, "metadata"),
      payment_intent: intent.id,
      payment_method: charge.payment_method,
      reason: reason === "duplicate" || reason === "fraudulent" || reason === "requested_by_customer" ? reason : null,
      receipt_number: null,
      source_transfer_reversal: null,
      status: "succeeded",
      transfer_reversal: null,
    };
    refunds.set(refund.id, refund);
    own(secret, refund.id);
    const previous = { amount_refunded: charge.amount_refunded, refunded: charge.refunded };
    charge.amount_refunded += amount;
    charge.refunded = charge.amount_refunded === charge.amount;
    charge.refunds?.data.unshift(snapshot(refund));
    record<Stripe.ChargeRefundedEvent>({ ...envelope(), type: "charge.refunded", data: { object: snapshot(charge), previous_attributes: previous } });
    return snapshot(refund);
  }

  // --- control routes --------------------------------------------------------------------------------

  function failIntent(intent: Stripe.PaymentIntent, body: ControlBody): Stripe.PaymentIntentPaymentFailedEvent {
    if (intent.status === "succeeded" || intent.status === "canceled") {
      throw invalid(`This PaymentIntent's status is ${intent.status}; it cannot fail.`, undefined, "payment_intent_unexpected_state");
    }
    const declineCode = typeof body.decline_code === "string" ? body.decline_code : "generic_decline";
    const message =
      typeof body.message === "string" ? body.message : declineCode === "insufficient_funds" ? "Your card has insufficient funds." : "Your card was declined.";
    const charge = newCharge(intent, { paid: false, code: "card_declined", message });
    intent.status = "requires_payment_method";
    intent.latest_charge = charge.id;
    intent.last_payment_error = { type: "card_error", code: "card_declined", decline_code: declineCode, message, charge: charge.id };
    return record<Stripe.PaymentIntentPaymentFailedEvent>({ ...envelope(), type: "payment_intent.payment_failed", data: { object: snapshot(intent) } });
  }

  function cancelIntent(intent: Stripe.PaymentIntent): Stripe.PaymentIntentCanceledEvent {
    if (intent.status === "succeeded" || intent.status === "canceled") {
      throw invalid(`This PaymentIntent's status is ${intent.status}; it cannot be canceled.`, undefined, "payment_intent_unexpected_state");
    }
    intent.status = "canceled";
    intent.canceled_at = nowSeconds();
    intent.cancellation_reason = "abandoned";
    return record<Stripe.PaymentIntentCanceledEvent>({ ...envelope(), type: "payment_intent.canceled", data: { object: snapshot(intent) } });
  }

  function disputeIntent(intent: Stripe.PaymentIntent, body: ControlBody): Stripe.ChargeDisputeCreatedEvent {
    const charge = latestCharge(intent);
    if (intent.status !== "succeeded" || !charge?.paid) throw invalid(`PaymentIntent ${intent.id} has no successful charge to dispute.`);
    const amount = typeof body.amount === "number" ? body.amount : charge.amount;
    const dispute: Stripe.Dispute = {
      id: randomId("dp_"),
      object: "dispute",
      amount,
      balance_transactions: [],
      charge: charge.id,
      created: nowSeconds(),
      currency: charge.currency,
      enhanced_eligibility_types: [],
      evidence: {
        access_activity_log: null,
        billing_address: null,
        cancellation_policy: null,
        cancellation_policy_disclosure: null,
        cancellation_rebuttal: null,
        customer_communication: null,
        customer_email_address: null,
        customer_name: null,
        customer_purchase_ip: null,
        customer_signature: null,
        duplicate_charge_documentation: null,
        duplicate_charge_explanation: null,
        duplicate_charge_id: null,
        enhanced_evidence: {},
        product_description: null,
        receipt: null,
        refund_policy: null,
        refund_policy_disclosure: null,
        refund_refusal_explanation: null,
        service_date: null,
        service_documentation: null,
        shipping_address: null,
        shipping_carrier: null,
        shipping_date: null,
        shipping_documentation: null,
        shipping_tracking_number: null,
        uncategorized_file: null,
        uncategorized_text: null,
      },
      evidence_details: {
        due_by: nowSeconds() + 7 * 24 * 3600,
        enhanced_eligibility: {},
        has_evidence: false,
        past_due: false,
        submission_count: 0,
        submission_method: "not_submitted",
      },
      intended_submission_method: null,
      is_charge_refundable: false,
      livemode: false,
      metadata: {},
      payment_intent: intent.id,
      reason: "fraudulent",
      status: "needs_response",
    };
    disputes.set(dispute.id, dispute);
    own(owners.get(intent.id) ?? "", dispute.id);
    charge.disputed = true;
    return record<Stripe.ChargeDisputeCreatedEvent>({ ...envelope(), type: "charge.dispute.created", data: { object: snapshot(dispute) } });
  }

  function completeSession(session: Stripe.Checkout.Session): Stripe.CheckoutSessionCompletedEvent {
    if (session.status !== "open") throw invalid(`Checkout Session ${session.id} is ${session.status}.`);
    const data = sessionIntentData.get(session.id);
    const intent = newIntent(owners.get(session.id) ?? "", {
      amount: session.amount_total ?? 0,
      currency: session.currency ?? "",
      description: data?.description ?? null,
      receiptEmail: session.customer_email,
      metadata: data?.metadata ?? {},
      automatic: false,
    });
    succeedIntent(intent);
    session.payment_intent = intent.id;
    session.status = "complete";
    session.payment_status = "paid";
    session.customer_details = {
      address: null,
      business_name: null,
      email: session.customer_email,
      individual_name: null,
      name: null,
      phone: null,
      tax_exempt: "none",
      tax_ids: [],
    };
    return record<Stripe.CheckoutSessionCompletedEvent>({ ...envelope(), type: "checkout.session.completed", data: { object: snapshot(session) } });
  }

  function expireSession(session: Stripe.Checkout.Session): Stripe.CheckoutSessionExpiredEvent {
    if (session.status !== "open") throw invalid(`Checkout Session ${session.id} is ${session.status}.`);
    session.status = "expired";
    session.url = null;
    return record<Stripe.CheckoutSessionExpiredEvent>({ ...envelope(), type: "checkout.session.expired", data: { object: snapshot(session) } });
  }

  function listEvents(query: URLSearchParams): Stripe.Event[] {
    const type = query.get("type");
    const related = query.get("object");
    return events.filter((event) => {
      if (type && event.type !== type) return false;
      if (!related) return true;
      const target = event.data.object;
      return ("id" in target && target.id === related) || ("payment_intent" in target && idOf(target.payment_intent) === related);
    });
  }

  function lookup(query: URLSearchParams): { payment_intents: Stripe.PaymentIntent[]; checkout_sessions: Stripe.Checkout.Session[] } {
    const paymentId = query.get("quittance_payment");
    return {
      payment_intents: [...intents.values()].filter((intent) => intent.metadata["quittance_payment"] === paymentId).map((intent) => expandIntent(intent, true)),
      checkout_sessions: [...sessions.values()].filter((session) => session.client_reference_id === paymentId).map(snapshot),
    };
  }

  // --- routing ---------------------------------------------------------------------------------------

  type ControlBody = Record<string, unknown>;

  function control(method: string, path: string, query: URLSearchParams, body: ControlBody): unknown {
    let match: RegExpMatchArray | null;
    if (method === "GET" && path === "/__test/requests") {
      const wantedPath = query.get("path");
      const wantedKey = query.get("idempotency_key");
      return requests.filter(
        (request) => (!wantedPath || request.path.split("?")[0] === wantedPath) && (!wantedKey || request.headers["idempotency-key"] === wantedKey),
      );
    }
    if (method === "GET" && path === "/__test/events") return listEvents(query);
    if (method === "GET" && path === "/__test/lookup") return lookup(query);
    if (method === "POST" && (match = path.match(/^\/__test\/payment_intents\/([^/]+)\/(succeed|fail|cancel|dispute)$/))) {
      const intent = findIntent(null, match[1] ?? "");
      switch (match[2]) {
        case "succeed":
          return succeedIntent(intent);
        case "fail":
          return failIntent(intent, body);
        case "cancel":
          return cancelIntent(intent);
        default:
          return disputeIntent(intent, body);
      }
    }
    if (method === "POST" && (match = path.match(/^\/__test\/checkout\/sessions\/([^/]+)\/(complete|expire)$/))) {
      const session = findSession(null, match[1] ?? "");
      return match[2] === "complete" ? completeSession(session) : expireSession(session);
    }
    throw new FakeStripeError(404, { type: "invalid_request_error", message: `Unknown test route ${method} ${path}` });
  }

  function api(secret: string, method: string, path: string, form: FormObject): Stripe.PaymentIntent | Stripe.Checkout.Session | Stripe.Refund {
    let match: RegExpMatchArray | null;
    if (method === "POST" && path === "/v1/payment_intents") return createIntent(secret, form);
    if (method === "GET" && (match = path.match(/^\/v1\/payment_intents\/([^/]+)$/))) return retrieveIntent(secret, match[1] ?? "", form);
    if (method === "POST" && path === "/v1/checkout/sessions") return createSession(secret, form);
    if (method === "GET" && (match = path.match(/^\/v1\/checkout\/sessions\/([^/]+)$/))) return retrieveSession(secret, match[1] ?? "", form);
    if (method === "POST" && path === "/v1/refunds") return createRefund(secret, form);
    throw new FakeStripeError(404, {
      type: "invalid_request_error",
      message: `Unrecognized request URL (${method}: ${path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
    });
  }

  function authenticate(header: string | undefined): string {
    const match = header?.match(/^Bearer (.+)$/);
    if (!match?.[1]) {
      throw new FakeStripeError(401, {
        type: "invalid_request_error",
        message: "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').",
      });
    }
    const secret = match[1];
    if (!VALID_SECRET.test(secret)) {
      throw new FakeStripeError(401, { type: "invalid_request_error", message: `Invalid API Key provided: ${secret.slice(0, 8)}****${secret.slice(-4)}` });
    }
    return secret;
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    const url = new URL(request.url ?? "/", "http://fake-stripe.invalid");
    const method = request.method ?? "GET";
    const headers = { "content-type": "application/json", "request-id": randomId("req_", 14) };

    const answer = (status: number, payload: unknown, extra: Record<string, string> = {}) =>
      response.writeHead(status, { ...headers, ...extra }).end(JSON.stringify(payload));
    const answerError = (error: unknown) => {
      if (error instanceof FakeStripeError) {
        const payload: StripeErrorBody = { error: error.body };
        answer(error.status, payload);
      } else {
        const payload: StripeErrorBody = { error: { type: "api_error", message: error instanceof Error ? error.message : String(error) } };
        answer(500, payload);
      }
    };

    if (url.pathname.startsWith("/__test/")) {
      try {
        const parsed: unknown = body ? JSON.parse(body) : {};
        const controlBody: ControlBody = typeof parsed === "object" && parsed !== null ? (parsed as ControlBody) : {};
        answer(200, control(method, url.pathname, url.searchParams, controlBody));
      } catch (error) {
        answerError(error);
      }
      return;
    }

    // The Checkout URL a payer would be sent to: a plain page saying how a test completes the session.
    const checkoutPage = url.pathname.match(/^\/c\/pay\/([^/]+)$/);
    if (method === "GET" && checkoutPage) {
      const id = checkoutPage[1] ?? "";
      const known = sessions.has(id);
      response
        .writeHead(known ? 200 : 404, { "content-type": "text/html; charset=utf-8" })
        .end(`<!doctype html><title>Fake Stripe Checkout</title><p>${known ? `Checkout Session ${id}: complete it with POST /__test/checkout/sessions/${id}/complete.` : "No such Checkout Session."}</p>`);
      return;
    }

    const recordedHeaders: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) {
      if (value !== undefined) recordedHeaders[name] = Array.isArray(value) ? value.join(", ") : value;
    }
    // GET carries its parameters (expand) in the query string, POST in the form body.
    const params = parseForm(method === "GET" ? url.search.slice(1) : body);
    requests.push({ method, path: url.pathname + url.search, headers: recordedHeaders, body, params });

    try {
      const secret = authenticate(request.headers.authorization);
      const key = request.headers["idempotency-key"];
      const idempotencyKey = typeof key === "string" && key !== "" && method === "POST" ? `${secret} ${key}` : null;
      const fingerprint = `${method} ${url.pathname} ${body}`;
      if (idempotencyKey) {
        const previous = idempotent.get(idempotencyKey);
        if (previous) {
          if (previous.fingerprint !== fingerprint) {
            throw new FakeStripeError(400, {
              type: "idempotency_error",
              message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
            });
          }
          response.writeHead(previous.status, { ...headers, "idempotency-key": String(key), "idempotent-replayed": "true" }).end(previous.body);
          return;
        }
      }
      const result = api(secret, method, url.pathname, params);
      const encoded = JSON.stringify(result);
      // Like Stripe, only a request that ran is remembered: one refused by validation may be retried with the same key.
      if (idempotencyKey) idempotent.set(idempotencyKey, { fingerprint, status: 200, body: encoded });
      response.writeHead(200, { ...headers, ...(idempotencyKey ? { "idempotency-key": String(key) } : {}) }).end(encoded);
    } catch (error) {
      answerError(error);
    }
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500, { "content-type": "text/plain" });
      response.end(error instanceof Error ? error.message : String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;
  return { port, server };
}
