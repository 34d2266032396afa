/**
 * What each provider accepts, checked before any call so the client gets a clear 422 instead of a
 * provider error. Amounts here are ISO 4217 minor units (ours).
 * Stripe: https://docs.stripe.com/currencies (zero-decimal and special cases, minimum amounts).
 * PayPal: https://developer.paypal.com/reference/currency-codes/ (no decimals for HUF, JPY, TWD).
 */
import { currencyExponent, type CurrencyCode } from "../../shared/currencies";
import { toDecimalString } from "../../shared/money";
import { ApiError } from "../errors";
import type { ProviderName } from "./types";

/** Stripe's minimum charge per currency, in ISO minor units (others: the equivalent of US$0.50, checked by Stripe). */
const STRIPE_MINIMUMS: Partial<Record<CurrencyCode, number>> = {
  usd: 50, aed: 200, aud: 50, bgn: 100, brl: 50, cad: 50, chf: 50, czk: 1500, dkk: 250, eur: 50, gbp: 30, hkd: 400,
  huf: 17500, inr: 50, jpy: 50, mxn: 1000, myr: 200, nok: 300, nzd: 50, pln: 200, ron: 200, sek: 300, sgd: 50, thb: 1000,
};

const STRIPE_MAXIMUM = 99_999_999;

/** ISO minor units → the unit Stripe's API counts in, where the two differ. */
export function toStripeAmount(amount: number, currency: CurrencyCode): number {
  if (currency === "isk" || currency === "ugx") return amount * 100; // ISO 0 decimals, Stripe two-decimal representation
  if (currency === "mga") return amount / 100; // ISO 2 decimals, Stripe zero-decimal (checked divisible first)
  return amount;
}

/** Stripe's unit → ISO minor units. */
export function fromStripeAmount(amount: number, currency: CurrencyCode): number {
  if (currency === "isk" || currency === "ugx") return Math.floor(amount / 100);
  if (currency === "mga") return amount * 100;
  return amount;
}

const PAYPAL_CURRENCIES = new Set<CurrencyCode>([
  "aud", "brl", "cad", "cny", "czk", "dkk", "eur", "hkd", "huf", "ils", "jpy", "myr", "mxn", "twd", "nzd", "nok", "php", "pln", "gbp", "sgd", "sek", "chf", "thb", "usd",
]);
const PAYPAL_NO_DECIMALS = new Set<CurrencyCode>(["huf", "jpy", "twd"]);

/** Refuses, with a 422 naming `param`, an amount or currency the provider would refuse. */
export function checkProviderAmount(provider: ProviderName, currency: CurrencyCode, amount: number, param: string): void {
  const upper = currency.toUpperCase();
  if (provider === "stripe") {
    const minimum = STRIPE_MINIMUMS[currency] ?? 1;
    if (amount < minimum) throw new ApiError("amount_below_minimum", `Stripe charges at least ${toDecimalString(minimum, currency)} ${upper}.`, param);
    // Stripe's amount field holds at most eight digits (99 999 999 in Stripe's unit).
    if (toStripeAmount(amount, currency) > STRIPE_MAXIMUM) throw new ApiError("amount_too_large", `Stripe charges at most ${toDecimalString(STRIPE_MAXIMUM, currency)} ${upper} at once: pay these invoices in several payments, or by transfer.`, param);
    if (currencyExponent(currency) === 3 && amount % 10 !== 0) {
      throw new ApiError("currency_not_supported_by_provider", `Stripe charges ${upper} in multiples of 0.010; this amount has a last digit.`, param);
    }
    if (currency === "mga" && amount % 100 !== 0) throw new ApiError("currency_not_supported_by_provider", "Stripe charges MGA without decimals.", param);
  }
  if (provider === "paypal") {
    if (!PAYPAL_CURRENCIES.has(currency)) throw new ApiError("currency_not_supported_by_provider", `PayPal does not accept ${upper}.`, param);
    if (PAYPAL_NO_DECIMALS.has(currency) && currencyExponent(currency) > 0 && amount % 10 ** currencyExponent(currency) !== 0) {
      throw new ApiError("currency_not_supported_by_provider", `PayPal accepts ${upper} without decimals only.`, param);
    }
  }
}
