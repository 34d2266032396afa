/**
 * The words of the pay flow and the invoice detail, in French and English: they travel in the flow's
 * chunk (flow.ts) with the views that use them; the list's words stay in i18n.ts, in widget.js.
 */
import type { Locale, Strings } from "./i18n";
import type { Ui } from "./view";

const fr = {
  close: "Fermer",
  print: "Imprimer",
  chooseMethod: "Moyen de paiement",
  methods: { card: "Carte bancaire", stripe_checkout: "Paiement sécurisé Stripe", paypal: "PayPal", sandbox: "Carte de test (sandbox)", bank_transfer: "Virement bancaire" } as Record<string, string>,
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
  beneficiary: "Bénéficiaire",
  reference: "Référence",
  copy: "Copier",
  copied: "copié",
  copyFailed: "Copie refusée : texte sélectionné, faites Ctrl+C.",
  transferNote: "Un virement par facture, avec sa référence exacte (ou son QR code dans votre appli bancaire). La facture sera payée à réception.",
};

const en: typeof fr = {
  close: "Close",
  print: "Print",
  chooseMethod: "Payment method",
  methods: { card: "Card", stripe_checkout: "Secure checkout (Stripe)", paypal: "PayPal", sandbox: "Test card (sandbox)", bank_transfer: "Bank transfer" },
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
  beneficiary: "Beneficiary",
  reference: "Reference",
  copy: "Copy",
  copied: "copied",
  copyFailed: "Copy refused: text selected, press Ctrl+C.",
  transferNote: "One transfer per invoice, with its exact reference (or its QR code in your banking app). The invoice shows as paid once the transfer is received.",
};

/** Every word a flow or detail view may use: the list's (i18n.ts) and the flow's own. */
export type FlowStrings = Strings & typeof fr;

const merged: Partial<Record<Locale, FlowStrings>> = {};

/** The words for the element's language, the list's and the flow's together (merged once per language). */
export function flowStrings(ui: Pick<Ui, "locale" | "t">): FlowStrings {
  return (merged[ui.locale] ??= { ...ui.t, ...(ui.locale === "fr" ? fr : en) });
}
