/**
 * A local fake of the PayPal REST API: only the endpoints Quittance's adapter calls, state in
 * memory, started once per test run by global-setup.ts (tests inside workerd reach it at
 * `http://127.0.0.1:${inject("fakePayPalPort")}`, and the Worker through the PAYPAL_API_BASE binding).
 *
 *   POST /v1/oauth2/token                       client-credentials token (basic auth)
 *   POST /v2/checkout/orders                    create an order (PayPal-Request-Id honoured)
 *   GET  /v2/checkout/orders/:id                read an order
 *   POST /v2/checkout/orders/:id/capture        capture an approved order (PayPal-Request-Id honoured)
 *   POST /v2/payments/captures/:id/refund       refund a capture, fully or partly (PayPal-Request-Id honoured)
 *   GET  /v1/notifications/certs/:name          the webhook signing certificate (PEM)
 *
 * Every JSON answer is typed with `@paypal/paypal-server-sdk`'s models through `Wire<…>`, so it
 * cannot drift from PayPal's published shapes without the type check failing. `Prefer:
 * return=representation` gives the full resource, anything else PayPal's minimal answer (id,
 * status, links), as PayPal does; so an adapter that forgets the header sees what it would see live.
 *
 * Test-only control routes (what a buyer or PayPal itself would do), none of them authenticated:
 *
 *   POST /__test/orders/:id/approve     {capture_status?}  the buyer approves; the later capture
 *                                       ends COMPLETED (default), DECLINED or PENDING
 *   POST /__test/orders/:id/void                           the order is voided
 *   POST /__test/captures/:id/complete                     a PENDING capture clears
 *   POST /__test/webhooks/event         {event_type, order_id}  → {event}: PAYMENT.CAPTURE.COMPLETED |
 *                                       DENIED | PENDING | REFUNDED or CUSTOMER.DISPUTE.CREATED, built
 *                                       from the order's current state
 *   POST /__test/webhooks/sign          {event | body, webhook_id, transmission_id?, transmission_time?,
 *                                       cert_url?, auth_algo?, certificate?: "valid" | "expired"}
 *                                       → {body, headers}: the exact body to post and PayPal's
 *                                       transmission headers, signed with the fake's key; the cert URL
 *                                       defaults to a fresh name on this fake, so a test can find its
 *                                       own certificate download in the request log
 *   GET  /__test/requests?path_prefix=  → {requests: [{method, path, headers, body}]}, oldest first
 *
 * PayPal refuses KWD and the other three-decimal currencies; this fake accepts them (with three
 * decimals) so that the adapter's formatting of such amounts can be tested. Quittance's currency
 * rules refuse them for PayPal before any call.
 */
import { randomBytes, randomUUID, sign } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { crc32 } from "node:zlib";
import type {
  CapturedPayment,
  ErrorDetails,
  LinkDescription,
  Money,
  OAuthToken,
  Order,
  OrderRequest,
  OrdersCapture,
  PaymentsCapture,
  Refund,
  RefundRequest,
} from "@paypal/paypal-server-sdk";
import { generate } from "selfsigned";
import type { PayPalDispute, PayPalWebhookEvent, Wire } from "./paypal-wire";

type OrderStatus = NonNullable<Wire<Order>["status"]>;
type CaptureStatus = NonNullable<Wire<PaymentsCapture>["status"]>;
type RefundStatus = NonNullable<Wire<Refund>["status"]>;
type WireMoney = Wire<Money>;
type WireLink = Wire<LinkDescription>;

/** The error body of PayPal's REST APIs (the SDK's `CustomError` payload). */
interface PayPalErrorBody {
  name: string;
  message: string;
  debug_id: string;
  details?: Wire<ErrorDetails>[];
  links?: WireLink[];
}

/** What the fake's request log keeps of each request. */
export interface LoggedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

/** What `POST /__test/webhooks/sign` answers. */
export interface SignedWebhook {
  body: string;
  headers: Record<string, string>;
}

interface FakeOrder {
  id: string;
  clientId: string;
  status: OrderStatus;
  createTime: string;
  updateTime: string;
  customId: string | undefined;
  description: string | undefined;
  amount: WireMoney;
  /** Created with payment_source.paypal (the buyer's link is "payer-action") or application_context ("approve"). */
  withPaymentSource: boolean;
  /** How the capture will end, chosen when the buyer approves. */
  captureOutcome: CaptureStatus;
  captureIds: string[];
}

interface FakeCapture {
  id: string;
  orderId: string;
  clientId: string;
  status: CaptureStatus;
  amount: WireMoney;
  customId: string | undefined;
  createTime: string;
  updateTime: string;
  refundIds: string[];
}

interface FakeRefund {
  id: string;
  captureId: string;
  status: RefundStatus;
  amount: WireMoney;
  /** Refunded on the capture once this refund was made (PayPal's seller_payable_breakdown.total_refunded_amount). */
  totalRefunded: WireMoney;
  customId: string | undefined;
  createTime: string;
}

/** A stored answer to a POST with a PayPal-Request-Id: a retry gets the same resource, not a second action. */
interface IdempotentAnswer {
  status: number;
  render: (origin: string, full: boolean) => unknown;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: PayPalErrorBody | { error: string; error_description: string },
  ) {
    super(`HTTP ${status}`);
  }
}

/** PayPal's own id style: 17 upper-case letters and digits. */
function paypalId(): string {
  const alphabet = "ABCDEFGHJKLMNPRSTUVWXY0123456789";
  return [...randomBytes(17)].map((byte) => alphabet[byte % alphabet.length]).join("");
}

function debugId(): string {
  return randomBytes(7).toString("hex");
}

function paypalError(status: number, name: string, message: string, details: Wire<ErrorDetails>[] = []): HttpError {
  return new HttpError(status, { name, message, debug_id: debugId(), ...(details.length ? { details } : {}) });
}

function unprocessable(issue: string, description: string, field?: string): HttpError {
  return paypalError(422, "UNPROCESSABLE_ENTITY", "The requested action could not be performed, semantically incorrect, or failed business validation.", [
    { issue, description, ...(field ? { field, location: "body" } : {}) },
  ]);
}

function invalidRequest(issue: string, description: string, field: string): HttpError {
  return paypalError(400, "INVALID_REQUEST", "Request is not well-formed, syntactically incorrect, or violates schema.", [
    { issue, description, field, location: "body" },
  ]);
}

function notFound(): HttpError {
  return paypalError(404, "RESOURCE_NOT_FOUND", "The specified resource does not exist.", [
    { issue: "INVALID_RESOURCE_ID", description: "Specified resource ID does not exist. Please check the resource ID and try again." },
  ]);
}

// --- Amounts, kept as the decimal strings PayPal uses; arithmetic in thousandths with BigInt.

/** Decimals PayPal takes per currency (three-decimal ones: see the header comment). */
function decimalsOf(currency: string): number {
  if (["HUF", "JPY", "TWD"].includes(currency)) return 0;
  if (["BHD", "JOD", "KWD", "OMR", "TND"].includes(currency)) return 3;
  return 2;
}

/** Checks a Money the way PayPal does; `field` names it in the error. */
function checkMoney(money: unknown, field: string): WireMoney {
  if (typeof money !== "object" || money === null) throw invalidRequest("MISSING_REQUIRED_PARAMETER", "A required field is missing.", field);
  const { currency_code: currency, value } = money as Record<string, unknown>;
  if (typeof currency !== "string" || !/^[A-Z]{3}$/.test(currency)) {
    throw invalidRequest("INVALID_PARAMETER_SYNTAX", "The currency code must be three upper-case letters.", `${field}/currency_code`);
  }
  if (typeof value !== "string" || !/^\d{1,10}(\.\d+)?$/.test(value)) {
    throw invalidRequest("INVALID_PARAMETER_SYNTAX", "The value must be a decimal string.", `${field}/value`);
  }
  const decimals = value.split(".")[1]?.length ?? 0;
  if (decimals > decimalsOf(currency)) {
    throw unprocessable("DECIMAL_PRECISION", `If the currency supports decimals, only two decimal place precision is supported (${currency}: ${decimalsOf(currency)}).`, `${field}/value`);
  }
  if (toMilli(value) <= 0n) throw unprocessable("INVALID_PARAMETER_VALUE", "The amount must be positive.", `${field}/value`);
  return { currency_code: currency, value };
}

function toMilli(value: string): bigint {
  const [whole, fraction = ""] = value.split(".");
  return BigInt(whole!) * 1000n + BigInt(fraction.padEnd(3, "0").slice(0, 3));
}

function fromMilli(milli: bigint, currency: string): string {
  const decimals = decimalsOf(currency);
  const whole = (milli / 1000n).toString();
  return decimals === 0 ? whole : `${whole}.${(milli % 1000n).toString().padStart(3, "0").slice(0, decimals)}`;
}

// --- The fake

export async function startFakePayPal(): Promise<{ port: number; server: Server }> {
  // One RSA key pair signs every webhook; the same public key is served in a valid certificate and
  // in an expired one (under CERT-expired-… names), so a test can show the validity period is checked.
  const day = 24 * 60 * 60 * 1000;
  const subject = [{ name: "commonName", value: "messageverificationcerts.sandbox.paypal.com" }];
  const valid = await generate(subject, {
    keySize: 2048,
    algorithm: "sha256",
    notBeforeDate: new Date(Date.now() - day),
    notAfterDate: new Date(Date.now() + 365 * day),
  });
  const expired = await generate(subject, {
    keyPair: { privateKey: valid.private, publicKey: valid.public },
    algorithm: "sha256",
    notBeforeDate: new Date(Date.now() - 730 * day),
    notAfterDate: new Date(Date.now() - 365 * day),
  });

  const tokens = new Map<string, string>(); // access token → client id
  const orders = new Map<string, FakeOrder>();
  const captures = new Map<string, FakeCapture>();
  const refunds = new Map<string, FakeRefund>();
  const answers = new Map<string, IdempotentAnswer>();
  const requests: LoggedRequest[] = [];

  function orderLinks(order: FakeOrder, origin: string): WireLink[] {
    const self = `${origin}/v2/checkout/orders/${order.id}`;
    const links: WireLink[] = [{ href: self, rel: "self", method: "GET" }];
    if (order.status === "CREATED" || order.status === "PAYER_ACTION_REQUIRED") {
      links.push({ href: `${origin}/checkoutnow?token=${order.id}`, rel: order.withPaymentSource ? "payer-action" : "approve", method: "GET" });
    }
    if (order.status === "CREATED" || order.status === "APPROVED") {
      links.push({ href: self, rel: "update", method: "PATCH" }, { href: `${self}/capture`, rel: "capture", method: "POST" });
    }
    return links;
  }

  function captureLinks(capture: FakeCapture, origin: string): WireLink[] {
    return [
      { href: `${origin}/v2/payments/captures/${capture.id}`, rel: "self", method: "GET" },
      { href: `${origin}/v2/payments/captures/${capture.id}/refund`, rel: "refund", method: "POST" },
      { href: `${origin}/v2/checkout/orders/${capture.orderId}`, rel: "up", method: "GET" },
    ];
  }

  function captureJson(capture: FakeCapture, origin: string): Wire<OrdersCapture> {
    return {
      id: capture.id,
      status: capture.status,
      ...(capture.status === "PENDING" ? { status_details: { reason: "PENDING_REVIEW" } } : {}),
      amount: capture.amount,
      ...(capture.customId !== undefined ? { custom_id: capture.customId } : {}),
      final_capture: true,
      seller_protection: { status: "ELIGIBLE", dispute_categories: ["ITEM_NOT_RECEIVED", "UNAUTHORIZED_TRANSACTION"] },
      links: captureLinks(capture, origin),
      create_time: capture.createTime,
      update_time: capture.updateTime,
    };
  }

  /** A capture as webhooks carry it: with the order it belongs to. */
  function capturedPaymentJson(capture: FakeCapture, origin: string): Wire<CapturedPayment> {
    return { ...captureJson(capture, origin), supplementary_data: { related_ids: { order_id: capture.orderId } } };
  }

  function refundJson(refund: FakeRefund, origin: string): Wire<Refund> {
    return {
      id: refund.id,
      status: refund.status,
      amount: refund.amount,
      ...(refund.customId !== undefined ? { custom_id: refund.customId } : {}),
      seller_payable_breakdown: { gross_amount: refund.amount, net_amount: refund.amount, total_refunded_amount: refund.totalRefunded },
      links: [
        { href: `${origin}/v2/payments/refunds/${refund.id}`, rel: "self", method: "GET" },
        { href: `${origin}/v2/payments/captures/${refund.captureId}`, rel: "up", method: "GET" },
      ],
      create_time: refund.createTime,
      update_time: refund.createTime,
    };
  }

  function orderJson(order: FakeOrder, origin: string, full: boolean): Wire<Order> {
    if (!full) return { id: order.id, status: order.status, links: orderLinks(order, origin) };
    const orderCaptures = order.captureIds.map((id) => captures.get(id)!);
    const orderRefunds = orderCaptures.flatMap((capture) => capture.refundIds.map((id) => refunds.get(id)!));
    return {
      id: order.id,
      intent: "CAPTURE",
      status: order.status,
      ...(order.withPaymentSource ? { payment_source: { paypal: {} } } : {}),
      purchase_units: [
        {
          reference_id: "default",
          amount: order.amount,
          ...(order.customId !== undefined ? { custom_id: order.customId } : {}),
          ...(order.description !== undefined ? { description: order.description } : {}),
          ...(orderCaptures.length
            ? {
                payments: {
                  captures: orderCaptures.map((capture) => captureJson(capture, origin)),
                  ...(orderRefunds.length ? { refunds: orderRefunds.map((refund) => refundJson(refund, origin)) } : {}),
                },
              }
            : {}),
        },
      ],
      create_time: order.createTime,
      update_time: order.updateTime,
      links: orderLinks(order, origin),
    };
  }

  function authenticate(request: IncomingMessage): string {
    const match = /^Bearer (\S+)$/.exec(request.headers.authorization ?? "");
    const clientId = match ? tokens.get(match[1]!) : undefined;
    if (clientId === undefined) throw new HttpError(401, { error: "invalid_token", error_description: "Token signature verification failed" });
    return clientId;
  }

  function ownOrder(id: string, clientId: string | null): FakeOrder {
    const order = orders.get(id);
    // Another merchant's order does not exist for this client, as on PayPal.
    if (!order || (clientId !== null && order.clientId !== clientId)) throw notFound();
    return order;
  }

  function ownCapture(id: string, clientId: string | null): FakeCapture {
    const capture = captures.get(id);
    if (!capture || (clientId !== null && capture.clientId !== clientId)) throw notFound();
    return capture;
  }

  /** Runs `action` once per PayPal-Request-Id (per client and route); a retry answers what the first call made. */
  function idempotent(request: IncomingMessage, clientId: string, route: string, action: () => IdempotentAnswer): IdempotentAnswer {
    const requestId = request.headers["paypal-request-id"];
    if (typeof requestId !== "string" || requestId === "") return action();
    const key = `${clientId}\n${route}\n${requestId}`;
    const known = answers.get(key);
    if (known) return known;
    const answer = action(); // an error is not stored: PayPal lets a failed request be retried
    answers.set(key, answer);
    return answer;
  }

  function issueToken(request: IncomingMessage, body: string): Wire<OAuthToken> {
    const match = /^Basic (\S+)$/.exec(request.headers.authorization ?? "");
    const decoded = match ? Buffer.from(match[1]!, "base64").toString("utf8") : "";
    const separator = decoded.indexOf(":");
    const clientId = separator > 0 ? decoded.slice(0, separator) : "";
    const secret = separator > 0 ? decoded.slice(separator + 1) : "";
    // "invalid" stands for a wrong secret, so a test can see how the adapter reports refused credentials.
    if (clientId === "" || secret === "" || secret === "invalid") {
      throw new HttpError(401, { error: "invalid_client", error_description: "Client Authentication failed" });
    }
    if (new URLSearchParams(body).get("grant_type") !== "client_credentials") {
      throw new HttpError(400, { error: "unsupported_grant_type", error_description: "Grant Type is NULL" });
    }
    const accessToken = `A21AA${randomBytes(24).toString("base64url")}`;
    tokens.set(accessToken, clientId);
    return { access_token: accessToken, token_type: "Bearer", expires_in: 32_400, scope: "https://uri.paypal.com/services/payments/payment" };
  }

  function createOrder(clientId: string, json: unknown): FakeOrder {
    if (typeof json !== "object" || json === null) throw invalidRequest("MALFORMED_REQUEST_JSON", "The request JSON is not well formed.", "/");
    const request = json as Partial<Wire<OrderRequest>>;
    if (request.intent !== "CAPTURE") {
      throw request.intent === "AUTHORIZE"
        ? unprocessable("INTENT_NOT_SUPPORTED", "This fake supports intent CAPTURE only.", "/intent")
        : invalidRequest("INVALID_PARAMETER_VALUE", "intent must be CAPTURE or AUTHORIZE.", "/intent");
    }
    const units = request.purchase_units;
    if (!Array.isArray(units) || units.length !== 1) {
      throw invalidRequest("INVALID_ARRAY_LENGTH", "This fake supports exactly one purchase unit.", "/purchase_units");
    }
    const unit = units[0]!;
    const amount = checkMoney(unit.amount, "/purchase_units/@reference_id=='default'/amount");
    for (const [field, value] of [["custom_id", unit.custom_id], ["description", unit.description]] as const) {
      if (value !== undefined && (typeof value !== "string" || value.length > 127)) {
        throw invalidRequest("INVALID_STRING_MAX_LENGTH", "The value of a field is too long.", `/purchase_units/@reference_id=='default'/${field}`);
      }
    }
    const now = new Date().toISOString();
    const withPaymentSource = request.payment_source?.paypal !== undefined;
    const order: FakeOrder = {
      id: paypalId(),
      clientId,
      status: withPaymentSource ? "PAYER_ACTION_REQUIRED" : "CREATED",
      createTime: now,
      updateTime: now,
      customId: unit.custom_id,
      description: unit.description,
      amount,
      withPaymentSource,
      captureOutcome: "COMPLETED",
      captureIds: [],
    };
    orders.set(order.id, order);
    return order;
  }

  function captureOrder(order: FakeOrder): FakeCapture {
    if (order.status === "COMPLETED") throw unprocessable("ORDER_ALREADY_CAPTURED", "Order already captured. If 'intent=CAPTURE' only one capture per order is allowed.");
    if (order.status !== "APPROVED") {
      throw unprocessable("ORDER_NOT_APPROVED", "Payer has not yet approved the Order for payment. Please redirect the payer to the 'rel':'approve' url returned as part of the HATEOAS links.");
    }
    const now = new Date().toISOString();
    const capture: FakeCapture = {
      id: paypalId(),
      orderId: order.id,
      clientId: order.clientId,
      status: order.captureOutcome,
      amount: order.amount,
      customId: order.customId,
      createTime: now,
      updateTime: now,
      refundIds: [],
    };
    captures.set(capture.id, capture);
    order.captureIds.push(capture.id);
    order.status = "COMPLETED";
    order.updateTime = now;
    return capture;
  }

  function refundCapture(capture: FakeCapture, json: unknown): FakeRefund {
    const request = (typeof json === "object" && json !== null ? json : {}) as Wire<RefundRequest>;
    if (capture.status === "REFUNDED") throw unprocessable("CAPTURE_FULLY_REFUNDED", "The capture has already been fully refunded.");
    if (capture.status !== "COMPLETED" && capture.status !== "PARTIALLY_REFUNDED") {
      throw unprocessable("REFUND_NOT_ALLOWED", `A ${capture.status} capture cannot be refunded.`);
    }
    const currency = capture.amount.currency_code;
    const refunded = capture.refundIds.reduce((sum, id) => sum + toMilli(refunds.get(id)!.amount.value), 0n);
    const remaining = toMilli(capture.amount.value) - refunded;
    const amount = request.amount === undefined ? { currency_code: currency, value: fromMilli(remaining, currency) } : checkMoney(request.amount, "/amount");
    if (amount.currency_code !== currency) throw unprocessable("CURRENCY_MISMATCH", `The refund currency must be the capture's (${currency}).`, "/amount/currency_code");
    if (toMilli(amount.value) > remaining) {
      throw unprocessable("REFUND_AMOUNT_EXCEEDED", "The refund amount must be less than or equal to the capture amount that has not yet been refunded.", "/amount/value");
    }
    const total = refunded + toMilli(amount.value);
    const now = new Date().toISOString();
    const refund: FakeRefund = {
      id: paypalId(),
      captureId: capture.id,
      status: "COMPLETED",
      amount,
      totalRefunded: { currency_code: currency, value: fromMilli(total, currency) },
      // Only what the refund request names: PayPal does not copy the capture's custom_id onto its refunds.
      customId: request.custom_id,
      createTime: now,
    };
    refunds.set(refund.id, refund);
    capture.refundIds.push(refund.id);
    capture.status = total === toMilli(capture.amount.value) ? "REFUNDED" : "PARTIALLY_REFUNDED";
    capture.updateTime = now;
    return refund;
  }

  function webhookEvent(origin: string, input: unknown): PayPalWebhookEvent<unknown> {
    const { event_type: eventType, order_id: orderId } = (typeof input === "object" && input !== null ? input : {}) as Record<string, unknown>;
    if (typeof eventType !== "string" || typeof orderId !== "string") throw invalidRequest("MISSING_REQUIRED_PARAMETER", "event_type and order_id are required.", "/");
    const order = ownOrder(orderId, null);
    const capture = order.captureIds.length ? captures.get(order.captureIds.at(-1)!)! : undefined;
    if (!capture) throw unprocessable("ORDER_NOT_CAPTURED", "The order has no capture to report.");
    const id = `WH-${paypalId()}-${paypalId()}`;
    const envelope = {
      id,
      event_version: "1.0" as const,
      create_time: new Date().toISOString(),
      event_type: eventType,
      links: [
        { href: `${origin}/v1/notifications/webhooks-events/${id}`, rel: "self", method: "GET" as const },
        { href: `${origin}/v1/notifications/webhooks-events/${id}/resend`, rel: "resend", method: "POST" as const },
      ],
    };
    const amount = `${capture.amount.currency_code} ${capture.amount.value}`;
    switch (eventType) {
      case "PAYMENT.CAPTURE.COMPLETED":
      case "PAYMENT.CAPTURE.DENIED":
      case "PAYMENT.CAPTURE.PENDING": {
        const event: PayPalWebhookEvent<Wire<CapturedPayment>> = {
          ...envelope,
          resource_type: "capture",
          resource_version: "2.0",
          summary: `Payment ${eventType.split(".").at(-1)!.toLowerCase()} for ${amount}`,
          resource: capturedPaymentJson(capture, origin),
        };
        return event;
      }
      case "PAYMENT.CAPTURE.REFUNDED": {
        const refund = capture.refundIds.length ? refunds.get(capture.refundIds.at(-1)!)! : undefined;
        if (!refund) throw unprocessable("CAPTURE_NOT_REFUNDED", "The capture has no refund to report.");
        const event: PayPalWebhookEvent<Wire<Refund>> = {
          ...envelope,
          resource_type: "refund",
          resource_version: "2.0",
          summary: `A ${refund.amount.currency_code} ${refund.amount.value} payment was refunded`,
          resource: refundJson(refund, origin),
        };
        return event;
      }
      case "CUSTOMER.DISPUTE.CREATED": {
        const event: PayPalWebhookEvent<PayPalDispute> = {
          ...envelope,
          resource_type: "dispute",
          summary: "A new dispute opened with Case # PP-D-" + paypalId().slice(0, 5),
          resource: {
            dispute_id: `PP-D-${paypalId().slice(0, 8)}`,
            create_time: envelope.create_time,
            reason: "MERCHANDISE_OR_SERVICE_NOT_RECEIVED",
            status: "OPEN",
            dispute_amount: capture.amount,
            disputed_transactions: [{ seller_transaction_id: capture.id, ...(capture.customId !== undefined ? { custom: capture.customId } : {}) }],
          },
        };
        return event;
      }
      default:
        throw invalidRequest("INVALID_PARAMETER_VALUE", `The fake cannot build ${eventType}.`, "/event_type");
    }
  }

  function signWebhook(origin: string, input: unknown): SignedWebhook {
    const options = (typeof input === "object" && input !== null ? input : {}) as Record<string, unknown>;
    const text = (key: string): string | undefined => (typeof options[key] === "string" ? (options[key] as string) : undefined);
    const webhookId = text("webhook_id");
    if (webhookId === undefined) throw invalidRequest("MISSING_REQUIRED_PARAMETER", "webhook_id is required.", "/webhook_id");
    const body = text("body") ?? JSON.stringify(options.event);
    const transmissionId = text("transmission_id") ?? randomUUID();
    const transmissionTime = text("transmission_time") ?? new Date().toISOString();
    const certificate = text("certificate") === "expired" ? "CERT-expired-" : "CERT-";
    const certUrl = text("cert_url") ?? `${origin}/v1/notifications/certs/${certificate}${randomBytes(8).toString("hex")}`;
    // PayPal's signed message: transmission id, time, the receiving webhook's id and the body's CRC-32 in decimal.
    const message = `${transmissionId}|${transmissionTime}|${webhookId}|${crc32(Buffer.from(body, "utf8")) >>> 0}`;
    return {
      body,
      headers: {
        "content-type": "application/json",
        "paypal-transmission-id": transmissionId,
        "paypal-transmission-time": transmissionTime,
        "paypal-transmission-sig": sign("sha256", Buffer.from(message, "utf8"), valid.private).toString("base64"),
        "paypal-cert-url": certUrl,
        "paypal-auth-algo": text("auth_algo") ?? "SHA256withRSA",
      },
    };
  }

  async function route(request: IncomingMessage, url: URL, body: string, origin: string): Promise<{ status: number; json?: unknown; text?: string }> {
    const method = request.method ?? "GET";
    const path = url.pathname;
    const full = /return=representation/.test([request.headers.prefer ?? ""].flat().join(","));
    const parseBody = (): unknown => {
      if (body === "") return undefined;
      try {
        return JSON.parse(body) as unknown;
      } catch {
        throw invalidRequest("MALFORMED_REQUEST_JSON", "The request JSON is not well formed.", "/");
      }
    };
    let match: RegExpExecArray | null;

    if (method === "POST" && path === "/v1/oauth2/token") return { status: 200, json: issueToken(request, body) };

    if (method === "POST" && path === "/v2/checkout/orders") {
      const clientId = authenticate(request);
      const answer = idempotent(request, clientId, path, () => {
        const order = createOrder(clientId, parseBody());
        return { status: 201, render: (at, all) => orderJson(order, at, all) };
      });
      return { status: answer.status, json: answer.render(origin, full) };
    }
    if (method === "GET" && (match = /^\/v2\/checkout\/orders\/([^/]+)$/.exec(path))) {
      const order = ownOrder(decodeURIComponent(match[1]!), authenticate(request));
      return { status: 200, json: orderJson(order, origin, true) };
    }
    if (method === "POST" && (match = /^\/v2\/checkout\/orders\/([^/]+)\/capture$/.exec(path))) {
      const clientId = authenticate(request);
      const order = ownOrder(decodeURIComponent(match[1]!), clientId);
      const answer = idempotent(request, clientId, path, () => {
        captureOrder(order);
        return { status: 201, render: (at, all) => orderJson(order, at, all) };
      });
      return { status: answer.status, json: answer.render(origin, full) };
    }
    if (method === "POST" && (match = /^\/v2\/payments\/captures\/([^/]+)\/refund$/.exec(path))) {
      const clientId = authenticate(request);
      const capture = ownCapture(decodeURIComponent(match[1]!), clientId);
      const answer = idempotent(request, clientId, path, () => {
        const refund = refundCapture(capture, parseBody());
        return {
          status: 201,
          render: (at, all): Wire<Refund> => (all ? refundJson(refund, at) : { id: refund.id, status: refund.status, links: refundJson(refund, at).links }),
        };
      });
      return { status: answer.status, json: answer.render(origin, full) };
    }
    if (method === "GET" && (match = /^\/v1\/notifications\/certs\/(CERT-[A-Za-z0-9-]+)$/.exec(path))) {
      return { status: 200, text: match[1]!.startsWith("CERT-expired-") ? expired.cert : valid.cert };
    }

    // Test-only control routes.
    if (method === "POST" && (match = /^\/__test\/orders\/([^/]+)\/approve$/.exec(path))) {
      const order = ownOrder(decodeURIComponent(match[1]!), null);
      if (order.status !== "CREATED" && order.status !== "PAYER_ACTION_REQUIRED") throw unprocessable("ORDER_NOT_APPROVABLE", `A ${order.status} order cannot be approved.`);
      const outcome = (parseBody() as { capture_status?: unknown } | undefined)?.capture_status ?? "COMPLETED";
      if (outcome !== "COMPLETED" && outcome !== "DECLINED" && outcome !== "PENDING") {
        throw invalidRequest("INVALID_PARAMETER_VALUE", "capture_status must be COMPLETED, DECLINED or PENDING.", "/capture_status");
      }
      order.status = "APPROVED";
      order.captureOutcome = outcome;
      order.updateTime = new Date().toISOString();
      return { status: 200, json: orderJson(order, origin, true) };
    }
    if (method === "POST" && (match = /^\/__test\/orders\/([^/]+)\/void$/.exec(path))) {
      const order = ownOrder(decodeURIComponent(match[1]!), null);
      if (order.status === "COMPLETED") throw unprocessable("ORDER_ALREADY_CAPTURED", "A captured order cannot be voided.");
      order.status = "VOIDED";
      order.updateTime = new Date().toISOString();
      return { status: 200, json: orderJson(order, origin, true) };
    }
    if (method === "POST" && (match = /^\/__test\/captures\/([^/]+)\/complete$/.exec(path))) {
      const capture = ownCapture(decodeURIComponent(match[1]!), null);
      if (capture.status !== "PENDING") throw unprocessable("CAPTURE_NOT_PENDING", `A ${capture.status} capture cannot clear.`);
      capture.status = "COMPLETED";
      capture.updateTime = new Date().toISOString();
      return { status: 200, json: captureJson(capture, origin) };
    }
    if (method === "POST" && path === "/__test/webhooks/event") return { status: 200, json: { event: webhookEvent(origin, parseBody()) } };
    if (method === "POST" && path === "/__test/webhooks/sign") return { status: 200, json: signWebhook(origin, parseBody()) };
    if (method === "GET" && path === "/__test/requests") {
      const prefix = url.searchParams.get("path_prefix") ?? "";
      return { status: 200, json: { requests: requests.filter((logged) => logged.path.startsWith(prefix)) } };
    }
    throw paypalError(404, "NOT_FOUND", `The fake PayPal API has no route ${method} ${path}.`);
  }

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const origin = `http://${request.headers.host ?? "127.0.0.1"}`;
      const url = new URL(request.url ?? "/", origin);
      if (url.pathname !== "/__test/requests") {
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(request.headers)) if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
        requests.push({ method: request.method ?? "GET", path: `${url.pathname}${url.search}`, headers, body });
        // Bounded, so a long test run does not grow the fake without limit; tests read their own recent requests.
        if (requests.length > 10_000) requests.splice(0, requests.length - 10_000);
      }
      route(request, url, body, origin)
        .then((result) => {
          if (result.text !== undefined) {
            response.writeHead(result.status, { "content-type": "text/plain" }).end(result.text);
          } else {
            response.writeHead(result.status, { "content-type": "application/json", "paypal-debug-id": debugId() }).end(JSON.stringify(result.json));
          }
        })
        .catch((error: unknown) => {
          const failure =
            error instanceof HttpError
              ? error
              : paypalError(500, "INTERNAL_SERVER_ERROR", `An internal server error occurred: ${error instanceof Error ? error.message : String(error)}`);
          response.writeHead(failure.status, { "content-type": "application/json" }).end(JSON.stringify(failure.body));
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { port: (server.address() as AddressInfo).port, server };
}
