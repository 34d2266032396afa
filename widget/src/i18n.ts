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
  close: "Fermer",
  print: "Imprimer",
  pay: (count: number, amount: string) => (count === 1 ? `Payer 1 facture — ${amount}` : `Payer ${count} factures — ${amount}`),
  chooseInvoices: "Cochez les factures à payer",
  partlyPaid: (amount: string) => `${amount} déjà payés`,
  selected: (count: number, amount: string) => `${count} sélectionnée${count > 1 ? "s" : ""} : ${amount}`,
  chooseMethod: "Moyen de paiement",
  methods: { card: "Carte bancaire", stripe_checkout: "Paiement sécurisé Stripe", paypal: "PayPal", sandbox: "Carte de test (sandbox)" } as Record<string, string>,
  noMethod: "Aucun moyen de paiement en ligne n'est disponible. Contactez le vendeur.",
  continue: "Continuer",
  back: "Retour",
  cardNumber: "Numéro de carte",
  payNow: (amount: string) => `Payer ${amount}`,
  paying: "Paiement en cours…",
  redirecting: "Redirection vers la page de paiement…",
  succeeded: "Paiement reçu, merci !",
  receipt: (amount: string, count: number) => `${amount} payés pour ${count} facture${count > 1 ? "s" : ""}.`,
  failed: "Le paiement n'a pas abouti.",
  failedNext: "Aucun montant n'a été débité. Vérifiez vos informations ou choisissez un autre moyen de paiement.",
  tryAgain: "Réessayer",
  done: "Terminé",
  invoice: "Facture",
  issued: "Émise le",
  dueDate: "Échéance",
  description: "Désignation",
  quantity: "Qté",
  unitPrice: "Prix unitaire HT",
  vat: "TVA",
  totalExcl: "Total HT",
  totalIncl: "Total TTC",
  amountPaid: "Déjà payé",
  amountDue: "Reste à payer",
  lateFees: "Pénalités de retard à ce jour",
  terms: "Conditions de paiement",
  history: "Paiements",
  nowPaid: (number: string) => `La facture ${number} est payée.`,
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
  close: "Close",
  print: "Print",
  pay: (count: number, amount: string) => (count === 1 ? `Pay 1 invoice — ${amount}` : `Pay ${count} invoices — ${amount}`),
  chooseInvoices: "Select the invoices to pay",
  partlyPaid: (amount: string) => `${amount} already paid`,
  selected: (count: number, amount: string) => `${count} selected: ${amount}`,
  chooseMethod: "Payment method",
  methods: { card: "Card", stripe_checkout: "Secure checkout (Stripe)", paypal: "PayPal", sandbox: "Test card (sandbox)" },
  noMethod: "No online payment method is available. Please contact the seller.",
  continue: "Continue",
  back: "Back",
  cardNumber: "Card number",
  payNow: (amount: string) => `Pay ${amount}`,
  paying: "Processing your payment…",
  redirecting: "Taking you to the payment page…",
  succeeded: "Payment received, thank you!",
  receipt: (amount: string, count: number) => `${amount} paid for ${count} invoice${count > 1 ? "s" : ""}.`,
  failed: "The payment did not go through.",
  failedNext: "You were not charged. Check your details or pick another payment method.",
  tryAgain: "Try again",
  done: "Done",
  invoice: "Invoice",
  issued: "Issued",
  dueDate: "Due date",
  description: "Description",
  quantity: "Qty",
  unitPrice: "Unit price excl. tax",
  vat: "VAT",
  totalExcl: "Total excl. tax",
  totalIncl: "Total incl. tax",
  amountPaid: "Already paid",
  amountDue: "Amount due",
  lateFees: "Late fees to date",
  terms: "Payment terms",
  history: "Payments",
  nowPaid: (number: string) => `Invoice ${number} is paid.`,
  invoicesList: "Your invoices",
};

export type Strings = typeof fr;
const STRINGS: Record<Locale, Strings> = { fr, en };

/** The language to use: the element's `lang`, else the page's, else the browser's; French or English. */
export function pickLocale(...candidates: (string | null | undefined)[]): Locale {
  for (const candidate of candidates) {
    const base = candidate?.trim().toLowerCase().slice(0, 2);
    if (base === "fr" || base === "en") return base;
  }
  return "en";
}

export function strings(locale: Locale): Strings {
  return STRINGS[locale];
}
