/** What the reminders need from an email transport: send one message, or throw. */

export interface Mailbox {
  name?: string;
  address: string;
}

export interface EmailMessage {
  from: Mailbox;
  to: Mailbox;
  replyTo?: Mailbox;
  subject: string;
  /** The plain-text part. */
  text: string;
  /** The HTML part. */
  html: string;
  /** Extra headers, e.g. List-Unsubscribe. */
  headers?: Record<string, string>;
}

/** A transport failure: `retryable` tells the queue whether trying again later may help. */
export class EmailSendError extends Error {
  constructor(message: string, readonly retryable: boolean) {
    super(message);
  }
}

export interface EmailTransport {
  send(message: EmailMessage): Promise<{ messageId: string }>;
}
