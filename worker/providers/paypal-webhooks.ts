/**
 * PayPal webhook verification and the mapping of PayPal's events to the payment domain's.
 */
import { z } from "zod";
import { crc32 } from "./crc32";
import { captureSchema, disputeSchema, fromPayPalMoney, refundSchema, REQUEST_TIMEOUT_MS, webhookEventSchema } from "./paypal-wire";
import { ProviderError, WebhookSignatureError, type PayPalCredentials, type ProviderEvent } from "./types";
import { firstPemCertificate, readCertificate } from "./x509";

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

function decodeBase64(text: string): Uint8Array<ArrayBuffer> | null {
  try {
    return Uint8Array.from(atob(text), (character) => character.charCodeAt(0));
  } catch {
    return null;
  }
}

/**
 * Verifies a PayPal webhook by self-verification (see the README for why): the CRC-32 of the raw
 * body, the transmission id and time and our webhook id, checked against PayPal's RSA-SHA256
 * signature with the certificate the headers name, fetched only from PayPal's own hosts.
 */
export async function verifyPayPalWebhook(
  rawBody: string,
  headers: Headers,
  now: Date,
  credentials: Pick<PayPalCredentials, "webhook_id">,
  extraCertificateOrigin: string | null,
): Promise<ProviderEvent> {
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
}
