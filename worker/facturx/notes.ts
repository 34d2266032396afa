/**
 * The notes (BT-21/BT-22) every French e-invoice carries, from the invoice's terms: PMT the fixed
 * recovery indemnity, PMD the late-payment penalties, AAB the early-payment discount (or that none
 * is granted) — each exactly once (BR-FR-05/06) — then BAR, the buyer's treatment for the
 * platforms, and the "option for VAT on debits" mention when taken. In the document's language.
 */
import { formatMoney } from "../../shared/money";
import type { CurrencyCode } from "../../shared/currencies";
import { DEFAULT_LATE_FEE_POLICY, type LateFeePolicy } from "../../shared/late-fees";
import type { TermsValue } from "../../shared/schemas/invoices";
import type { DocumentLanguage, InvoiceDocument } from "./document";

type Note = InvoiceDocument["notes"][number];

const rate = (bp: number, language: DocumentLanguage) => `${(bp / 100).toString().replace(".", language === "fr" ? "," : ".")} %`;

function indemnityNote(policy: LateFeePolicy, consumer: boolean, language: DocumentLanguage): string {
  const amount = policy.recovery_indemnity;
  if (consumer || amount === 0) {
    return language === "fr" ? "Pas d'indemnité forfaitaire pour frais de recouvrement." : "No fixed compensation for recovery costs.";
  }
  const money = formatMoney(amount, policy.recovery_indemnity_currency ?? "eur", language === "fr" ? "fr-FR" : "en-GB");
  return language === "fr"
    ? `Indemnité forfaitaire pour frais de recouvrement en cas de retard de paiement : ${money} (C. com. art. L441-10 et D441-5).`
    : `Fixed compensation for recovery costs in case of late payment: ${money} (French Commercial Code, art. L441-10 and D441-5).`;
}

function penaltyNote(terms: TermsValue, policy: LateFeePolicy, consumer: boolean, language: DocumentLanguage): string {
  if (terms.late_fee_policy) return terms.late_fee_policy;
  if (policy.kind === "none" || (consumer && !policy.applies_to_consumers)) {
    return language === "fr" ? "Pas de pénalités de retard." : "No late-payment penalties.";
  }
  if (policy.kind === "fixed_rate") {
    const value = rate(policy.fixed_rate_bp ?? 0, language);
    return language === "fr"
      ? `Pénalités de retard au taux annuel de ${value}, exigibles dès le lendemain de l'échéance.`
      : `Late-payment penalties at an annual rate of ${value}, due from the day after the due date.`;
  }
  const margin = rate(policy.margin_bp, language);
  return language === "fr"
    ? `Pénalités de retard au taux de la BCE majoré de ${margin.replace(" %", " points")}, exigibles dès le lendemain de l'échéance (C. com. art. L441-10).`
    : `Late-payment penalties at the ECB rate plus ${margin.replace(" %", " points")}, due from the day after the due date (French Commercial Code, art. L441-10).`;
}

export function buildNotes(input: {
  terms: TermsValue & { late_fee?: LateFeePolicy };
  customerType: "business" | "consumer";
  language: DocumentLanguage;
  treatment: NonNullable<InvoiceDocument["buyer_treatment"]>;
  vatOnDebits: boolean;
  currency: CurrencyCode;
}): Note[] {
  const { terms, language } = input;
  const consumer = input.customerType === "consumer";
  const policy = terms.late_fee ?? DEFAULT_LATE_FEE_POLICY;
  const notes: Note[] = [
    { subject: "PMT", text: indemnityNote(policy, consumer, language) },
    { subject: "PMD", text: penaltyNote(terms, policy, consumer, language) },
    { subject: "AAB", text: terms.early_payment_discount || (language === "fr" ? "Pas d'escompte pour paiement anticipé." : "No discount for early payment.") },
    { subject: "BAR", text: input.treatment },
  ];
  if (input.vatOnDebits) {
    notes.push({ subject: "AAI", text: language === "fr" ? "Option pour le paiement de la taxe d'après les débits." : "VAT paid on debits (option pour le paiement de la taxe d'après les débits)." });
  }
  return notes;
}
