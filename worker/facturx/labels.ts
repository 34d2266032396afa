/**
 * The words and number formats of the invoice renderings (PDF and printable page) in the document's
 * language. Amounts go through shared/money.ts (integer minor units written by Intl, never floats).
 */
import { formatMoney } from "../../shared/money";
import { minorToDecimal } from "../../shared/minor-units";
import type { DocumentLanguage, DocumentParty, InvoiceDocument } from "./document";

const FR = {
  invoice: "Facture", credit_note: "Facture d'avoir", number: "N°", issue_date: "Date d'émission", due_date: "Date d'échéance",
  seller: "Vendeur", buyer: "Client", capital: "au capital de", vat_number: "N° TVA intracommunautaire", email: "E-mail",
  description: "Désignation", qty: "Qté", unit_price: "Prix unitaire HT", vat: "TVA", line_total: "Total HT",
  vat_rate: "Taux de TVA", taxable: "Base HT", vat_amount: "Montant TVA",
  total_ht: "Total HT", total_tva: "Total TVA", total_ttc: "Total TTC", total_credit: "Total TTC de l'avoir",
  paid: "Déjà réglé", credited: "Avoirs", due: "Reste à payer",
  credit_notes: "Avoirs émis", credit_note_line: (n: string, d: string, t: string) => `Facture d'avoir ${n} du ${d} : ${t} TTC`,
  corrects: (n: string, d: string) => `Avoir sur la facture n° ${n} du ${d}`, reason: "Motif",
  terms: "Conditions de paiement", mentions: "Mentions",
  category: "Catégorie de l'opération", goods: "livraison de biens", services: "prestation de services", mixed: "livraison de biens et prestation de services",
  vat_on_debits: "Option pour le paiement de la TVA d'après les débits",
  transfer: "Paiement par virement", holder: "Titulaire", reference: "Référence à indiquer", scan: "Scannez avec votre application bancaire",
  memo: "Message", continued: "(suite)", page: (i: number, n: number) => `Page ${i} / ${n}`,
  download: "Télécharger la facture (PDF)", download_credit: "Télécharger l'avoir (PDF)", frame: "Cadre de facturation",
  paid_on: (d: string) => `Facture acquittée le ${d}`, void: "Facture annulée",
  vat_in_eur: (amount: string, rate: string, currency: string) => `Montant de la TVA en euros : ${amount} (1 ${currency} = ${rate} EUR)`,
} as const;

type Labels = { [K in keyof typeof FR]: (typeof FR)[K] extends (...args: infer A) => string ? (...args: A) => string : string };

const EN: Labels = {
  invoice: "Invoice", credit_note: "Credit note", number: "No.", issue_date: "Issue date", due_date: "Due date",
  seller: "Seller", buyer: "Bill to", capital: "with a share capital of", vat_number: "VAT number", email: "Email",
  description: "Description", qty: "Qty", unit_price: "Unit price excl. VAT", vat: "VAT", line_total: "Net amount",
  vat_rate: "VAT rate", taxable: "Taxable amount", vat_amount: "VAT amount",
  total_ht: "Total excl. VAT", total_tva: "Total VAT", total_ttc: "Total incl. VAT", total_credit: "Credit note total incl. VAT",
  paid: "Already paid", credited: "Credit notes", due: "Amount due",
  credit_notes: "Credit notes issued", credit_note_line: (n, d, t) => `Credit note ${n} of ${d}: ${t} incl. VAT`,
  corrects: (n, d) => `Credit note for invoice ${n} of ${d}`, reason: "Reason",
  terms: "Payment terms", mentions: "Legal mentions",
  category: "Type of operation", goods: "supply of goods", services: "supply of services", mixed: "supply of goods and services",
  vat_on_debits: "VAT paid on debits (option pour le paiement de la TVA d'après les débits)",
  transfer: "Pay by bank transfer", holder: "Account holder", reference: "Reference to quote", scan: "Scan with your banking app",
  memo: "Message", continued: "(continued)", page: (i, n) => `Page ${i} of ${n}`,
  download: "Download (PDF)", download_credit: "Download (PDF)", frame: "Billing frame",
  paid_on: (d) => `Paid in full on ${d}`, void: "Void invoice",
  vat_in_eur: (amount, rate, currency) => `VAT amount in euros: ${amount} (1 ${currency} = ${rate} EUR)`,
};

export type DocumentFormat = Omit<Labels, "lang"> & {
  lang: DocumentLanguage;
  money: (amount: number) => string;
  day: (date: string | null) => string;
  rate: (bp: number) => string;
  quantity: (milli: number) => string;
  title: string;
  /** `label : value` in French (a no-break space before the colon), `label: value` in English. */
  colon: (label: string, value: string) => string;
};

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** Labels and formatters for one document: `fr` writes 24/11/2026, 1 234,56 €, 5,5 %; `en` 24 Nov 2026, €1,234.56, 5.5%. */
export function documentFormat(doc: Pick<InvoiceDocument, "language" | "currency" | "kind">): DocumentFormat {
  const fr = doc.language === "fr";
  const labels = fr ? (FR as unknown as Labels) : EN;
  const locale = fr ? "fr-FR" : "en-GB";
  const decimal = (text: string) => (fr ? text.replace(".", ",") : text);
  return {
    ...labels,
    lang: doc.language,
    title: doc.kind === "credit_note" ? labels.credit_note : labels.invoice,
    money: (amount) => formatMoney(amount, doc.currency, locale),
    day: (date) => {
      if (!date) return "—";
      const [year, month, day] = date.slice(0, 10).split("-");
      return fr ? `${day}/${month}/${year}` : `${Number(day)} ${MONTHS[Number(month) - 1] ?? month} ${year}`;
    },
    rate: (bp) => `${decimal(trimZeros(minorToDecimal(bp, 2)))}${fr ? "\u00a0%" : "%"}`,
    quantity: (milli) => decimal(trimZeros(minorToDecimal(milli, 3))),
    colon: (label, value) => (fr ? `${label}\u00a0: ${value}` : `${label}: ${value}`),
  };
}

function trimZeros(text: string): string {
  return text.includes(".") ? text.replace(/\.?0+$/, "") : text;
}

/** Totals, then (invoices) what is paid, credited and due: the PDF shows the same rows. */
export function totalRows(doc: InvoiceDocument, f: DocumentFormat): { label: string; value: string; strong?: boolean }[] {
  const credited = doc.credit_notes.reduce((sum, note) => sum + note.total, 0);
  const rows: { label: string; value: string; strong?: boolean }[] = [
    { label: f.total_ht, value: f.money(doc.totals.tax_exclusive) },
    { label: f.total_tva, value: f.money(doc.totals.tax) },
    { label: doc.kind === "credit_note" ? f.total_credit : f.total_ttc, value: f.money(doc.totals.tax_inclusive), strong: true },
  ];
  if (doc.kind === "invoice") {
    const paid = doc.totals.prepaid - credited;
    if (paid !== 0) rows.push({ label: f.paid, value: f.money(paid) });
    if (credited !== 0) rows.push({ label: f.credited, value: f.money(credited) });
    rows.push({ label: f.due, value: f.money(doc.totals.due), strong: true });
  }
  return rows;
}

/** The notes people read (the BAR note is a code for platforms, not a sentence). */
export const shownNotes = (doc: InvoiceDocument) => doc.notes.filter((note) => (note.subject as string) !== "BAR");

/** Exemption reasons, the category of operation, the VAT-on-debits option. */
export function mentions(doc: InvoiceDocument, f: DocumentFormat): string[] {
  const out: string[] = doc.paid_on ? [f.paid_on(f.day(doc.paid_on))] : [];
  out.push(...new Set(doc.tax_breakdown.flatMap((row) => (row.exemption_reason ? [row.exemption_reason] : []))));
  out.push(f.colon(f.category, f[doc.operation_category]));
  if (doc.vat_on_debits) out.push(f.vat_on_debits);
  const eur = doc.tax_in_accounting_currency;
  if (eur) out.push(f.vat_in_eur(formatMoney(eur.amount, "eur", f.lang === "fr" ? "fr-FR" : "en-GB"), f.lang === "fr" ? eur.rate.replace(".", ",") : eur.rate, doc.currency.toUpperCase()));
  return out;
}

/** A party's lines as the PDF and the printable page show them (name bold, legal form, address, identifiers). */
export function partyLines(party: DocumentParty, f: DocumentFormat): { text: string; bold?: boolean }[] {
  const out: { text: string; bold?: boolean }[] = [{ text: party.name, bold: true }];
  const legal = [party.legal_form, party.share_capital ? `${f.capital} ${party.share_capital}` : null].filter(Boolean).join(" ");
  if (legal) out.push({ text: legal });
  if (party.address) {
    const a = party.address;
    for (const line of [a.line1, a.line2, `${a.postal_code} ${a.city}`, a.country]) if (line) out.push({ text: line });
  }
  const ids = [party.siren ? `SIREN ${party.siren}` : null, party.siret ? `SIRET ${party.siret}` : null].filter(Boolean).join(" · ");
  if (ids) out.push({ text: ids });
  if (party.rcs) out.push({ text: /^RCS\b/i.test(party.rcs) ? party.rcs : `RCS ${party.rcs}` });
  if (party.vat_number) out.push({ text: f.colon(f.vat_number, party.vat_number) });
  if (party.email) out.push({ text: party.email });
  return out;
}

/** `FR7630006000011234567890189` → `FR76 3000 6000 0112 3456 7890 189`. */
export function groupBy4(iban: string): string {
  return iban.replace(/\s+/g, "").replace(/(.{4})(?=.)/g, "$1 ");
}
