/**
 * Currencies Quittance accepts: every currency Stripe or PayPal can charge, with the ISO 4217
 * exponent (the number of decimals of its minor unit). Amounts are always integers counted in
 * that minor unit: `1999` EUR is €19.99, `1999` JPY is ¥1,999, `1999` KWD is 1.999 KD.
 *
 * Sources: https://docs.stripe.com/currencies (presentment currencies),
 * https://developer.paypal.com/reference/currency-codes/, ISO 4217 (minor units).
 */

/** ISO 4217 currencies whose minor unit has no decimals. */
const ZERO_DECIMAL = [
  "bif", "clp", "djf", "gnf", "isk", "jpy", "kmf", "krw", "pyg", "rwf", "ugx", "vnd", "vuv", "xaf", "xof", "xpf",
] as const;

/** ISO 4217 currencies whose minor unit has three decimals. */
const THREE_DECIMAL = ["bhd", "jod", "kwd", "omr", "tnd"] as const;

/** Every other accepted currency has two decimals. */
const TWO_DECIMAL = [
  "aed", "afn", "all", "amd", "ang", "aoa", "ars", "aud", "awg", "azn", "bam", "bbd", "bdt", "bgn", "bmd", "bnd",
  "bob", "brl", "bsd", "bwp", "byn", "bzd", "cad", "cdf", "chf", "cny", "cop", "crc", "cve", "czk", "dkk", "dop",
  "dzd", "egp", "etb", "eur", "fjd", "fkp", "gbp", "gel", "gip", "gmd", "gtq", "gyd", "hkd", "hnl", "htg", "huf",
  "idr", "ils", "inr", "jmd", "kes", "kgs", "khr", "kyd", "kzt", "lak", "lbp", "lkr", "lrd", "lsl", "mad", "mdl",
  "mga", "mkd", "mmk", "mnt", "mop", "mur", "mvr", "mwk", "mxn", "myr", "mzn", "nad", "ngn", "nio", "nok", "npr",
  "nzd", "pab", "pen", "pgk", "php", "pkr", "pln", "qar", "ron", "rsd", "rub", "sar", "sbd", "scr", "sek", "sgd",
  "shp", "sle", "sos", "srd", "std", "szl", "thb", "tjs", "top", "try", "ttd", "twd", "tzs", "uah", "usd", "uyu",
  "uzs", "wst", "xcd", "yer", "zar", "zmw",
] as const;

export type CurrencyCode =
  | (typeof ZERO_DECIMAL)[number]
  | (typeof TWO_DECIMAL)[number]
  | (typeof THREE_DECIMAL)[number];

const EXPONENTS: ReadonlyMap<string, 0 | 2 | 3> = new Map<string, 0 | 2 | 3>([
  ...ZERO_DECIMAL.map((code) => [code, 0] as const),
  ...TWO_DECIMAL.map((code) => [code, 2] as const),
  ...THREE_DECIMAL.map((code) => [code, 3] as const),
]);

/** All accepted currency codes, lower-case, sorted. */
export const CURRENCIES: readonly CurrencyCode[] = [...ZERO_DECIMAL, ...TWO_DECIMAL, ...THREE_DECIMAL].sort();

/**
 * Whether `code` is an accepted currency (lower-case ISO 4217, as Stripe writes them).
 * @example isCurrency("eur") // true
 */
export function isCurrency(code: string): code is CurrencyCode {
  return EXPONENTS.has(code);
}

/**
 * The ISO 4217 exponent of an accepted currency.
 * @example currencyExponent("jpy") // 0
 * @example currencyExponent("kwd") // 3
 */
export function currencyExponent(code: CurrencyCode): 0 | 2 | 3 {
  const exponent = EXPONENTS.get(code);
  if (exponent === undefined) throw new RangeError(`unsupported currency: ${code}`);
  return exponent;
}
