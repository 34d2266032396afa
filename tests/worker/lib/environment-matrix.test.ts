/**
 * Development features exist only when ENVIRONMENT is exactly "development": `production`, `prod`,
 * an empty value and no value at all are production (the dev routes, the sandbox, the local outbox,
 * http:// webhooks and the public fallback keys are off). Each deployment here is otherwise
 * configured (master key, PUBLIC_URL), so only ENVIRONMENT differs.
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_SETTINGS } from "../../../shared/schemas/settings";
import { prepareMerchant, toStatements } from "../../../worker/auth/keys";
import { DEMO_CUSTOMER_EXTERNAL_ID, DEMO_MERCHANT_ID } from "../../../worker/dev/routes";
import { sandboxSecret } from "../../../worker/providers/sandbox";
import { EmailSendError } from "../../../worker/reminders/email";
import { verifyTrackingToken } from "../../../worker/reminders/tracking";
import { transportFor } from "../../../worker/reminders/transport";
import { api, createMerchant } from "../helpers";
import { call, deployed, ENVIRONMENTS, label, type Called } from "./environment-support";

/** The demo merchant and customer `npm start` seeds, so /dev/session has someone to mint for. */
beforeAll(async () => {
  if (await env.DB.prepare("SELECT 1 FROM merchants WHERE id = ?").bind(DEMO_MERCHANT_ID).first()) return;
  const demo = await prepareMerchant({ name: "Demo SARL", livemode: false, now: new Date(), settingsJson: JSON.stringify(DEFAULT_SETTINGS), merchantId: DEMO_MERCHANT_ID });
  await env.DB.batch(toStatements(env.DB, demo.writes));
  const customer = await api(demo.secretKey, "POST", "/v1/customers", { name: "Martin", email: "martin@example.com", external_id: DEMO_CUSTOMER_EXTERNAL_ID });
  expect(customer.status, customer.text).toBe(201);
});

function expectNotFound(response: Called) {
  expect(response.status, response.text).toBe(404);
  expect(response.headers.get("content-type")).toBe("application/problem+json");
  expect(response.body.code).toBe("route_not_found");
}

const hex = (bytes: ArrayBuffer) => [...new Uint8Array(bytes)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
const sha256 = (text: string) => crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));

/** A tracking token signed with the fallback key anyone can read in the source. */
async function forgedTrackingToken(reminderId: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", await sha256("quittance-local-tracking|tracking"), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return `${reminderId}.${hex(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`click:${reminderId}`))).slice(0, 32)}`;
}

describe.each(ENVIRONMENTS.map((environment) => ({ environment, name: label(environment), development: environment === "development" })))(
  "ENVIRONMENT $name",
  ({ environment, development }) => {
    const target = () => deployed(environment);

    it(`should ${development ? "list" : "hide"} the reminder outbox at GET /dev/outbox`, async () => {
      const response = await call(target(), "GET", "/dev/outbox", { headers: { accept: "application/json" } });
      if (!development) return expectNotFound(response);
      expect(response.status, response.text).toBe(200);
      expect(response.body.data).toBeInstanceOf(Array);
    });

    it(`should ${development ? "mint" : "refuse to mint"} a demo client session at POST /dev/session`, async () => {
      const response = await call(target(), "POST", "/dev/session");
      if (!development) return expectNotFound(response);
      expect(response.status, response.text).toBe(200);
      expect(response.body.token).toMatch(/^cs_/);
    });

    it(`should ${development ? "open" : "refuse"} the demo merchant's event stream at GET /dev/events/stream without a key`, async () => {
      const response = await call(target(), "GET", "/dev/events/stream");
      if (!development) return expectNotFound(response);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toContain("text/event-stream");
    });

    it(`should ${development ? "run" : "refuse to run"} the reminders at POST /dev/run-reminders without a key`, async () => {
      const response = await call(target(), "POST", "/dev/run-reminders");
      if (!development) return expectNotFound(response);
      expect(response.status, response.text).toBe(200);
      expect(response.body).toMatchObject({ due: expect.any(Number), queued: expect.any(Number) });
    });

    it(`should ${development ? "accept" : "refuse"} the sandbox in PUT /v1/settings payment_methods`, async () => {
      const merchant = await createMerchant();
      const response = await call(target(), "PUT", "/v1/settings", { key: merchant.key, body: { payment_methods: ["sandbox"] } });
      if (development) return expect(response.status, response.text).toBe(200);
      expect(response.status, response.text).toBe(422);
      expect(response.body).toMatchObject({ code: "parameter_invalid", param: "payment_methods[0]" });
    });

    it(`should ${development ? "show" : "hide"} the sandbox card form at GET /sandbox/pay/:token`, async () => {
      const response = await call(target(), "GET", "/sandbox/pay/0123456789abcdefghjkmnpqrstvwxyz");
      if (!development) return expectNotFound(response);
      expect(response.status).toBe(200);
      expect(response.text).toContain('name="card_number"');
    });

    it(`should ${development ? "accept" : "refuse"} an http:// webhook endpoint`, async () => {
      const merchant = await createMerchant();
      const response = await call(target(), "POST", "/v1/webhook_endpoints", { key: merchant.key, body: { url: "http://hooks.example/quittance" } });
      if (development) return expect(response.status, response.text).toBe(201);
      expect(response.status, response.text).toBe(422);
      expect(response.body).toMatchObject({ code: "parameter_invalid", param: "url" });
    });

    it(`should serve ${development ? "the demo shop" : "the plain home page"} at /`, async () => {
      const response = await call(target(), "GET", "/");
      if (development) return expect(response.text).not.toContain("Invoices your clients pay from your own website");
      expect(response.status).toBe(200);
      expect(response.text).toContain('href="/docs"');
      expect(response.text).not.toContain("quittance-invoices");
    });

    it(`should ${development ? "write reminders to the local outbox" : "refuse to send reminders"} when no SMTP relay is configured`, async () => {
      const merchant = await createMerchant();
      const sent = transportFor(deployed(environment, { SMTP_HOST: undefined }), merchant.id, null).send({
        from: { address: "reminders@quittance.local" },
        to: { address: "client@example.com" },
        subject: "Rappel",
        text: "Bonjour",
        html: "<p>Bonjour</p>",
      });
      if (development) return expect(await sent).toMatchObject({ messageId: expect.any(String) });
      await expect(sent).rejects.toBeInstanceOf(EmailSendError);
      const outbox = await env.DB.prepare("SELECT count(*) AS n FROM outbox_messages WHERE merchant_id = ?").bind(merchant.id).first<{ n: number }>();
      expect(outbox!.n).toBe(0);
    });

    it(`should ${development ? "fall back to the local keys" : "never sign with the public fallback keys"} when QUITTANCE_ENCRYPTION_KEY is unset`, async () => {
      const keyless = deployed(environment, { QUITTANCE_ENCRYPTION_KEY: undefined });
      const reminderId = "rem_0123456789abcdefghjkmnpqrs";
      const publicSandboxSecret = hex(await sha256(`quittance-local-sandbox|sandbox|${DEMO_MERCHANT_ID}`));

      const accepted = await verifyTrackingToken(keyless, "click", await forgedTrackingToken(reminderId)).catch(() => null);
      const sandbox = await sandboxSecret(keyless, DEMO_MERCHANT_ID).catch(() => null);

      expect(accepted).toBe(development ? reminderId : null);
      expect(sandbox).toBe(development ? publicSandboxSecret : null);
    });
  },
);
