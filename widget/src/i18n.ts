/** The widget's words in French and English. The language comes from `lang`, the page, or the browser. */
export type Locale = "fr" | "en";

const fr = {
  loading: "Chargement de vos factures…",
  empty: "Aucune facture pour le moment.",
  error: "Impossible de charger vos factures.",
  retry: "Réessayer",
  toPay: "À payer",
  overdue: "En retard",
  paid: "Payées",
  daysLate: (days: number) => (days === 1 ? "1 jour de retard" : `${days} jours de retard`),
  due: (date: string) => `Échéance le ${date}`,
  paidOn: "Payée",
  select: (number: string) => `Sélectionner la facture ${number}`,
  details: "Détails",
  pay: (count: number, amount: string) => (count === 1 ? `Payer 1 facture — ${amount}` : `Payer ${count} factures — ${amount}`),
  chooseInvoices: "Cochez les factures à payer",
  partlyPaid: (amount: string) => `${amount} déjà payés`,
  selected: (count: number, amount: string) => `${count} sélectionnée${count > 1 ? "s" : ""} : ${amount}`,
  invoicesList: "Vos factures",
};

const en: typeof fr = {
  loading: "Loading your invoices…",
  empty: "No invoices yet.",
  error: "Your invoices could not be loaded.",
  retry: "Try again",
  toPay: "To pay",
  overdue: "Overdue",
  paid: "Paid",
  daysLate: (days: number) => (days === 1 ? "1 day late" : `${days} days late`),
  due: (date: string) => `Due ${date}`,
  paidOn: "Paid",
  select: (number: string) => `Select invoice ${number}`,
  details: "Details",
  pay: (count: number, amount: string) => (count === 1 ? `Pay 1 invoice — ${amount}` : `Pay ${count} invoices — ${amount}`),
  chooseInvoices: "Select the invoices to pay",
  partlyPaid: (amount: string) => `${amount} already paid`,
  selected: (count: number, amount: string) => `${count} selected: ${amount}`,
  invoicesList: "Your invoices",
};

export type Strings = typeof fr;
/** The words by language: `STRINGS[locale]`. */
export const STRINGS: Record<Locale, Strings> = { fr, en };

/** The language to use: the element's `lang`, else the page's, else the browser's; French or English. */
export function pickLocale(...candidates: (string | null | undefined)[]): Locale {
  for (const candidate of candidates) {
    const base = candidate?.trim().toLowerCase().slice(0, 2);
    if (base === "fr" || base === "en") return base;
  }
  return "en";
}
