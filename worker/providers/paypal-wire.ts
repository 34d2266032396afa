/**
 * PayPal's wire shapes (reduced to the fields we read) and the exact conversion between our minor
 * units and PayPal's decimal strings. Shared by the Orders client (paypal.ts) and the webhook
 * verification (paypal-webhooks.ts); nothing here leaves the PayPal adapter.
 */
import { z } from "zod";
import { currencyExponent, isCurrency, type CurrencyCode } from "../../shared/currencies";
import { MAX_AMOUNT, toDecimalString } from "../../shared/money";
import { ProviderError } from "./types";

/**
 * Currencies PayPal takes without decimals although ISO 4217 gives them some (HUF and TWD have
 * exponent 2). JPY is listed too: its exponent is 0, so nothing changes for it.
 * https://developer.paypal.com/reference/currency-codes/
 */
export const INTEGER_ONLY_CURRENCIES: ReadonlySet<CurrencyCode> = new Set<CurrencyCode>(["huf", "jpy", "twd"]);


// --- PayPal's wire shapes, reduced to the fields we read. Statuses stay plain strings: a status
// PayPal adds later must reach our mapping (and be treated conservatively), not fail parsing.

export const moneySchema = z.object({ currency_code: z.string(), value: z.string() });
export const linkSchema = z.object({ href: z.string(), rel: z.string() });
export const captureSchema = z.object({
  id: z.string().min(1),
  status: z.string(),
  amount: moneySchema.optional(),
  custom_id: z.string().optional(),
  status_details: z.object({ reason: z.string().optional() }).optional(),
  supplementary_data: z.object({ related_ids: z.object({ order_id: z.string().optional() }).optional() }).optional(),
});
export const refundSchema = z.object({
  id: z.string().min(1),
  status: z.string(),
  amount: moneySchema.optional(),
  custom_id: z.string().optional(),
  links: z.array(linkSchema).optional(),
  seller_payable_breakdown: z.object({ total_refunded_amount: moneySchema.optional() }).optional(),
});
export const orderSchema = z.object({
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
export const tokenSchema = z.object({ access_token: z.string().min(1), expires_in: z.number().optional() });
export const errorSchema = z.object({
  name: z.string().optional(),
  message: z.string().optional(),
  debug_id: z.string().optional(),
  details: z.array(z.object({ issue: z.string().optional(), description: z.string().optional() })).optional(),
  // The OAuth endpoint answers in OAuth's own error format.
  error: z.string().optional(),
  error_description: z.string().optional(),
});
export const webhookEventSchema = z.object({
  id: z.string().min(1),
  event_type: z.string().min(1),
  create_time: z.string().optional(),
  resource: z.unknown(),
});
/** A dispute as CUSTOMER.DISPUTE.CREATED carries it (Disputes API v1): the capture is the seller's transaction. */
export const disputeSchema = z.object({
  dispute_id: z.string().optional(),
  dispute_amount: moneySchema.optional(),
  disputed_transactions: z.array(z.object({ seller_transaction_id: z.string().optional(), custom: z.string().optional() })).optional(),
});

export type PayPalOrder = z.infer<typeof orderSchema>;
export type PayPalCapture = z.infer<typeof captureSchema>;
export type PayPalMoney = z.infer<typeof moneySchema>;

/**
 * Our minor units as PayPal's decimal string.
 * @example toPayPalValue(1234, "eur") // "12.34"
 * @example toPayPalValue(123400, "huf") // "1234"
 */
export function toPayPalValue(amount: number, currency: CurrencyCode): string {
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
export function fromPayPalMoney(money: PayPalMoney): { amount: number; currency: CurrencyCode } {
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

/** A Worker request (and a webhook that must be answered fast) cannot wait for fetch's default. */
export const REQUEST_TIMEOUT_MS = 15_000;
