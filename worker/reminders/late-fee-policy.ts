/** The late-fee policy an invoice follows: its own terms (snapshot at creation), else the merchant's settings. */
import { accruedLateFees, type CustomerType, type LateFeePolicy, type LateFees } from "../../shared/late-fees";
import type { Settings } from "../../shared/schemas/settings";
import { amountDue, isPayable, utcDay } from "../../shared/status";
import type { RemindedInvoice } from "./queries";

interface TermsWithFees {
  late_fee?: LateFeePolicy;
  customer_type?: CustomerType;
}

export function lateFeePolicyOf(invoice: Pick<RemindedInvoice, "terms">, settings: Pick<Settings, "late_fees">): LateFeePolicy {
  // The snapshot taken when the invoice was created wins: later changes of settings do not rewrite issued terms.
  return (JSON.parse(invoice.terms) as TermsWithFees).late_fee ?? settings.late_fees;
}

export function customerTypeOf(invoice: Pick<RemindedInvoice, "terms">): CustomerType {
  return (JSON.parse(invoice.terms) as TermsWithFees).customer_type ?? "business";
}

/** Fees accrued today on a payable, overdue invoice; null when none can accrue. */
export function lateFeesToday(invoice: RemindedInvoice, settings: Pick<Settings, "late_fees">, now: Date): LateFees | null {
  if (!isPayable(invoice.status) || invoice.due_date === null) return null;
  return accruedLateFees({
    amountDue: amountDue(invoice),
    currency: invoice.currency,
    dueDate: invoice.due_date,
    today: utcDay(now),
    policy: lateFeePolicyOf(invoice, settings),
    customerType: customerTypeOf(invoice),
  });
}
