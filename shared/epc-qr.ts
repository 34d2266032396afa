/**
 * The payload of an EPC QR code ("girocode", EPC069-12 v2.1, version 002): what a banking app reads
 * to fill in a SEPA credit transfer. Twelve lines joined by LF, in this order: service tag `BCD`,
 * version `002`, character set `1` (UTF-8), identification `SCT`, BIC (optional in version 002),
 * beneficiary name (≤ 70), IBAN, amount `EUR<major>.<cents>` (0.01–999999999.99), purpose (empty),
 * structured remittance (an RF reference, ≤ 35) or else unstructured remittance (≤ 140), and the
 * beneficiary-to-originator text (empty). Nothing follows the last filled line; the whole is at
 * most 331 bytes. Euros only: the standard knows no other currency.
 */
import { minorToDecimal } from "./minor-units";

export const EPC_MAX_BYTES = 331;
export const EPC_MAX_AMOUNT_CENTS = 99_999_999_999;

export type EpcTransfer = {
  /** 8 or 11 characters, or omitted (allowed within the EEA in version 002). */
  bic?: string | null;
  /** The account holder's name, cut to 70 characters. */
  name: string;
  /** Electronic format, no spaces. */
  iban: string;
  /** Euro cents, 1 to 99,999,999,999. */
  amountCents: number;
  /** An ISO 11649 RF reference; when given, `text` is not used. */
  reference?: string | null;
  /** Free remittance text (e.g. the invoice number) when there is no RF reference; cut to 140. */
  text?: string | null;
};

/** The EPC payload, or null when the transfer cannot be expressed in one (amount out of range, no name or IBAN). */
export function epcPayload(transfer: EpcTransfer): string | null {
  if (!Number.isSafeInteger(transfer.amountCents) || transfer.amountCents < 1 || transfer.amountCents > EPC_MAX_AMOUNT_CENTS) return null;
  // Any line break or tab would shift every later field: whitespace runs become one space.
  const oneLine = (value: string, max: number) => [...value.replace(/\s+/g, " ").trim()].slice(0, max).join("");
  const name = oneLine(transfer.name, 70);
  const iban = transfer.iban.replace(/\s+/g, "").toUpperCase();
  if (name.length === 0 || !/^[A-Z]{2}\d{2}[A-Z0-9]{1,30}$/.test(iban)) return null;
  const bic = (transfer.bic ?? "").replace(/\s+/g, "").toUpperCase();
  const reference = (transfer.reference ?? "").replace(/\s+/g, "").toUpperCase();
  // A reference cut short would send the money with a wrong reference: refuse one over 35 instead.
  if (reference.length > 35 || !/^[A-Z0-9]*$/.test(reference)) return null;
  const text = reference ? "" : oneLine(transfer.text ?? "", 140);
  const lines = ["BCD", "002", "1", "SCT", bic, name, iban, `EUR${minorToDecimal(transfer.amountCents, 2)}`, "", reference, text, ""];
  while (lines.at(-1) === "") lines.pop();
  const payload = lines.join("\n");
  return new TextEncoder().encode(payload).length <= EPC_MAX_BYTES ? payload : null;
}
