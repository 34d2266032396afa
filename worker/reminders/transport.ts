/** Which transport sends: SMTP when a relay is configured by secrets, else the local outbox (development only). */
import { isDevelopment } from "../lib/environment";
import type { EmailTransport } from "./email";
import { EmailSendError } from "./email";
import { createOutboxTransport } from "./outbox";
import { createSmtpTransport } from "./smtp";

export function senderAddress(env: Env): string {
  return env.SMTP_FROM || "reminders@quittance.local";
}

export function transportFor(env: Env, merchantId: string, reminderId: string | null): EmailTransport {
  if (env.SMTP_HOST) {
    return createSmtpTransport({
      host: env.SMTP_HOST,
      port: Number(env.SMTP_PORT || "587"),
      ...(env.SMTP_USER ? { user: env.SMTP_USER } : {}),
      ...(env.SMTP_PASSWORD ? { password: env.SMTP_PASSWORD } : {}),
      startTls: env.SMTP_STARTTLS !== "false",
      timeoutMs: Number(env.SMTP_TIMEOUT_MS || "10000"),
    });
  }
  if (!isDevelopment(env)) {
    return { send: async () => Promise.reject(new EmailSendError("no SMTP relay configured (SMTP_HOST)", false)) };
  }
  return createOutboxTransport(env.DB, merchantId, reminderId);
}
