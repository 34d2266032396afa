/**
 * PayPal adapter: Orders v2 (create, capture, read) and Payments v2 (refund) over `fetch`, and
 * webhook verification. PayPal's Node SDKs do not run in a Worker (`paypal-rest-sdk` is deprecated
 * and Node-only), so this file speaks the REST API itself. Every PayPal shape stays in this file;
 * the payment domain only sees the provider-neutral shapes of `./types`.
 *
 * Amounts: ours are ISO 4217 minor units; PayPal's are decimal strings in the major unit
 * ("12.34"), and PayPal refuses decimals for HUF, JPY and TWD. Both directions are exact string
 * arithmetic, never floats.
 */
import { z } from "zod";
import { currencyExponent, isCurrency, type CurrencyCode } from "../../shared/currencies";
import { MAX_AMOUNT, toDecimalString } from "../../shared/money";
import { crc32 } from "./crc32";
import {
  ProviderError,
  WebhookSignatureError,
  type CreatePaymentInput,
  type CreatedPayment,
  type PaymentProvider,
  type PayPalCredentials,
  type ProviderEvent,
  type ProviderPaymentFacts,
  type ProviderPaymentState,
} from "./types";
import { firstPemCertificate, readCertificate } from "./x509";

const LIVE_API_BASE = "https://api-m.paypal.com";
const SANDBOX_API_BASE = "https://api-m.sandbox.paypal.com";

/**
 * The only hosts a webhook's `paypal-cert-url` may point at. The URL arrives in a header of an
 * unauthenticated request: without this list anyone could sign an event with their own key and
 * point us at their own certificate. TLS to these hosts is what makes the certificate PayPal's.
 */
const CERTIFICATE_HOSTS: ReadonlySet<string> = new Set([
  "api.paypal.com",
  "api.sandbox.paypal.com",
  "api-m.paypal.com",
  "api-m.sandbox.paypal.com",
]);
/** PayPal signs with this algorithm only; anything else in `paypal-auth-algo` is refused, not negotiated. */
const AUTH_ALGORITHM = "SHA256withRSA";
/** A transmission further than this from our clock is a replay (or a badly skewed clock): same bound as Stripe's. */
const WEBHOOK_TOLERANCE_MS = 5 * 60 * 1000;
/** A certificate at a given URL never changes (the URL names it); a day keeps rotations visible soon enough. */
const CERTIFICATE_CACHE_SECONDS = 24 * 60 * 60;
/** PayPal's certificate bundle is a few KiB; anything much larger is not one and is not read into memory. */
const MAX_CERTIFICATE_BYTES = 64 * 1024;
/** A Worker request (and a webhook that must be answered fast) cannot wait for fetch's default. */
const REQUEST_TIMEOUT_MS = 15_000;
/** Renew a token this long before PayPal says it expires, so a request never leaves with a dying one. */
const TOKEN_EXPIRY_MARGIN_MS = 60_000;
/** PayPal's limit for `custom_id` and a purchase unit's `description`. */
const PAYPAL_TEXT_LIMIT = 127;
/**
 * Currencies PayPal takes without decimals although ISO 4217 gives them some (HUF and TWD have
 * exponent 2). JPY is listed too: its exponent is 0, so nothing changes for it.
 * https://developer.paypal.com/reference/currency-codes/
 */
const INTEGER_ONLY_CURRENCIES: ReadonlySet<CurrencyCode> = new Set<CurrencyCode>(["huf", "jpy", "twd"]);

export interface PayPalProviderOptions {
  /** Where the PayPal API lives, e.g. `http://127.0.0.1:1234` for the test fake; empty or undefined = PayPal by `environment`. */
  apiBase?: string;
}

// --- PayPal's wire shapes, reduced to the fields we read. Statuses stay plain strings: a status
// PayPal adds later must reach our mapping (and be treated conservatively), not fail parsing.

const moneySchema = z.object({ currency_code: z.string(), value: z.string() });
const linkSchema = z.object({ href: z.string(), rel: z.string() });
const captureSchema = z.object({
  id: z.string().min(1),
  status: z.string(),
  amount: moneySchema.optional(),
  custom_id: z.string().optional(),
  status_details: z.object({ reason: z.string().optional() }).optional(),
  supplementary_data: z.object({ related_ids: z.object({ order_id: z.string().optional() }).optional() }).optional(),
});
const refundSchema = z.object({
  id: z.string().min(1),
  status: z.string(),
  amount: moneySchema.optional(),
  custom_id: z.string().optional(),
  links: z.array(linkSchema).optional(),
  seller_payable_breakdown: z.object({ total_refunded_amount: moneySchema.optional() }).optional(),
});
const orderSchema = z.object({
  id: z.string().min(1),
  status: z.string(),
  links: z.array(linkSchema).optional(),
  purchase_units: z
    .array(
      z.object({
        custom_id: z.string().optional(),
        payments: z.object({ captures: z.array(captureSchema).optional(), refunds: z.array(refundSchema).optional() }).optional(),
      }),
    )
    .optional(),
});
const tokenSchema = z.object({ access_token: z.string().min(1), expires_in: z.number().optional() });
const errorSchema = z.object({
  name: z.string().optional(),
  message: z.string().optional(),
  debug_id: z.string().optional(),
  details: z.array(z.object({ issue: z.string().optional(), description: z.string().optional() })).optional(),
  // The OAuth endpoint answers in OAuth's own error format.
  error: z.string().optional(),
  error_description: z.string().optional(),
});
const webhookEventSchema = z.object({
  id: z.string().min(1),
  event_type: z.string().min(1),
  create_time: z.string().optional(),
  resource: z.unknown(),
});
/** A dispute as CUSTOMER.DISPUTE.CREATED carries it (Disputes API v1): the capture is the seller's transaction. */
const disputeSchema = z.object({
  dispute_id: z.string().optional(),
  dispute_amount: moneySchema.optional(),
  disputed_transactions: z.array(z.object({ seller_transaction_id: z.string().optional(), custom: z.string().optional() })).optional(),
});

type PayPalOrder = z.infer<typeof orderSchema>;
type PayPalCapture = z.infer<typeof captureSchema>;
type PayPalMoney = z.infer<typeof moneySchema>;

/** A PayPal API refusal, with the `issue` code of its first detail (e.g. ORDER_ALREADY_CAPTURED). */
class PayPalApiError extends ProviderError {
  constructor(
    message: string,
    status: number,
    readonly issue: string | null,
  ) {
    super(message, status);
  }
}

export function createPayPalProvider(credentials: PayPalCredentials, options: PayPalProviderOptions = {}): PaymentProvider {
  const apiBase = (options.apiBase || (credentials.environment === "live" ? LIVE_API_BASE : SANDBOX_API_BASE)).replace(/\/+$/, "");
  // Only set when the API is overridden (tests, a local fake): its certificates are then served
  // from that exact origin, which is configuration and not a header an attacker controls.
  const extraCertificateOrigin = options.apiBase ? new URL(apiBase).origin : null;

  // The OAuth token lives in this instance only. It is this merchant's bearer credential: a module
  // global would share it between requests of different merchants in the same isolate.
  let token: { value: string; expiresAt: number } | null = null;
  let tokenRequest: Promise<string> | null = null;

  async function accessToken(): Promise<string> {
    if (token && token.expiresAt > Date.now()) return token.value;
    // Concurrent calls on one instance share one token request.
    tokenRequest ??= requestToken().finally(() => {
      tokenRequest = null;
    });
    return tokenRequest;
  }

  async function requestToken(): Promise<string> {
    const response = await send(`${apiBase}/v1/oauth2/token`, {
      method: "POST",
      headers: {
        authorization: `Basic ${base64(new TextEncoder().encode(`${credentials.client_id}:${credentials.client_secret}`))}`,
        "content-type": "application/x-www-form-urlencoded",
        accept: "application/json",
      },
      body: "grant_type=client_credentials",
    });
    const body = await readJson(response);
    if (!response.ok) throw apiError("PayPal refused the client credentials", response.status, body);
    const parsed = tokenSchema.safeParse(body);
    if (!parsed.success) throw new ProviderError("PayPal answered the token request with an unexpected body", response.status);
    const lifetimeMs = (parsed.data.expires_in ?? 0) * 1000;
    token = { value: parsed.data.access_token, expiresAt: Date.now() + Math.max(0, lifetimeMs - TOKEN_EXPIRY_MARGIN_MS) };
    return token.value;
  }

  /** One authenticated API call; a 401 (token revoked or expired early) is retried once with a new token. */
  async function call<T>(method: "GET" | "POST", path: string, schema: z.ZodType<T>, init: { body?: unknown; requestId?: string } = {}): Promise<T> {
    for (let attempt = 0; ; attempt += 1) {
      const headers: Record<string, string> = {
        authorization: `Bearer ${await accessToken()}`,
        accept: "application/json",
        // The default (return=minimal) leaves out purchase units and captures, which the facts come from.
        prefer: "return=representation",
      };
      if (init.body !== undefined) headers["content-type"] = "application/json";
      // PayPal's idempotency key: a retried POST answers the first response instead of acting twice.
      if (init.requestId !== undefined) headers["paypal-request-id"] = init.requestId;
      const response = await send(`${apiBase}${path}`, {
        method,
        headers,
        ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
      });
      const body = await readJson(response);
      if (response.status === 401 && attempt === 0) {
        token = null;
        continue;
      }
      if (!response.ok) throw apiError(`PayPal ${method} ${path.split("?")[0]} failed`, response.status, body);
      const parsed = schema.safeParse(body);
      if (!parsed.success) throw new ProviderError(`PayPal answered ${method} ${path} with an unexpected body`, response.status);
      return parsed.data;
    }
  }

  async function retrieveOrder(orderId: string): Promise<ProviderPaymentFacts> {
    return orderFacts(await call("GET", `/v2/checkout/orders/${encodeURIComponent(orderId)}`, orderSchema));
  }

  return {
    name: "paypal",

    async createPayment(input: CreatePaymentInput): Promise<CreatedPayment> {
      // The payment domain routes methods to providers; reaching this is a bug, not a provider failure.
      if (input.method !== "paypal") throw new Error(`the PayPal provider cannot take method "${input.method}"`);
      if (input.paymentId.length > PAYPAL_TEXT_LIMIT) throw new ProviderError(`payment id longer than PayPal's ${PAYPAL_TEXT_LIMIT} characters`);
      const order = await call("POST", "/v2/checkout/orders", orderSchema, {
        requestId: input.idempotencyKey,
        body: {
          intent: "CAPTURE",
          purchase_units: [
            {
              // Every capture, refund and webhook of this order carries custom_id back: it is how events find our payment.
              custom_id: input.paymentId,
              ...(input.description ? { description: truncate(input.description, PAYPAL_TEXT_LIMIT) } : {}),
              amount: { currency_code: input.currency.toUpperCase(), value: toPayPalValue(input.amount, input.currency) },
            },
          ],
          // payment_source.paypal.experience_context replaces the deprecated application_context.
          payment_source: {
            paypal: {
              experience_context: {
                return_url: input.returnUrl,
                cancel_url: input.cancelUrl,
                // Invoices ship nothing; the buyer confirms the amount on PayPal and we capture at once.
                shipping_preference: "NO_SHIPPING",
                user_action: "PAY_NOW",
              },
            },
          },
        },
      });
      // "payer-action" with payment_source.paypal, "approve" with the older application_context.
      const approve = order.links?.find((link) => link.rel === "payer-action" || link.rel === "approve");
      return {
        providerRef: order.id,
        action: { type: "paypal", order_id: order.id, client_id: credentials.client_id, approve_url: approve?.href ?? null },
      };
    },

    retrievePayment: retrieveOrder,

    async capture(orderId: string, idempotencyKey: string): Promise<ProviderPaymentFacts> {
      try {
        const order = await call("POST", `/v2/checkout/orders/${encodeURIComponent(orderId)}/capture`, orderSchema, {
          requestId: idempotencyKey,
          body: {},
        });
        return orderFacts(order);
      } catch (error) {
        // Captured already (by an earlier attempt under another key, or a double click): what the
        // order says now is the answer, not an error.
        if (error instanceof PayPalApiError && error.issue === "ORDER_ALREADY_CAPTURED") return retrieveOrder(orderId);
        throw error;
      }
    },

    async refund(captureId: string, amount: number, currency: CurrencyCode, idempotencyKey: string): Promise<{ refundRef: string }> {
      const refund = await call("POST", `/v2/payments/captures/${encodeURIComponent(captureId)}/refund`, refundSchema, {
        requestId: idempotencyKey,
        body: { amount: { currency_code: currency.toUpperCase(), value: toPayPalValue(amount, currency) } },
      });
      if (refund.status === "FAILED" || refund.status === "CANCELLED") throw new ProviderError(`PayPal refund ${refund.id} ${refund.status}`);
      return { refundRef: refund.id };
    },

    /**
     * Self-verification, not PayPal's verify-webhook-signature API: the API costs an OAuth token
     * and a round trip to PayPal for every event (while PayPal waits for our answer), and cannot run
     * offline, so tests could not sign events themselves. Self-verification needs one certificate
     * download per certificate (cached), and the tests sign with their own key and certificate
     * served by the fake, with the very code path production uses.
     */
    async verifyWebhook(rawBody: string, headers: Headers, now: Date): Promise<ProviderEvent> {
      const transmissionId = headers.get("paypal-transmission-id");
      const transmissionTime = headers.get("paypal-transmission-time");
      const signature = headers.get("paypal-transmission-sig");
      const certUrl = headers.get("paypal-cert-url");
      const algorithm = headers.get("paypal-auth-algo");
      if (!transmissionId || !transmissionTime || !signature || !certUrl || !algorithm) {
        throw new WebhookSignatureError("missing PayPal transmission headers");
      }
      if (algorithm !== AUTH_ALGORITHM) throw new WebhookSignatureError(`unsupported paypal-auth-algo: ${algorithm}`);
      const sentAt = Date.parse(transmissionTime);
      if (Number.isNaN(sentAt)) throw new WebhookSignatureError("paypal-transmission-time is not a date");
      if (Math.abs(now.getTime() - sentAt) > WEBHOOK_TOLERANCE_MS) throw new WebhookSignatureError("paypal-transmission-time is too far from now");
      if (!credentials.webhook_id) throw new WebhookSignatureError("no PayPal webhook id is configured");

      const url = allowedCertificateUrl(certUrl, extraCertificateOrigin);
      const key = await certificateKey(url, now);
      // The signed message ties the body (through its CRC-32) to this transmission and to our webhook id,
      // so an event signed for another PayPal webhook (another merchant) does not verify here.
      const message = `${transmissionId}|${transmissionTime}|${credentials.webhook_id}|${crc32(new TextEncoder().encode(rawBody))}`;
      const signatureBytes = decodeBase64(signature);
      if (signatureBytes === null) throw new WebhookSignatureError("paypal-transmission-sig is not base64");
      let valid: boolean;
      try {
        valid = await crypto.subtle.verify("RSASSA-PKCS1-v1_5", key, signatureBytes, new TextEncoder().encode(message));
      } catch {
        valid = false;
      }
      if (!valid) throw new WebhookSignatureError("PayPal webhook signature does not verify");

      let json: unknown;
      try {
        json = JSON.parse(rawBody);
      } catch {
        throw new WebhookSignatureError("the PayPal webhook body is not JSON");
      }
      const event = webhookEventSchema.safeParse(json);
      if (!event.success) throw new WebhookSignatureError("the PayPal webhook body is not an event");
      return mapEvent(event.data);
    },
  };
}

// --- HTTP

async function send(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  } catch (error) {
    throw new ProviderError(`PayPal could not be reached: ${error instanceof Error ? error.message : String(error)}`);
  }
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === "") return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

/** PayPal's error body (name, message, details[].issue) or OAuth's (error, error_description) as one message. */
function apiError(prefix: string, status: number, body: unknown): PayPalApiError {
  const parsed = errorSchema.safeParse(body);
  const error = parsed.success ? parsed.data : {};
  const detail = error.details?.[0];
  const issue = detail?.issue ?? null;
  const parts = [
    error.name ?? error.error,
    issue,
    detail?.description ?? error.message ?? error.error_description,
    error.debug_id ? `debug_id ${error.debug_id}` : undefined,
  ].filter((part): part is string => typeof part === "string" && part !== "");
  return new PayPalApiError(`${prefix} (${status})${parts.length ? `: ${parts.join(" — ")}` : ""}`, status, issue);
}

// --- Amounts

/**
 * Our minor units as PayPal's decimal string.
 * @example toPayPalValue(1234, "eur") // "12.34"
 * @example toPayPalValue(123400, "huf") // "1234"
 */
function toPayPalValue(amount: number, currency: CurrencyCode): string {
  if (!Number.isSafeInteger(amount) || amount <= 0) throw new ProviderError(`PayPal takes a positive whole number of minor units, not ${amount}`);
  const exponent = currencyExponent(currency);
  if (INTEGER_ONLY_CURRENCIES.has(currency) && exponent > 0) {
    const unit = 10 ** exponent;
    // The domain checks this first (a 422 for the client); reaching here with decimals is refused, not rounded.
    if (amount % unit !== 0) throw new ProviderError(`PayPal accepts ${currency.toUpperCase()} without decimals only`);
    return String(amount / unit);
  }
  return toDecimalString(amount, currency);
}

/**
 * PayPal's decimal string as our minor units, exactly (BigInt, no float). Digits beyond the
 * currency's exponent are accepted only when they are zeros ("12.340" EUR).
 * @example fromPayPalMoney({ currency_code: "HUF", value: "1234" }) // { amount: 123400, currency: "huf" }
 */
function fromPayPalMoney(money: PayPalMoney): { amount: number; currency: CurrencyCode } {
  const currency = money.currency_code.toLowerCase();
  if (!isCurrency(currency)) throw new ProviderError(`PayPal answered in an unsupported currency: ${money.currency_code}`);
  const match = /^(\d+)(?:\.(\d+))?$/.exec(money.value);
  if (!match) throw new ProviderError(`PayPal answered an amount that is not a decimal: ${money.value}`);
  const exponent = currencyExponent(currency);
  const fraction = match[2] ?? "";
  if (/[1-9]/.test(fraction.slice(exponent))) throw new ProviderError(`PayPal answered more decimals than ${currency.toUpperCase()} has: ${money.value}`);
  const minor = BigInt(match[1]!) * 10n ** BigInt(exponent) + BigInt(fraction.slice(0, exponent).padEnd(exponent, "0") || "0");
  if (minor > BigInt(MAX_AMOUNT)) throw new ProviderError(`PayPal answered an amount out of range: ${money.value}`);
  return { amount: Number(minor), currency };
}

// --- Orders → facts

const SUCCEEDED_CAPTURE = new Set(["COMPLETED", "PARTIALLY_REFUNDED", "REFUNDED"]);
const FAILED_CAPTURE = new Set(["DECLINED", "FAILED"]);

function captureState(status: string): ProviderPaymentState {
  if (SUCCEEDED_CAPTURE.has(status)) return "succeeded";
  if (FAILED_CAPTURE.has(status)) return "failed";
  // PENDING (e.g. an eCheck, a review) and any status PayPal adds later: not final, so re-read later.
  return "processing";
}

function orderFacts(order: PayPalOrder): ProviderPaymentFacts {
  // Quittance creates one purchase unit per order and captures it once (intent CAPTURE).
  const unit = order.purchase_units?.[0];
  const captures = unit?.payments?.captures ?? [];
  // A successful capture wins over an earlier declined attempt; otherwise the latest one speaks.
  const capture: PayPalCapture | undefined = captures.find((item) => SUCCEEDED_CAPTURE.has(item.status)) ?? captures.at(-1);
  const paymentId = unit?.custom_id ?? capture?.custom_id ?? null;
  if (!capture) {
    return {
      providerRef: order.id,
      // CREATED / PAYER_ACTION_REQUIRED wait for the buyer, APPROVED waits for our capture: both in flight.
      state: order.status === "VOIDED" ? "canceled" : "processing",
      amountReceived: 0,
      amountRefunded: 0,
      paymentId,
      chargeRef: null,
      failureMessage: null,
    };
  }
  const state = captureState(capture.status);
  const received = state === "succeeded" && capture.amount ? fromPayPalMoney(capture.amount).amount : 0;
  return {
    providerRef: order.id,
    state,
    amountReceived: received,
    amountRefunded: state === "succeeded" ? refundedAmount(capture, unit?.payments?.refunds ?? [], received) : 0,
    paymentId,
    chargeRef: capture.id,
    failureMessage:
      state === "failed" ? `PayPal capture ${capture.status.toLowerCase()}${capture.status_details?.reason ? `: ${capture.status_details.reason}` : ""}` : null,
  };
}

/**
 * Refunded so far: the sum of the order's refunds that are completed or pending (as Stripe counts
 * `amount_refunded`: a pending refund has left the merchant's hands). When PayPal lists no refunds,
 * the capture's status still says a full refund happened.
 */
function refundedAmount(capture: PayPalCapture, refunds: z.infer<typeof refundSchema>[], received: number): number {
  let total = 0;
  for (const refund of refunds) {
    if ((refund.status === "COMPLETED" || refund.status === "PENDING") && refund.amount) total += fromPayPalMoney(refund.amount).amount;
  }
  if (total === 0 && capture.status === "REFUNDED") return received;
  return Math.min(total, received);
}

// --- Webhooks

/**
 * The certificate URL, if it is https on an allow-listed PayPal host (or the configured API
 * origin in tests). Checked before any fetch: a refused URL is never contacted.
 */
function allowedCertificateUrl(raw: string, extraOrigin: string | null): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new WebhookSignatureError("paypal-cert-url is not a URL");
  }
  if (url.username || url.password) throw new WebhookSignatureError("paypal-cert-url is not an allowed certificate URL");
  // `host` includes a non-default port, so https://api.paypal.com:8443 is not api.paypal.com.
  const onPayPal = url.protocol === "https:" && CERTIFICATE_HOSTS.has(url.host);
  const onConfiguredApi = extraOrigin !== null && url.origin === extraOrigin;
  if (!onPayPal && !onConfiguredApi) throw new WebhookSignatureError(`paypal-cert-url is not an allowed certificate URL: ${url.origin}`);
  return url;
}

/**
 * The public key of the certificate at `url`, valid at `now`.
 *
 * The PEM is cached with the Cache API (`caches.default`, keyed by the URL) rather than in a map on
 * the provider instance: providers are built per request with the merchant's credentials, so an
 * instance map would be empty for every event, while the Cache API is shared by every request (and
 * isolate) of the data centre. A certificate is public, so sharing it across merchants leaks
 * nothing, and the URL names one certificate. Where the Cache API does nothing (a workers.dev
 * route), verification still works with one download per event.
 */
async function certificateKey(url: URL, now: Date): Promise<CryptoKey> {
  const pem = await certificatePem(url);
  let spki: Uint8Array<ArrayBuffer>;
  try {
    const certificate = readCertificate(firstPemCertificate(pem));
    if (now < certificate.notBefore || now > certificate.notAfter) throw new WebhookSignatureError("the PayPal certificate is not valid now");
    spki = certificate.spki;
  } catch (error) {
    if (error instanceof WebhookSignatureError) throw error;
    throw new WebhookSignatureError(`the PayPal certificate cannot be read: ${error instanceof Error ? error.message : String(error)}`);
  }
  try {
    return await crypto.subtle.importKey("spki", spki, { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, false, ["verify"]);
  } catch {
    throw new WebhookSignatureError("the PayPal certificate does not hold an RSA public key");
  }
}

async function certificatePem(url: URL): Promise<string> {
  // Typed loosely on purpose: the tests' DOM-typed CacheStorage has no `default` (workerd's has).
  const cache = typeof caches === "undefined" ? null : ((caches as CacheStorage & { readonly default?: Cache }).default ?? null);
  const cached = await cache?.match(url.href);
  // Read as bytes and decoded here: PayPal's certificate content type is not text/*, and workerd warns on .text() of such bodies.
  if (cached) return new TextDecoder().decode(await cached.arrayBuffer());
  let response: Response;
  try {
    // No redirects: a redirect could lead off the allow-listed host.
    response = await fetch(url.href, { redirect: "manual", signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  } catch (error) {
    throw new WebhookSignatureError(`the PayPal certificate could not be fetched: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (response.status !== 200) throw new WebhookSignatureError(`the PayPal certificate could not be fetched (${response.status})`);
  const bytes = await response.arrayBuffer();
  if (bytes.byteLength > MAX_CERTIFICATE_BYTES) throw new WebhookSignatureError("the PayPal certificate is too large");
  const pem = new TextDecoder().decode(bytes);
  await cache?.put(
    url.href,
    new Response(pem, { headers: { "content-type": "application/x-pem-file", "cache-control": `max-age=${CERTIFICATE_CACHE_SECONDS}` } }),
  );
  return pem;
}

/**
 * A verified event, reduced to what the payment domain acts on. Events whose resource lacks what
 * the domain needs are `ignored` (answered 2xx): reconciliation re-reads the order anyway.
 *
 * PAYMENT.CAPTURE.REFUNDED carries a refund: its capture is the target of the refund's "up" link,
 * and `amountRefunded` is PayPal's cumulative `seller_payable_breakdown.total_refunded_amount` when
 * present, else this refund's own amount (a lower bound: state only moves forward, and retrieving
 * the order gives the exact total).
 */
function mapEvent(event: z.infer<typeof webhookEventSchema>): ProviderEvent {
  const base = { id: event.id, occurredAt: event.create_time ?? new Date().toISOString() };
  const ignored: ProviderEvent = { ...base, kind: "ignored", type: event.event_type };
  try {
    switch (event.event_type) {
      case "PAYMENT.CAPTURE.COMPLETED": {
        const capture = captureSchema.safeParse(event.resource);
        const orderId = capture.data?.supplementary_data?.related_ids?.order_id;
        if (!capture.success || !orderId || !capture.data.amount) return ignored;
        const money = fromPayPalMoney(capture.data.amount);
        return {
          ...base,
          kind: "payment_succeeded",
          providerRef: orderId,
          chargeRef: capture.data.id,
          paymentId: capture.data.custom_id ?? null,
          amount: money.amount,
          currency: money.currency,
        };
      }
      case "PAYMENT.CAPTURE.DENIED": {
        const capture = captureSchema.safeParse(event.resource);
        const orderId = capture.data?.supplementary_data?.related_ids?.order_id;
        if (!capture.success || !orderId) return ignored;
        return {
          ...base,
          kind: "payment_failed",
          providerRef: orderId,
          paymentId: capture.data.custom_id ?? null,
          reason: `PayPal capture denied${capture.data.status_details?.reason ? `: ${capture.data.status_details.reason}` : ""}`,
        };
      }
      case "PAYMENT.CAPTURE.REFUNDED": {
        const refund = refundSchema.safeParse(event.resource);
        if (!refund.success) return ignored;
        const up = refund.data.links?.find((link) => link.rel === "up")?.href;
        const captureId = up ? /\/v2\/payments\/captures\/([^/?#]+)/.exec(up)?.[1] : undefined;
        const total = refund.data.seller_payable_breakdown?.total_refunded_amount ?? refund.data.amount;
        if (!captureId || !total) return ignored;
        return {
          ...base,
          kind: "refunded",
          chargeRef: decodeURIComponent(captureId),
          paymentId: refund.data.custom_id ?? null,
          amountRefunded: fromPayPalMoney(total).amount,
        };
      }
      case "CUSTOMER.DISPUTE.CREATED": {
        const dispute = disputeSchema.safeParse(event.resource);
        const transaction = dispute.data?.disputed_transactions?.[0];
        const captureId = transaction?.seller_transaction_id;
        if (!dispute.success || !captureId || !dispute.data.dispute_amount) return ignored;
        return {
          ...base,
          kind: "disputed",
          chargeRef: captureId,
          paymentId: transaction.custom ?? null,
          amount: fromPayPalMoney(dispute.data.dispute_amount).amount,
        };
      }
      default:
        return ignored;
    }
  } catch (error) {
    // An amount we cannot read (an unknown currency) belongs to no payment of ours.
    if (error instanceof ProviderError) return ignored;
    throw error;
  }
}

// --- Small helpers

function truncate(text: string, limit: number): string {
  const characters = [...text]; // code points, so a surrogate pair is never cut in half
  return characters.length <= limit ? text : `${characters.slice(0, limit - 1).join("")}…`;
}

function base64(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function decodeBase64(text: string): Uint8Array<ArrayBuffer> | null {
  try {
    return Uint8Array.from(atob(text), (character) => character.charCodeAt(0));
  } catch {
    return null;
  }
}
