/**
 * Builds the `InvoiceDocument` of an issued invoice or credit note from D1 (the row, its lines, the
 * customer, the settings, payments and credit notes), and refuses — with a 409 problem naming the
 * setting or field — what the EN 16931 / BR-FR rules need and the merchant has not given (seller
 * SIREN, VAT number, addresses, a French business buyer's SIREN, a book exchange rate), or what no
 * valid e-invoice can say (a 3-decimal currency, a number outside A-Z a-z 0-9 + - _ /). A document
 * that loads is one cii.ts can write validly.
 */
import { currencyExponent } from "../../shared/currencies";
import { DEFAULT_EINVOICING, isValidDocumentNumber, ZERO_RATE_DEFAULTS, type EinvoicingSettings } from "../../shared/schemas/einvoice";
import type { TermsValue } from "../../shared/schemas/invoices";
import type { Settings } from "../../shared/schemas/settings";
import { amountDue } from "../../shared/status";
import type { LateFeePolicy } from "../../shared/late-fees";
import { creditNoteLines, findCreditNote } from "../credit-notes/queries";
import { findCustomer, type CustomerRow } from "../customers/queries";
import { getSettings, settingsAsIssued } from "../db/settings";
import { ApiError, notFound } from "../errors";
import { findInvoice, loadDetails, type InvoiceRow } from "../invoices/queries";
import type { DocumentLanguage, DocumentLine, DocumentParty, DocumentTaxRow, ElectronicAddress, InvoiceDocument, TaxCategory } from "./document";
import { buildNotes } from "./notes";
import { transferInstructions } from "./payment";

const incomplete = (param: string, detail: string) => new ApiError("einvoice_data_incomplete", `${detail} The e-invoice (Factur-X) needs it under the French rules.`, param);
const inexpressible = (param: string, detail: string) => new ApiError("einvoice_not_expressible", detail, param);

/** The document's language: the customer's locale (fr* → fr, else en), as the pay page does. */
export const languageOf = (locale: string | null): DocumentLanguage => (locale?.startsWith("fr") ? "fr" : "en");

type Treatment = NonNullable<InvoiceDocument["buyer_treatment"]>;
type StoredLine = { description: string; quantity_milli: number; unit_amount: number; tax_rate: number; amount_subtotal: number; amount_tax: number };

interface Basis {
  settings: Settings;
  invoice: InvoiceRow & { number: string };
  customer: CustomerRow;
  terms: TermsValue & { late_fee?: LateFeePolicy };
  options: Required<Pick<EinvoicingSettings, "operation_category" | "vat_on_debits" | "zero_rate_category">> & { exemption_reason?: string | undefined };
  customerType: "business" | "consumer";
  exponent: number;
}

function sellerParty(settings: Settings): DocumentParty {
  const seller = settings.seller;
  if (!seller.siren) throw incomplete("seller.siren", "Your SIREN (BT-30) is missing: set seller.siren in PUT /v1/settings.");
  if (!seller.legal_name) throw incomplete("seller.legal_name", "Your legal name (BT-27) is missing: set seller.legal_name in PUT /v1/settings.");
  if (!seller.address) throw incomplete("seller.address", "Your postal address (BG-5) is missing: set seller.address in PUT /v1/settings.");
  if (!seller.vat_number) throw incomplete("seller.vat_number", "Your intra-EU VAT number (BT-31) is missing: set seller.vat_number in PUT /v1/settings.");
  if (seller.siret && !seller.siret.startsWith(seller.siren)) throw incomplete("seller.siret", "Your SIRET does not start with your SIREN (BR-FR-09): correct seller.siret.");
  return {
    name: seller.legal_name,
    legal_form: seller.legal_form ?? null,
    share_capital: seller.share_capital ?? null,
    rcs: seller.rcs ?? null,
    address: seller.address,
    siren: seller.siren,
    siret: seller.siret ?? null,
    vat_number: seller.vat_number,
    electronic_address: seller.electronic_address ?? { scheme: "0225", id: seller.siren },
    email: null,
  };
}

function buyerParty(customer: CustomerRow, customerType: "business" | "consumer"): { party: DocumentParty; treatment: Treatment } {
  const address = customer.address ? (JSON.parse(customer.address) as DocumentParty["address"]) : null;
  if (!address) throw incomplete("customer.address", `Customer ${customer.id} has no postal address (BG-8): create the customer with an address.`);
  const stored = customer.electronic_address ? (JSON.parse(customer.electronic_address) as ElectronicAddress) : null;
  let treatment: Treatment = "B2C";
  if (customerType === "business") {
    if (!customer.siren && address.country === "FR") throw incomplete("customer.siren", `Customer ${customer.id} is a French business without a SIREN (BT-47).`);
    treatment = customer.siren ? "B2B" : "B2BINT";
  }
  const electronic = stored ?? (customer.siren && customerType === "business" ? { scheme: "0225", id: customer.siren } : { scheme: "EM", id: customer.email });
  if (treatment === "B2B" && !(electronic.scheme === "0225" && electronic.id.startsWith(customer.siren!))) {
    throw incomplete("customer.electronic_address", `Customer ${customer.id}'s electronic address must be scheme 0225 starting with its SIREN (BR-FR-21).`);
  }
  if (electronic.id.length > 125) throw incomplete("customer.electronic_address", `Customer ${customer.id}'s electronic address is longer than 125 characters (BR-FR-25).`);
  return {
    treatment,
    party: {
      name: customer.name,
      legal_form: null,
      share_capital: null,
      rcs: null,
      address,
      siren: customerType === "business" ? customer.siren : null,
      siret: customerType === "business" ? customer.siret : null,
      vat_number: customer.vat_number,
      electronic_address: electronic,
      email: customer.email,
    },
  };
}

function categoryOf(rateBp: number, options: Basis["options"]): TaxCategory {
  return rateBp > 0 ? "S" : options.zero_rate_category;
}

function documentLines(lines: readonly StoredLine[], options: Basis["options"]): DocumentLine[] {
  return lines.map((line, index) => ({
    position: index + 1,
    description: line.description,
    quantity_milli: line.quantity_milli,
    unit_amount: line.unit_amount,
    amount_subtotal: line.amount_subtotal,
    tax_rate_bp: line.tax_rate,
    tax_category: categoryOf(line.tax_rate, options),
  }));
}

/** The VAT breakdown per rate (sums of the stored line figures), checked against BR-CO-17's tolerance. */
function taxBreakdown(lines: readonly StoredLine[], basis: Basis): DocumentTaxRow[] {
  const rows = new Map<number, DocumentTaxRow>();
  for (const line of lines) {
    const category = categoryOf(line.tax_rate, basis.options);
    const defaults = category === "S" ? { reason: null, code: null } : ZERO_RATE_DEFAULTS[category as keyof typeof ZERO_RATE_DEFAULTS];
    const row = rows.get(line.tax_rate) ?? {
      tax_rate_bp: line.tax_rate,
      tax_category: category,
      taxable_amount: 0,
      tax_amount: 0,
      exemption_reason: category === "S" || category === "Z" ? null : (basis.options.exemption_reason ?? defaults.reason),
      exemption_code: category === "S" || category === "Z" ? null : defaults.code,
    };
    row.taxable_amount += line.amount_subtotal;
    row.tax_amount += line.amount_tax;
    rows.set(line.tax_rate, row);
  }
  const sorted = [...rows.values()].sort((a, b) => b.tax_rate_bp - a.tax_rate_bp);
  for (const row of sorted) {
    // BR-CO-17: the row's VAT within one unit of base × rate rounded to 0.01 (per-line rounding drifts by at most ½ minor unit a line).
    const hundredths = 10n ** BigInt(2 - basis.exponent);
    const expected = (BigInt(Math.abs(row.taxable_amount)) * BigInt(row.tax_rate_bp) * hundredths * 2n + 10_000n) / 20_000n;
    const stated = BigInt(Math.abs(row.tax_amount)) * hundredths;
    const gap = stated > expected ? stated - expected : expected - stated;
    if (gap > 100n) {
      throw inexpressible("lines", `The VAT at ${row.tax_rate_bp / 100} % (the sum of the lines' rounded VAT) differs from the base × rate by more than one ${basis.invoice.currency.toUpperCase()}, which EN 16931 refuses (BR-CO-17): issue fewer lines at that rate.`);
    }
  }
  return sorted;
}

/** BT-111: the total VAT in euro cents at the book rate (EUR per unit of the currency), for a non-euro document. */
function accountingTax(basis: Basis, tax: number): InvoiceDocument["tax_in_accounting_currency"] {
  const currency = basis.invoice.currency;
  if (currency === "eur") return null;
  const rate = basis.settings.accounting.exchange_rates[currency];
  if (!rate) throw incomplete(`accounting.exchange_rates.${currency}`, `A ${currency.toUpperCase()} e-invoice states its VAT in euros too (BR-FR-CO-12): set the book rate accounting.exchange_rates.${currency}.`);
  const [whole, fraction = ""] = rate.split(".");
  const numerator = BigInt(`${whole}${fraction}`) * BigInt(Math.abs(tax)) * 10n ** BigInt(2);
  const denominator = 10n ** BigInt(fraction.length + basis.exponent);
  const cents = Number((numerator * 2n + denominator) / (denominator * 2n));
  return { currency: "EUR", amount: tax < 0 ? -cents : cents, rate };
}

/** Whether a party can be written (its builder throws the 409 that says what is missing otherwise). */
function usable(build: () => unknown): boolean {
  try { build(); return true; } catch (error) { if (error instanceof ApiError) return false; throw error; }
}

async function loadBasis(db: D1Database, merchantId: string, invoice: InvoiceRow): Promise<Basis> {
  if (invoice.status === "draft" || invoice.number === null) throw new ApiError("invoice_not_issued", `Invoice ${invoice.id} is a draft: only an issued invoice has an e-invoice.`);
  // What the seller and the buyer were when it was issued (an issued document never changes), or,
  // for an invoice issued before those copies were kept, what they are now.
  // A copy that could not make a valid document (a SIREN or an address filled in only after the
  // invoice was issued) gives way, party by party, to today's data, which may.
  const frozen = invoice.parties ? (JSON.parse(invoice.parties) as { settings?: Parameters<typeof settingsAsIssued>[1]; customer?: CustomerRow | null }) : null;
  const [current, currentCustomer] = await Promise.all([getSettings(db, merchantId), findCustomer(db, merchantId, invoice.customer_id)]);
  if (currentCustomer === null) throw notFound("customer", invoice.customer_id, "customer");
  const terms = JSON.parse(invoice.terms) as Basis["terms"];
  const asIssued = settingsAsIssued(current.settings, frozen?.settings);
  const settings = usable(() => sellerParty(asIssued)) ? asIssued : { ...asIssued, seller: current.settings.seller };
  const customer = frozen?.customer && usable(() => buyerParty(frozen.customer!, terms.customer_type ?? "business")) ? frozen.customer : currentCustomer;
  const exponent = currencyExponent(invoice.currency);
  if (exponent > 2) {
    throw inexpressible("currency", `${invoice.currency.toUpperCase()} has ${exponent} decimals; EN 16931 e-invoices carry amounts with at most 2 (BR-DEC): no valid Factur-X exists for this invoice.`);
  }
  const own = invoice.einvoice ? (JSON.parse(invoice.einvoice) as EinvoicingSettings) : {};
  const merged = { ...DEFAULT_EINVOICING, ...settings.einvoicing, ...own };
  // An invoice that changes what its 0 % lines are does not inherit the settings' wording for another category.
  const settingsCategory = settings.einvoicing.zero_rate_category ?? DEFAULT_EINVOICING.zero_rate_category;
  const exemption = own.zero_rate_category && own.zero_rate_category !== settingsCategory ? own.exemption_reason : merged.exemption_reason;
  return {
    settings,
    invoice: invoice as Basis["invoice"],
    customer,
    terms,
    options: { operation_category: merged.operation_category, vat_on_debits: merged.vat_on_debits, zero_rate_category: merged.zero_rate_category, exemption_reason: exemption },
    customerType: terms.customer_type ?? "business",
    exponent,
  };
}

function checkNumber(number: string, param: string): void {
  if (!isValidDocumentNumber(number)) {
    throw inexpressible(param, `The number '${number}' is not one the French rules accept (BR-FR-01/02: at most 35 characters from A-Z a-z 0-9 + - _ /). Change ${param} for the documents to come; this one cannot become a valid e-invoice.`);
  }
}

const FRAME_LETTER = { goods: "B", services: "S", mixed: "M" } as const;

function common(basis: Basis, lines: readonly StoredLine[]) {
  const seller = sellerParty(basis.settings);
  const { party: buyer, treatment } = buyerParty(basis.customer, basis.customerType);
  const tax_breakdown = taxBreakdown(lines, basis);
  if (tax_breakdown.some((row) => row.tax_category === "AE") && !buyer.vat_number && !buyer.siren) {
    throw incomplete("customer.vat_number", `Reverse-charged lines (AE) need the buyer's VAT number (BR-AE-02): customer ${basis.customer.id} has none.`);
  }
  const language = languageOf(basis.customer.locale);
  const { operation_category, vat_on_debits } = basis.options;
  return {
    currency: basis.invoice.currency,
    currency_exponent: basis.exponent,
    language,
    customer_type: basis.customerType,
    seller,
    buyer,
    buyer_treatment: treatment,
    lines: documentLines(lines, basis.options),
    tax_breakdown,
    operation_category,
    vat_on_debits,
    vat_due_date_code: operation_category === "goods" ? "29" : vat_on_debits ? "5" : "72",
    notes: buildNotes({ terms: basis.terms, customerType: basis.customerType, language, treatment, vatOnDebits: vat_on_debits && operation_category !== "goods", currency: basis.invoice.currency }),
  } satisfies Partial<InvoiceDocument>;
}

/** The document of an issued invoice of the merchant; 404 for another merchant's, 409 for a draft or missing data. */
export async function loadInvoiceDocument(db: D1Database, merchantId: string, invoiceId: string): Promise<InvoiceDocument> {
  const row = await findInvoice(db, merchantId, invoiceId);
  if (row === null) throw notFound("invoice", invoiceId);
  const basis = await loadBasis(db, merchantId, row);
  const invoice = basis.invoice;
  checkNumber(invoice.number, "numbering.format");
  const details = await loadDetails(db, [invoice.id]);
  const lines = details.lines.get(invoice.id) ?? [];
  const shared = common(basis, lines);
  const issueDate = (invoice.issued_at ?? invoice.created_at).slice(0, 10);
  const due = amountDue(invoice);
  const paidDay = invoice.paid_at?.slice(0, 10) ?? null;
  const paidOn = invoice.status === "paid" && invoice.amount_credited === 0 && invoice.amount_paid === invoice.total && paidDay === issueDate ? paidDay : null;
  // A due date before the issue date (BR-FR-CO-07 refuses it as BT-9) is said in the payment terms instead.
  const backdated = invoice.due_date !== null && invoice.due_date < issueDate;
  const backdatedTerms = shared.language === "fr" ? `Payable à réception (échéance convenue : ${invoice.due_date})` : `Payable on receipt (agreed due date: ${invoice.due_date})`;
  return {
    kind: "invoice",
    type_code: "380",
    status: invoice.status,
    id: invoice.id,
    number: invoice.number,
    issue_date: issueDate,
    due_date: invoice.due_date,
    ...shared,
    totals: { lines: invoice.subtotal, tax_exclusive: invoice.subtotal, tax: invoice.tax, tax_inclusive: invoice.total, prepaid: invoice.total - due, due },
    tax_in_accounting_currency: accountingTax(basis, invoice.tax),
    preceding_invoice: null,
    billing_frame: `${FRAME_LETTER[shared.operation_category]}${paidOn ? "2" : "1"}`,
    paid_on: paidOn,
    payment_terms: backdated && paidOn === null ? backdatedTerms : null,
    payment: transferInstructions({ number: invoice.number, currency: invoice.currency, amountDue: due, settings: basis.settings }),
    memo: invoice.memo,
    credit_notes: (details.creditNotes.get(invoice.id) ?? []).map((note) => ({ number: note.number, issue_date: note.issued_on, total: note.total })),
    reason: null,
  };
}

/** The document of an issued credit note (381, with its invoice as BT-25/BT-26). */
export async function loadCreditNoteDocument(db: D1Database, merchantId: string, creditNoteId: string): Promise<InvoiceDocument> {
  const note = await findCreditNote(db, merchantId, creditNoteId);
  if (note === null) throw notFound("credit note", creditNoteId);
  const row = await findInvoice(db, merchantId, note.invoice_id);
  if (row === null) throw notFound("invoice", note.invoice_id);
  const basis = await loadBasis(db, merchantId, row);
  checkNumber(note.number, "numbering.credit_note_format");
  checkNumber(note.invoice_number, "numbering.format");
  const lines = await creditNoteLines(db, note.id);
  const shared = common(basis, lines);
  return {
    kind: "credit_note",
    type_code: "381",
    status: "issued",
    id: note.id,
    number: note.number,
    issue_date: note.issued_on,
    due_date: null,
    ...shared,
    totals: { lines: note.subtotal, tax_exclusive: note.subtotal, tax: note.tax, tax_inclusive: note.total, prepaid: 0, due: note.total },
    tax_in_accounting_currency: accountingTax(basis, note.tax),
    preceding_invoice: { number: note.invoice_number, issue_date: note.invoice_issued_on },
    billing_frame: `${FRAME_LETTER[shared.operation_category]}1`,
    paid_on: null,
    payment_terms: shared.language === "fr" ? `Avoir sur la facture ${note.invoice_number}` : `Credit note on invoice ${note.invoice_number}`,
    payment: null,
    memo: null,
    credit_notes: [],
    reason: note.reason,
  };
}
