/**
 * Invoice numbers: sequential per merchant and series, without gaps, assigned at issue inside the
 * issuing batch. The counter is read and bumped by SQL in the same transaction as the invoice
 * update, so concurrent issues can never take the same number or skip one.
 */

export interface RenderedFormat {
  /** The counter's key: the format with dates rendered and the sequence token kept. */
  series: string;
  /** A SQLite printf pattern that turns the sequence number into the invoice number. */
  printfPattern: string;
}

/**
 * Renders a numbering format for an issue day.
 * @example renderFormat("F{YYYY}-{SEQ:6}", "2026-11-24") // { series: "F2026-{SEQ:6}", printfPattern: "F2026-%06d" }
 */
export function renderFormat(format: string, day: string): RenderedFormat {
  const dated = format.replaceAll("{YYYY}", day.slice(0, 4)).replaceAll("{YY}", day.slice(2, 4)).replaceAll("{MM}", day.slice(5, 7));
  const printfPattern = dated
    .replaceAll("%", "%%")
    .replace(/\{SEQ(?::(\d+))?\}/, (_token, width: string | undefined) => (width ? `%0${width}d` : "%d"));
  return { series: dated, printfPattern };
}

/**
 * The statements that issue a draft, in order, for one batch: reserve the series counter, move the
 * invoice to `open` with the counter's value as its number, then bump the counter only if this
 * invoice took its current value (so a replayed or refused issue can never skip a number). The
 * caller guards that the invoice is still the draft it read.
 */
export function issueStatements(
  db: D1Database,
  input: { merchantId: string; invoiceId: string; format: string; now: Date; dueDate: string; netDays: number | null },
): D1PreparedStatement[] {
  const day = input.now.toISOString().slice(0, 10);
  const { series, printfPattern } = renderFormat(input.format, day);
  const at = input.now.toISOString();
  return [
    db.prepare("INSERT OR IGNORE INTO number_series (merchant_id, series, next_number) VALUES (?, ?, 1)").bind(input.merchantId, series),
    db
      .prepare(
        `UPDATE invoices SET
           status = 'open', number_series = ?1,
           number_seq = (SELECT next_number FROM number_series WHERE merchant_id = ?2 AND series = ?1),
           number = printf(?3, (SELECT next_number FROM number_series WHERE merchant_id = ?2 AND series = ?1)),
           due_date = ?4, net_days = ?5, issued_at = ?6, updated_at = ?6, version = version + 1
         WHERE id = ?7 AND status = 'draft'`,
      )
      .bind(series, input.merchantId, printfPattern, input.dueDate, input.netDays, at, input.invoiceId),
    db
      .prepare(
        `UPDATE number_series SET next_number = next_number + 1
         WHERE merchant_id = ?1 AND series = ?2
           AND EXISTS (SELECT 1 FROM invoices WHERE id = ?3 AND number_series = ?2 AND number_seq = number_series.next_number)`,
      )
      .bind(input.merchantId, series, input.invoiceId),
  ];
}
