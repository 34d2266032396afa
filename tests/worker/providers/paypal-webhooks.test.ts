/**
 * The PayPal adapter's webhook verification inside workerd (worker/providers/paypal-webhooks.ts): events signed by the fake with its own RSA key and served certificate, so verification runs the production path (certificate download, X.509 walk, WebCrypto); and the CRC-32 and X.509 helpers it uses.
 */
import { describe, expect, it } from "vitest";
import { crc32 } from "../../../worker/providers/crc32";
import { createPayPalProvider } from "../../../worker/providers/paypal";
import { WebhookSignatureError } from "../../../worker/providers/types";
import { CertificateFormatError, readCertificate } from "../../../worker/providers/x509";
import { base, buildEvent, capturedOrder, newCredentials, newProvider, paymentInput, requestsTo, sign, signedNoise, verify } from "./paypal-support";
describe("PayPal verifyWebhook", () => {
  it("should map PAYMENT.CAPTURE.COMPLETED to payment_succeeded when the signature verifies", async () => {
    const provider = newProvider();
    const input = paymentInput();
    const { orderId, facts } = await capturedOrder(provider, input);
    const event = await buildEvent("PAYMENT.CAPTURE.COMPLETED", orderId);
    // Non-ASCII text: the signed CRC-32 is over the UTF-8 bytes, not the UTF-16 string.
    const signed = await sign({ event: { ...event, summary: "Paiement reçu — 12,34 €" } });

    expect(await verify(provider, signed)).toEqual({
      id: event.id,
      occurredAt: event.create_time,
      kind: "payment_succeeded",
      providerRef: orderId,
      chargeRef: facts.chargeRef,
      paymentId: input.paymentId,
      amount: 1234,
      currency: "eur",
    });
  });

  it("should map PAYMENT.CAPTURE.DENIED to payment_failed when the capture was declined", async () => {
    const provider = newProvider();
    const input = paymentInput();
    const { orderId } = await capturedOrder(provider, input, "DECLINED");
    const event = await buildEvent("PAYMENT.CAPTURE.DENIED", orderId);
    expect(await verify(provider, await sign({ event }))).toMatchObject({
      id: event.id,
      kind: "payment_failed",
      providerRef: orderId,
      paymentId: input.paymentId,
      reason: "PayPal capture denied",
    });
  });

  it("should map PAYMENT.CAPTURE.REFUNDED to the cumulative amount refunded when a second partial refund happens", async () => {
    const provider = newProvider();
    const input = paymentInput();
    const { orderId, facts } = await capturedOrder(provider, input);
    await provider.refund(facts.chargeRef!, 200, "eur", `${input.paymentId}:refund-1`);
    await provider.refund(facts.chargeRef!, 300, "eur", `${input.paymentId}:refund-2`);
    const event = await buildEvent("PAYMENT.CAPTURE.REFUNDED", orderId);
    expect(await verify(provider, await sign({ event }))).toEqual({
      id: event.id,
      occurredAt: event.create_time,
      kind: "refunded",
      chargeRef: facts.chargeRef,
      // PayPal's refund carries no custom_id unless the refund request set one: the capture id is the link.
      paymentId: null,
      amountRefunded: 500,
    });
  });

  it("should map CUSTOMER.DISPUTE.CREATED to disputed when the buyer opens a dispute", async () => {
    const provider = newProvider();
    const input = paymentInput();
    const { orderId, facts } = await capturedOrder(provider, input);
    const event = await buildEvent("CUSTOMER.DISPUTE.CREATED", orderId);
    expect(await verify(provider, await sign({ event }))).toMatchObject({
      id: event.id,
      kind: "disputed",
      chargeRef: facts.chargeRef,
      paymentId: input.paymentId,
      amount: 1234,
    });
  });

  it("should answer ignored with the event type when Quittance does not act on the event", async () => {
    const signed = await signedNoise();
    const event = JSON.parse(signed.body);
    expect(await verify(newProvider(), signed)).toEqual({ id: event.id, occurredAt: event.create_time, kind: "ignored", type: "CHECKOUT.ORDER.APPROVED" });
  });

  it("should refuse when the body was altered after signing", async () => {
    const signed = await signedNoise();
    // Verifies unaltered, so the refusal below is the alteration's doing.
    await verify(newProvider(), signed);
    const altered = { ...signed, body: signed.body.replace("CHECKOUT.ORDER.APPROVED", "CHECKOUT.ORDER.APPROVEE") };
    await expect(verify(newProvider(), altered)).rejects.toThrow(WebhookSignatureError);
  });

  it("should refuse when the event was signed for another webhook id", async () => {
    const signed = await signedNoise({ webhook_id: "WH-ANOTHER-MERCHANT" });
    await expect(verify(newProvider(), signed)).rejects.toThrow(WebhookSignatureError);
    await expect(verify(newProvider(newCredentials({ webhook_id: "WH-ANOTHER-MERCHANT" })), signed)).resolves.toMatchObject({ kind: "ignored" });
  });

  it("should not fetch the certificate when its URL is not on an allow-listed host", async () => {
    const certPath = `/v1/notifications/certs/CERT-unlisted-${crypto.randomUUID()}`;
    const signed = await signedNoise({ cert_url: `${base}${certPath}` });
    // This provider's API is elsewhere, so the fake's origin is not allowed for it.
    const elsewhere = createPayPalProvider(newCredentials(), { apiBase: "http://127.0.0.1:9" });
    await expect(verify(elsewhere, signed)).rejects.toThrow(/not an allowed certificate URL/);
    expect(await requestsTo(certPath)).toEqual([]);

    // The same event and certificate do verify where that origin is allowed: only the host check refused it.
    await expect(verify(newProvider(), signed)).resolves.toMatchObject({ kind: "ignored" });
    expect(await requestsTo(certPath)).toHaveLength(1);
  });

  it.each([
    "https://evil.example/v1/notifications/certs/CERT-1",
    "http://api.paypal.com/v1/notifications/certs/CERT-1",
    "https://api.paypal.com.evil.example/v1/notifications/certs/CERT-1",
    "https://api.paypal.com:8443/v1/notifications/certs/CERT-1",
    "https://user:pass@api.paypal.com/v1/notifications/certs/CERT-1",
    "not a url",
  ])("should refuse before any fetch when the cert URL is %s", async (certUrl) => {
    const signed = await signedNoise({ cert_url: certUrl });
    await expect(verify(newProvider(), signed)).rejects.toThrow(/paypal-cert-url is not/);
  });

  it("should refuse when paypal-auth-algo is not SHA256withRSA", async () => {
    const signed = await signedNoise({ auth_algo: "SHA1withRSA" });
    await expect(verify(newProvider(), signed)).rejects.toThrow(/unsupported paypal-auth-algo/);
  });

  it("should refuse when the transmission time is more than five minutes from now", async () => {
    const sentAt = new Date();
    const signed = await signedNoise({ transmission_time: sentAt.toISOString() });
    const minutes = (count: number) => new Date(sentAt.getTime() + count * 60_000);
    await expect(verify(newProvider(), signed, minutes(4))).resolves.toMatchObject({ kind: "ignored" });
    await expect(verify(newProvider(), signed, minutes(-4))).resolves.toMatchObject({ kind: "ignored" });
    await expect(verify(newProvider(), signed, minutes(6))).rejects.toThrow(/too far from now/);
    await expect(verify(newProvider(), signed, minutes(-6))).rejects.toThrow(/too far from now/);
  });

  it("should refuse when a transmission header is missing", async () => {
    const signed = await signedNoise();
    for (const name of ["paypal-transmission-id", "paypal-transmission-time", "paypal-transmission-sig", "paypal-cert-url", "paypal-auth-algo"]) {
      const headers = { ...signed.headers };
      delete headers[name];
      await expect(verify(newProvider(), { ...signed, headers }), name).rejects.toThrow(WebhookSignatureError);
    }
  });

  it("should refuse when the signing certificate has expired", async () => {
    const signed = await signedNoise({ certificate: "expired" });
    await expect(verify(newProvider(), signed)).rejects.toThrow(/not valid now/);
  });

  it("should download a certificate once when two events name the same certificate URL", async () => {
    const certPath = `/v1/notifications/certs/CERT-shared-${crypto.randomUUID()}`;
    const first = await signedNoise({ cert_url: `${base}${certPath}` });
    const second = await signedNoise({ cert_url: `${base}${certPath}` });
    // Two provider instances, as two webhook requests would build: the cache outlives an instance.
    await verify(newProvider(), first);
    await verify(newProvider(), second);
    expect(await requestsTo(certPath)).toHaveLength(1);
  });
});

describe("CRC-32 and X.509 helpers", () => {
  it("should give the standard check value when the input is 123456789", () => {
    expect(crc32(new TextEncoder().encode("123456789"))).toBe(3421780262);
    expect(crc32(new Uint8Array())).toBe(0);
  });

  it("should throw CertificateFormatError when the DER is truncated or not a certificate", () => {
    expect(() => readCertificate(new Uint8Array([0x30, 0x82, 0x01]))).toThrow(CertificateFormatError);
    expect(() => readCertificate(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01]))).toThrow(CertificateFormatError);
  });
});
