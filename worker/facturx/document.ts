/**
 * One issued invoice or credit note as every rendering of it needs it: the Factur-X XML (cii.ts),
 * the PDF (pdf.ts) and the printable page read this, never the database, so the three always say
 * the same thing. Amounts are integer minor units of `currency`; dates are `YYYY-MM-DD`.
 * load.ts builds it from D1 (the invoice, its lines, customer, settings and credit notes).
 */
import type { CurrencyCode } from "../../shared/currencies";

export type DocumentLanguage = "fr" | "en";

export type DocumentAddress = { line1: string; line2?: string | undefined; postal_code: string; city: string; country: string };

/** An electronic address (BT-34 / BT-49) with its EAS scheme, e.g. `0225` (French SIREN-based addressing) or `EM` (email). */
export type ElectronicAddress = { scheme: string; id: string };

export type DocumentParty = {
  name: string;
  legal_form: string | null;
  share_capital: string | null;
  rcs: string | null;
  address: DocumentAddress | null;
  siren: string | null;
  siret: string | null;
  vat_number: string | null;
  electronic_address: ElectronicAddress | null;
  email: string | null;
};

/** VAT category codes of EN 16931 (UNTDID 5305) Quittance uses. */
export type TaxCategory = "S" | "Z" | "E" | "AE" | "K" | "G" | "O";

export type DocumentLine = {
  /** 1, 2, 3… in the document's order (BT-126). */
  position: number;
  description: string;
  /** Thousandths of a unit (2.5 h = 2500). */
  quantity_milli: number;
  /** Unit price excluding tax; negative for a discount line. */
  unit_amount: number;
  /** Line net amount excluding tax (BT-131). */
  amount_subtotal: number;
  tax_rate_bp: number;
  tax_category: TaxCategory;
};

export type DocumentTaxRow = {
  tax_rate_bp: number;
  tax_category: TaxCategory;
  taxable_amount: number;
  tax_amount: number;
  /** Required for exempt categories (BT-120), e.g. "TVA non applicable, art. 293 B du CGI". */
  exemption_reason: string | null;
  exemption_code: string | null;
};

export type DocumentTotals = {
  /** Sum of line net amounts (BT-106). */
  lines: number;
  /** Total excluding tax (BT-109). */
  tax_exclusive: number;
  /** Total VAT (BT-110). */
  tax: number;
  /** Total including tax (BT-112). */
  tax_inclusive: number;
  /** Already paid (BT-113): payments received and, on an invoice, credit notes issued against it. */
  prepaid: number;
  /** Amount due for payment (BT-115). */
  due: number;
};

/** How to pay by bank transfer (BG-16/BG-17): means 58 (SEPA credit transfer). */
export type DocumentPayment = {
  iban: string;
  bic: string | null;
  account_name: string;
  /** ISO 11649 RF reference (BT-83), or null when the number is too long for one. */
  rf_reference: string | null;
  /** What the transfer's remittance must say: the RF reference, else the invoice number. */
  remittance: string;
  /** The EPC QR payload (euro invoices with something due), or null. */
  epc_payload: string | null;
};

export type InvoiceDocument = {
  kind: "invoice" | "credit_note";
  /** BT-3: 380 commercial invoice, 381 credit note. */
  type_code: "380" | "381";
  /** The Quittance id (inv_… or cn_…). */
  id: string;
  /** BT-1. */
  number: string;
  /** BT-2. */
  issue_date: string;
  /** BT-9 (invoices only). */
  due_date: string | null;
  currency: CurrencyCode;
  currency_exponent: number;
  language: DocumentLanguage;
  customer_type: "business" | "consumer";
  seller: DocumentParty;
  buyer: DocumentParty;
  lines: DocumentLine[];
  tax_breakdown: DocumentTaxRow[];
  totals: DocumentTotals;
  /** BT-25/BT-26: the invoice a credit note corrects. */
  preceding_invoice: { number: string; issue_date: string } | null;
  /** BT-23 business process type of the French reform (B1, S1, M1, B2, S2, M2…). */
  billing_frame: string;
  operation_category: "goods" | "services" | "mixed";
  /** "Option pour le paiement de la TVA d'après les débits". */
  vat_on_debits: boolean;
  /** BT-20 free text of the payment terms. */
  payment_terms: string | null;
  /** Notes with their subject codes (BT-21/BT-22): PMT recovery indemnity, PMD late penalties, AAB early-payment discount, others. */
  notes: { subject: "PMT" | "PMD" | "AAB" | "AAI" | "REG" | "TXD" | "BAR"; text: string }[];
  payment: DocumentPayment | null;
  memo: string | null;
  /** Credit notes issued against an invoice (shown on its page and PDF). */
  credit_notes: { number: string; issue_date: string; total: number }[];
  /** Why a credit note was issued. */
  reason: string | null;
  // Added by fx-xml (optional so documents built before them still type-check; load.ts always sets them).
  /**
   * The buyer's treatment for the French platforms (the BAR note, also in `notes`): B2B (a French
   * business, SIREN given), B2BINT (a business abroad), B2C (a consumer).
   */
  buyer_treatment?: "B2B" | "B2BINT" | "B2C";
  /** The day the invoice was settled when it was settled on its issue day (the "already paid" frames B2/S2/M2), else null. */
  paid_on?: string | null;
  /** BT-8 (UNTDID 2005): when VAT becomes due — 5 at issue (VAT on debits), 29 on delivery (goods), 72 on payment (services). */
  vat_due_date_code?: "5" | "29" | "72";
  /** The invoice's status when the document was built (open, partially_paid, paid, void, uncollectible), or "issued" for a credit note. */
  status?: string;
  /** BT-6/BT-111: a non-euro document's total VAT in euro cents at the merchant's book rate (accounting.exchange_rates), else null. */
  tax_in_accounting_currency?: { currency: "EUR"; amount: number; rate: string } | null;
};
