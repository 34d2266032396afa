/**
 * How a client pays an invoice by bank transfer: the merchant's account (settings.bank_account),
 * the remittance the transfer must carry (the invoice's ISO 11649 RF reference, else its number),
 * and for euro invoices with something due the EPC QR payload a banking app scans. The one home of
 * these instructions: the PDF, the XML (BG-16/BG-17), the pay page and the client API read them here.
 */
import { epcPayload } from "../../shared/epc-qr";
import { rfReferenceOfInvoice } from "../../shared/rf-reference";
import type { Settings } from "../../shared/schemas/settings";
import type { DocumentPayment } from "./document";

export function transferInstructions(input: { number: string; currency: string; amountDue: number; settings: Pick<Settings, "bank_account" | "seller"> }): DocumentPayment | null {
  const account = input.settings.bank_account;
  if (!account) return null;
  const accountName = account.account_name ?? input.settings.seller.legal_name ?? "";
  const rf = rfReferenceOfInvoice(input.number);
  const remittance = rf ?? input.number;
  const epc =
    input.currency === "eur" && input.amountDue > 0
      ? epcPayload({ bic: account.bic ?? null, name: accountName, iban: account.iban, amountCents: input.amountDue, reference: rf, text: rf ? null : input.number })
      : null;
  return { iban: account.iban, bic: account.bic ?? null, account_name: accountName, rf_reference: rf, remittance, epc_payload: epc };
}
