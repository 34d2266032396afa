/**
 * The bank-transfer instructions a client's browser gets with each invoice it can pay (the client
 * API's `bank_transfer`), and the EPC QR code behind `qr_url`. Both come from
 * `transferInstructions` (facturx/payment.ts): the PDF, the XML and the pay page say the same.
 */
import type { ClientBankTransfer } from "../../shared/schemas/bank-transfer";
import type { Invoice } from "../../shared/schemas/invoices";
import type { Settings } from "../../shared/schemas/settings";
import { transferInstructions } from "../facturx/payment";

type AccountSettings = Pick<Settings, "bank_account" | "seller">;

/** An invoice a client can still pay: issued, open or partly paid, something due. */
function transferable(invoice: Pick<Invoice, "status" | "amount_due" | "number">): invoice is Pick<Invoice, "status" | "amount_due"> & { number: string } {
  return invoice.number !== null && invoice.amount_due > 0 && (invoice.status === "open" || invoice.status === "partially_paid");
}

/** The QR code's address for one invoice, under the API's public origin. */
export function transferQrUrl(origin: string, invoiceId: string): string {
  return `${origin}/v1/client/invoices/${invoiceId}/transfer_qr.svg`;
}

/** What the client needs to pay `invoice` by transfer, or null (nothing due, or the merchant set no bank account). */
export function clientBankTransfer(invoice: Invoice, settings: AccountSettings, origin: string): ClientBankTransfer | null {
  if (!transferable(invoice)) return null;
  const payment = transferInstructions({ number: invoice.number, currency: invoice.currency, amountDue: invoice.amount_due, settings });
  if (payment === null) return null;
  return {
    iban: payment.iban,
    bic: payment.bic,
    account_name: payment.account_name,
    reference: payment.remittance,
    rf_reference: payment.rf_reference,
    amount: invoice.amount_due,
    currency: invoice.currency,
    qr_url: payment.epc_payload === null ? null : transferQrUrl(origin, invoice.id),
  };
}

/** The EPC QR payload of an invoice a client can pay in euros, or null (no QR code for it). */
export function transferQrPayload(invoice: Invoice, settings: AccountSettings): string | null {
  if (!transferable(invoice)) return null;
  return transferInstructions({ number: invoice.number, currency: invoice.currency, amountDue: invoice.amount_due, settings })?.epc_payload ?? null;
}
