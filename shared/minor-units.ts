/**
 * The one rule for writing money for people, given the currency's ISO 4217 exponent: the integer
 * count of minor units becomes an exact decimal string (never a float), which Intl formats with
 * exactly that many decimals. It needs no currency table, so the widget uses it with the exponent
 * the client API sends (`currency_exponent`); money.ts applies it with the table for the Worker.
 */

/**
 * Minor units as a plain decimal string in the major unit.
 * @example minorToDecimal(123456, 2) // "1234.56"
 * @example minorToDecimal(-5, 3) // "-0.005"
 */
export function minorToDecimal(amount: number, exponent: number): string {
  const digits = String(Math.abs(amount)).padStart(exponent + 1, "0");
  const cut = digits.length - exponent;
  return `${amount < 0 ? "-" : ""}${digits.slice(0, cut)}${exponent ? `.${digits.slice(cut)}` : ""}`;
}

/**
 * An amount for people: "1 234,56 €" (fr) or "€1,234.56" (en) from 123456, exponent 2, "eur".
 * @example formatMinorUnits(1234567, 3, "kwd", "en") // "KWD 1,234.567"
 */
export function formatMinorUnits(amount: number, exponent: number, currency: string, locale: string): string {
  return new Intl.NumberFormat(locale, { style: "currency", currency: currency.toUpperCase(), minimumFractionDigits: exponent, maximumFractionDigits: exponent }).format(
    minorToDecimal(amount, exponent) as Intl.StringNumericLiteral,
  );
}

/**
 * A typed decimal amount ("1 234,56", "1234.56") → integer minor units, or null when it is not a
 * plain non-negative number with at most `exponent` decimals (never through a float).
 * @example decimalToMinor("576,00", 2) // 57600
 * @example decimalToMinor("1.005", 2) // null
 */
export function decimalToMinor(text: string, exponent: number): number | null {
  const match = /^(\d{1,13})(?:[.,](\d*))?$/.exec(text.replace(/[\s\u00a0\u202f]/g, ""));
  if (!match) return null;
  const decimals = match[2] ?? "";
  if (decimals.length > exponent) return null;
  const value = Number(match[1]) * 10 ** exponent + Number(decimals.padEnd(exponent, "0") || "0");
  return Number.isSafeInteger(value) ? value : null;
}
