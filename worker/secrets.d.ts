/**
 * Secrets (set with `wrangler secret put NAME`, or in `.dev.vars` locally). `wrangler types` only
 * sees secrets present in `.dev.vars`, so they are declared here, all optional: the Worker checks
 * what it needs where it needs it.
 */
interface Env {
  /** 32 random bytes, base64: the AES-GCM key that encrypts merchants' provider credentials at rest. */
  QUITTANCE_ENCRYPTION_KEY?: string;
  /** The previous key while rotating: credentials encrypted under it are still read, and re-encrypted on save. */
  QUITTANCE_ENCRYPTION_KEY_PREVIOUS?: string;
  /** Single-business defaults, used for a merchant that saved no credentials of its own. */
  STRIPE_SECRET_KEY?: string;
  STRIPE_PUBLISHABLE_KEY?: string;
  STRIPE_WEBHOOK_SECRET?: string;
  PAYPAL_CLIENT_ID?: string;
  PAYPAL_CLIENT_SECRET?: string;
  PAYPAL_WEBHOOK_ID?: string;
  PAYPAL_ENVIRONMENT?: string;
}

interface Env {
  /** The SMTP relay reminders go out through (without it, in development only, they land in the local outbox). */
  SMTP_HOST?: string;
  SMTP_PORT?: string;
  SMTP_USER?: string;
  SMTP_PASSWORD?: string;
  /** "false" to skip STARTTLS (only for a relay on a private network). */
  SMTP_STARTTLS?: string;
  /** The envelope and From address of reminders, e.g. relances@example.com. */
  SMTP_FROM?: string;
  SMTP_TIMEOUT_MS?: string;
}
