/**
 * The hosted pay page's client session: one per invoice and browser, not one per view. The token
 * rides in an HttpOnly, SameSite=Lax cookie scoped to the link's own path (`/pay/<token>`), so a
 * reload or a second click on the email's link reuses it; a new one is minted only when the
 * browser holds none, or one expired, revoked or about to expire.
 */
import type { Context } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import { DEFAULT_SESSION_TTL_SECONDS, reuseOrMintClientSession } from "../auth/sessions";
import type { InvoiceRow } from "../invoices/queries";
import type { AppEnv } from "../lib/types";

export const PAY_SESSION_COOKIE = "quittance_pay_session";
/** A session with less left than this is replaced, so the widget never starts on one about to expire. */
const MIN_REMAINING_SECONDS = 600;

/** The session the pay page hands its widget for this invoice (reused from the cookie when it can be). */
export async function payPageSession(c: Context<AppEnv>, invoice: InvoiceRow, now = new Date()): Promise<string> {
  const { token, expiresAt, minted } = await reuseOrMintClientSession(c.env.DB, getCookie(c, PAY_SESSION_COOKIE), {
    merchantId: invoice.merchant_id,
    customerId: invoice.customer_id,
    invoiceId: invoice.id,
    ttlSeconds: DEFAULT_SESSION_TTL_SECONDS,
    minRemainingSeconds: MIN_REMAINING_SECONDS,
    now,
  });
  if (minted) {
    setCookie(c, PAY_SESSION_COOKIE, token, {
      path: `/pay/${invoice.hosted_token}`,
      httpOnly: true,
      sameSite: "Lax", // sent when the client follows the link from an email; never on cross-site subrequests
      secure: new URL(c.req.url).protocol === "https:",
      expires: new Date(expiresAt),
    });
  }
  return token;
}
