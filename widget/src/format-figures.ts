/** The detail's figures for people, through Intl: quantities and tax rates (amounts and dates: format.ts). */

/** A quantity with up to three decimals. */
export function formatQuantity(quantity: number, locale: string): string {
  return new Intl.NumberFormat(locale, { maximumFractionDigits: 3 }).format(quantity);
}

/** A tax rate in basis points as a percentage: 2000 → "20 %" (fr) / "20%" (en). */
export function formatRate(basisPoints: number, locale: string): string {
  return new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 2 }).format(basisPoints / 10_000);
}
