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
  input: { merchantId: string; invoiceId: string; format: string; now: Date; dueDate: string; netDays: number | null; seller: string },
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
           due_date = ?4, net_days = ?5, issued_at = ?6, updated_at = ?6, version = version + 1,
           parties = json_object('settings', json(?8), 'customer', (
             SELECT json_object('id', c.id, 'merchant_id', c.merchant_id, 'name', c.name, 'email', c.email, 'locale', c.locale,
               'external_id', c.external_id, 'address', c.address, 'siren', c.siren, 'vat_number', c.vat_number, 'siret', c.siret,
               'electronic_address', c.electronic_address, 'created_at', c.created_at)
             FROM customers c WHERE c.id = invoices.customer_id))
         WHERE id = ?7 AND status = 'draft'`,
      )
      .bind(series, input.merchantId, printfPattern, input.dueDate, input.netDays, at, input.invoiceId, input.seller),
    db
      .prepare(
        `UPDATE number_series SET next_number = next_number + 1
         WHERE merchant_id = ?1 AND series = ?2
           AND EXISTS (SELECT 1 FROM invoices WHERE id = ?3 AND number_series = ?2 AND number_seq = number_series.next_number)`,
      )
      .bind(input.merchantId, series, input.invoiceId),
  ];
}

type Token = { kind: "literal"; text: string } | { kind: "YYYY" | "YY" | "MM" } | { kind: "SEQ"; width: number };

function tokens(format: string): Token[] {
  return [...format.matchAll(/\{(YYYY|YY|MM)\}|\{SEQ(?::(\d+))?\}|([^{]+|\{)/g)].map((match) =>
    match[1] ? { kind: match[1] as "YYYY" | "YY" | "MM" } : match[3] !== undefined ? { kind: "literal", text: match[3] } : { kind: "SEQ", width: Number(match[2] ?? 0) },
  );
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^$()|[\]{}\\/-]/g, "\\$&");

/** A GLOB that every number of the format matches (date digits as `[0-9]`, the sequence as `*`), to read only candidates. */
export function numberGlob(format: string): string {
  return tokens(format)
    .map((token) => (token.kind === "literal" ? token.text.replace(/[*?[\]]/g, "[$&]") : token.kind === "SEQ" ? "*" : "[0-9]".repeat(token.kind === "YYYY" ? 4 : 2)))
    .join("");
}

export interface NumberedInvoice {
  number: string;
  number_series: string | null;
  number_seq: number | null;
}

/**
 * An existing number that the format could issue again, or null. A number collides when the format
 * renders it for an issue day still to come (today or later) as the `q`-th of a series whose
 * counter has not passed `q` yet — unless it is that very invoice of that series. Changing
 * `A{SEQ}` to `A{SEQ:1}` collides (A1 again); `F{YYYY}-{SEQ:6}` to `G{YYYY}-{SEQ:6}` does not.
 * @example numberCollision("A{SEQ:1}", [{ number: "A1", number_series: "A{SEQ}", number_seq: 1 }], new Map(), "2026-11-24") // "A1"
 */
export function numberCollision(format: string, existing: readonly NumberedInvoice[], counters: ReadonlyMap<string, number>, today: string): string | null {
  const parts = tokens(format);
  const source = parts.map((token) => (token.kind === "literal" ? escapeRegExp(token.text) : token.kind === "SEQ" ? "(\\d+)" : `(\\d{${token.kind === "YYYY" ? 4 : 2}})`));
  const pattern = new RegExp(`^${source.join("")}$`);
  const groups = parts.filter((token) => token.kind !== "literal");
  for (const invoice of existing) {
    const match = pattern.exec(invoice.number);
    if (match === null) continue;
    const values = new Map<string, Set<string>>();
    let seqText = "";
    let width = 0;
    groups.forEach((token, index) => {
      const value = match[index + 1]!;
      if (token.kind === "SEQ") (seqText = value), (width = token.width);
      else values.set(token.kind, (values.get(token.kind) ?? new Set()).add(value));
    });
    const one = (kind: string) => (values.get(kind)?.size === 1 ? [...values.get(kind)!][0]! : values.has(kind) ? null : undefined);
    const [yyyy, yy, mm] = [one("YYYY"), one("YY"), one("MM")];
    if (yyyy === null || yy === null || mm === null) continue; // the same token rendered two ways: no day renders it
    if (yyyy !== undefined && yy !== undefined && yyyy.slice(2) !== yy) continue;
    if (mm !== undefined && (mm < "01" || mm > "12")) continue;
    const year = yyyy ?? (yy === undefined ? undefined : `20${yy}`);
    if (year !== undefined && `${year}-${mm ?? "12"}` < today.slice(0, 7)) continue; // only past days render it
    const seq = Number(seqText);
    if (seq < 1 || String(seq).padStart(width, "0") !== seqText) continue; // printf would not write it so
    const day = `${year ?? today.slice(0, 4)}-${mm ?? "01"}-01`;
    const { series } = renderFormat(format, day);
    if (invoice.number_series === series && invoice.number_seq === seq) continue; // that invoice itself
    if ((counters.get(series) ?? 1) <= seq) return invoice.number;
  }
  return null;
}
