/** The local transport: with no SMTP relay configured (and never in production), messages go to D1, shown at /dev/outbox. */
import { newId } from "../lib/crypto";
import type { EmailMessage, EmailTransport } from "./email";

export function createOutboxTransport(db: D1Database, merchantId: string, reminderId: string | null): EmailTransport {
  return {
    async send(message: EmailMessage) {
      const id = newId("msg");
      await db
        .prepare(
          `INSERT INTO outbox_messages (id, merchant_id, reminder_id, to_address, subject, text_body, html_body, headers, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .bind(id, merchantId, reminderId, message.to.address, message.subject, message.text, message.html, JSON.stringify(message.headers ?? {}), new Date().toISOString())
        .run();
      return { messageId: `<${id}@outbox.local>` };
    },
  };
}

export interface OutboxRow {
  to_address: string;
  subject: string;
  text_body: string;
  html_body: string;
  created_at: string;
}

/** The latest messages of the outbox, newest first. */
export async function listOutbox(db: D1Database, limit: number): Promise<OutboxRow[]> {
  return (await db.prepare("SELECT to_address, subject, text_body, html_body, created_at FROM outbox_messages ORDER BY created_at DESC LIMIT ?").bind(limit).all<OutboxRow>()).results;
}
