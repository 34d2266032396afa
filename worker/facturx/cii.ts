/**
 * The Factur-X 1.09 CII XML of one document, EN 16931 profile (guideline `urn:cen.eu:en16931:2017`),
 * with the French reform's data (BR-FR: billing frame BT-23, SIREN, electronic addresses, notes
 * PMT/PMD/AAB). Pure: everything comes from the `InvoiceDocument` (load.ts checked what the rules
 * need and refused, naming the field, what they cannot take). Amounts are exact decimals written
 * from integer minor units; nothing goes through a float.
 *
 * A discount line (negative unit price) is written with a negative quantity and a positive price:
 * BR-27 forbids a negative item net price, and `-1 × 10.00 = -10.00` reads as the discount it is.
 */
import { minorToDecimal } from "../../shared/minor-units";
import type { DocumentAddress, DocumentLine, DocumentParty, DocumentTaxRow, InvoiceDocument } from "./document";

const NS =
  'xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100" xmlns:qdt="urn:un:unece:uncefact:data:standard:QualifiedDataType:100" ' +
  'xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100" xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"';

/** XML 1.0 text: the five specials escaped, characters XML cannot carry (controls, lone surrogates) dropped. */
export function xmlEscape(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

const el = (name: string, content: string, attributes = ""): string => `<${name}${attributes}>${content}</${name}>`;
const text = (name: string, value: string, attributes = ""): string => el(name, xmlEscape(value), attributes);
const opt = (name: string, value: string | null | undefined, attributes = ""): string => (value ? text(name, value, attributes) : "");
const day102 = (day: string): string => day.replaceAll("-", "");
const dateTime = (name: string, day: string, prefix: "udt" | "qdt" = "udt"): string =>
  el(name, `<${prefix}:DateTimeString format="102">${day102(day)}</${prefix}:DateTimeString>`);

/** A VAT rate in basis points as the percentage the French list spells (`2000` → `20.00`, `550` → `5.50`). */
export const percent = (bp: number): string => minorToDecimal(bp, 2);

/** A quantity in thousandths, as a decimal without useless zeros (`2500` → `2.5`, `-1000` → `-1`). */
export function quantityText(milli: number): string {
  const decimal = minorToDecimal(milli, 3);
  return decimal.replace(/\.?0+$/, "");
}

function address(value: DocumentAddress): string {
  return el(
    "ram:PostalTradeAddress",
    text("ram:PostcodeCode", value.postal_code) + text("ram:LineOne", value.line1) + opt("ram:LineTwo", value.line2) + text("ram:CityName", value.city) + text("ram:CountryID", value.country),
  );
}

/** The seller's legal mentions (BT-33): legal form, share capital, RCS. */
function legalMentions(party: DocumentParty): string | null {
  const parts = [party.legal_form, party.share_capital && `capital ${party.share_capital}`, party.rcs && `RCS ${party.rcs}`].filter((part): part is string => !!part);
  return parts.length ? parts.join(", ") : null;
}

function party(name: "ram:SellerTradeParty" | "ram:BuyerTradeParty", value: DocumentParty, seller: boolean): string {
  return el(
    name,
    (value.siret ? text("ram:GlobalID", value.siret, ' schemeID="0009"') : "") +
      text("ram:Name", value.name) +
      (seller ? opt("ram:Description", legalMentions(value)) : "") +
      (value.siren ? el("ram:SpecifiedLegalOrganization", text("ram:ID", value.siren, ' schemeID="0002"')) : "") +
      (value.address ? address(value.address) : "") +
      (value.electronic_address ? el("ram:URIUniversalCommunication", text("ram:URIID", value.electronic_address.id, ` schemeID="${xmlEscape(value.electronic_address.scheme)}"`)) : "") +
      (value.vat_number ? el("ram:SpecifiedTaxRegistration", text("ram:ID", value.vat_number, ' schemeID="VA"')) : ""),
  );
}

function tax(row: Pick<DocumentTaxRow, "tax_category" | "tax_rate_bp" | "exemption_reason" | "exemption_code">, amounts: { calculated: string; basis: string } | null, dueDateCode: string | null): string {
  return el(
    "ram:ApplicableTradeTax",
    (amounts ? text("ram:CalculatedAmount", amounts.calculated) : "") +
      text("ram:TypeCode", "VAT") +
      opt("ram:ExemptionReason", row.exemption_reason) +
      (amounts ? text("ram:BasisAmount", amounts.basis) : "") +
      text("ram:CategoryCode", row.tax_category) +
      opt("ram:ExemptionReasonCode", row.exemption_code) +
      opt("ram:DueDateTypeCode", dueDateCode) +
      text("ram:RateApplicablePercent", percent(row.tax_rate_bp)),
  );
}

function line(value: DocumentLine, money: (amount: number) => string): string {
  const discount = value.unit_amount < 0;
  const quantity = discount ? -value.quantity_milli : value.quantity_milli;
  return el(
    "ram:IncludedSupplyChainTradeLineItem",
    el("ram:AssociatedDocumentLineDocument", text("ram:LineID", String(value.position))) +
      el("ram:SpecifiedTradeProduct", text("ram:Name", value.description)) +
      el("ram:SpecifiedLineTradeAgreement", el("ram:NetPriceProductTradePrice", text("ram:ChargeAmount", money(Math.abs(value.unit_amount))))) +
      el("ram:SpecifiedLineTradeDelivery", text("ram:BilledQuantity", quantityText(quantity), ' unitCode="C62"')) +
      el(
        "ram:SpecifiedLineTradeSettlement",
        // Line VAT carries no exemption reason (BT-120 belongs to the breakdown, BR-E-10).
        tax({ tax_category: value.tax_category, tax_rate_bp: value.tax_rate_bp, exemption_reason: null, exemption_code: null }, null, null) +
          el("ram:SpecifiedTradeSettlementLineMonetarySummation", text("ram:LineTotalAmount", money(value.amount_subtotal))),
      ),
  );
}

function paymentMeans(doc: InvoiceDocument): string {
  const payment = doc.payment;
  if (!payment) return "";
  return el(
    "ram:SpecifiedTradeSettlementPaymentMeans",
    text("ram:TypeCode", "58") +
      el("ram:PayeePartyCreditorFinancialAccount", text("ram:IBANID", payment.iban) + opt("ram:AccountName", payment.account_name)) +
      (payment.bic ? el("ram:PayeeSpecifiedCreditorFinancialInstitution", text("ram:BICID", payment.bic)) : ""),
  );
}

/** The CII XML (UTF-8 text) of an issued invoice (380) or credit note (381). */
export function ciiXml(doc: InvoiceDocument): string {
  const exponent = doc.currency_exponent;
  if (exponent > 2) throw new RangeError(`${doc.currency} has ${exponent} decimals: EN 16931 amounts carry at most 2`);
  const money = (amount: number): string => minorToDecimal(amount, exponent);
  const currency = doc.currency.toUpperCase();
  const totals = doc.totals;
  const header =
    el("rsm:ExchangedDocumentContext",
      el("ram:BusinessProcessSpecifiedDocumentContextParameter", text("ram:ID", doc.billing_frame)) +
      el("ram:GuidelineSpecifiedDocumentContextParameter", text("ram:ID", "urn:cen.eu:en16931:2017"))) +
    el("rsm:ExchangedDocument",
      text("ram:ID", doc.number) +
      text("ram:TypeCode", doc.type_code) +
      dateTime("ram:IssueDateTime", doc.issue_date) +
      doc.notes.map((note) => el("ram:IncludedNote", text("ram:Content", note.text) + text("ram:SubjectCode", note.subject))).join(""));
  const agreement = el("ram:ApplicableHeaderTradeAgreement", party("ram:SellerTradeParty", doc.seller, true) + party("ram:BuyerTradeParty", doc.buyer, false));
  const taxes = doc.tax_breakdown
    .map((row) => tax(row, { calculated: money(row.tax_amount), basis: money(row.taxable_amount) }, doc.vat_due_date_code ?? null))
    .join("");
  // BT-9 never before the issue date (BR-FR-CO-07): load.ts then says the agreed date in the terms (BT-20).
  const dueDate = doc.paid_on ?? (doc.due_date !== null && doc.due_date >= doc.issue_date ? doc.due_date : null);
  const terms = doc.payment_terms || dueDate ? el("ram:SpecifiedTradePaymentTerms", opt("ram:Description", doc.payment_terms) + (dueDate ? dateTime("ram:DueDateDateTime", dueDate) : "")) : "";
  const accounting = doc.tax_in_accounting_currency;
  const summation = el(
    "ram:SpecifiedTradeSettlementHeaderMonetarySummation",
    text("ram:LineTotalAmount", money(totals.lines)) +
      text("ram:TaxBasisTotalAmount", money(totals.tax_exclusive)) +
      text("ram:TaxTotalAmount", money(totals.tax), ` currencyID="${currency}"`) +
      (accounting ? text("ram:TaxTotalAmount", minorToDecimal(accounting.amount, 2), ` currencyID="${accounting.currency}"`) : "") +
      text("ram:GrandTotalAmount", money(totals.tax_inclusive)) +
      text("ram:TotalPrepaidAmount", money(totals.prepaid)) +
      text("ram:DuePayableAmount", money(totals.due)),
  );
  const preceding = doc.preceding_invoice
    ? el("ram:InvoiceReferencedDocument", text("ram:IssuerAssignedID", doc.preceding_invoice.number) + dateTime("ram:FormattedIssueDateTime", doc.preceding_invoice.issue_date, "qdt"))
    : "";
  const settlement = el(
    "ram:ApplicableHeaderTradeSettlement",
    opt("ram:PaymentReference", doc.payment?.remittance) +
      (accounting ? text("ram:TaxCurrencyCode", accounting.currency) : "") +
      text("ram:InvoiceCurrencyCode", currency) +
      paymentMeans(doc) +
      taxes +
      terms +
      summation +
      preceding,
  );
  const transaction = el(
    "rsm:SupplyChainTradeTransaction",
    doc.lines.map((value) => line(value, money)).join("") + agreement + "<ram:ApplicableHeaderTradeDelivery/>" + settlement,
  );
  return `<?xml version="1.0" encoding="UTF-8"?>\n<rsm:CrossIndustryInvoice ${NS}>${header}${transaction}</rsm:CrossIndustryInvoice>\n`;
}
