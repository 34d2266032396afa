/**
 * The data of the French e-invoicing reform (EN 16931 + the BR-FR rules) that settings, customers
 * and invoices carry: electronic addresses (BT-34/BT-49), the category of operation, the option for
 * VAT on debits, what a 0 % line is (exempt, zero-rated, reverse charge, export) and why, and the
 * VAT rates the French rules accept. Output shapes are lenient (stored data must always parse);
 * the input shapes check everything.
 */
import { z } from "zod";

/** The VAT rates (basis points) BR-FR-16 accepts: France, Corsica and the overseas departments. */
export const FR_VAT_RATES_BP = [0, 90, 105, 175, 210, 550, 700, 850, 920, 960, 1000, 1300, 1960, 2000, 2060] as const;
const RATES_TEXT = FR_VAT_RATES_BP.map((bp) => String(bp)).join(", ");
export const isFrenchVatRate = (bp: number): boolean => (FR_VAT_RATES_BP as readonly number[]).includes(bp);
export const FR_VAT_RATE_MESSAGE = `must be a VAT rate the French e-invoicing rules accept, in basis points: ${RATES_TEXT} (2000 = 20 %)`;

/** Electronic address schemes (EAS) Quittance takes: 0225 French SIREN-based addressing, 0009 SIRET, 0002 SIREN, 0088 GLN, EM email. */
export const EAS_SCHEMES = ["0225", "0009", "0002", "0088", "EM"] as const;

/** An electronic address as stored and answered. */
export const ElectronicAddressSchema = z
  .object({ scheme: z.string(), id: z.string() })
  .meta({ id: "ElectronicAddress", description: "Where e-invoices reach the party (BT-34 / BT-49): an EAS scheme and an identifier." });

/** An electronic address as given: a known scheme, and an identifier the French rules accept for it. */
export const ElectronicAddressInput = z
  .strictObject({
    scheme: z.enum(EAS_SCHEMES).meta({ description: "0225: SIREN-based address of the French directory (default); EM: an email address.", example: "0225" }),
    id: z.string().trim().min(1).max(125).meta({ example: "123456789" }),
  })
  .superRefine((value, ctx) => {
    const bad = (message: string) => ctx.addIssue({ code: "custom", path: ["id"], message });
    if (value.scheme === "EM") {
      if (!z.email().safeParse(value.id).success) bad("must be an email address for scheme EM");
    } else if (!/^[A-Za-z0-9+\-_.]+$/.test(value.id)) {
      bad("may only hold letters, digits and + - _ . (BR-FR-23)");
    } else if ((value.scheme === "0002" && !/^\d{9}$/.test(value.id)) || (value.scheme === "0009" && !/^\d{14}$/.test(value.id))) {
      bad(value.scheme === "0002" ? "must be a SIREN (9 digits) for scheme 0002" : "must be a SIRET (14 digits) for scheme 0009");
    }
  });

export const OperationCategory = z.enum(["goods", "services", "mixed"]).meta({
  description: "The category of operation (the reform's mention): goods (livraison de biens), services (prestation de services) or mixed; it sets the billing frame B1/S1/M1.",
});

/** What a 0 % line is: E exempt (default: the franchise, art. 293 B), Z zero-rated, AE reverse charge, G export outside the EU. */
export const ZeroRateCategory = z.enum(["E", "Z", "AE", "G"]);

/** The default exemption wording of each 0 % category (BT-120) and its VATEX code (BT-121). Z takes none. */
export const ZERO_RATE_DEFAULTS: Record<z.infer<typeof ZeroRateCategory>, { reason: string | null; code: string | null }> = {
  E: { reason: "TVA non applicable, art. 293 B du CGI", code: null },
  Z: { reason: null, code: null },
  AE: { reason: "Autoliquidation", code: "VATEX-EU-AE" },
  G: { reason: "Exonération de TVA, art. 262 I du CGI (exportation)", code: "VATEX-EU-G" },
};

const ExemptionReason = z.string().trim().min(1).max(300);

/**
 * settings.einvoicing as stored and answered. Lenient: every field optional (defaults filled on
 * read); a stored block it cannot read falls back to the defaults alone (getSettings reads each
 * top-level field on its own).
 */
export const EinvoicingSettingsSchema = z
  .object({
    operation_category: OperationCategory.optional(),
    vat_on_debits: z.boolean().optional().meta({ description: "Option pour le paiement de la TVA d'après les débits (services): VAT due at issue rather than on payment." }),
    zero_rate_category: ZeroRateCategory.optional().meta({ description: "What 0 % lines are (E exempt by default, Z, AE reverse charge, G export)." }),
    exemption_reason: z.string().optional().meta({ description: "The wording printed for 0 % lines (default per category, e.g. \"TVA non applicable, art. 293 B du CGI\")." }),
  })
  .meta({ id: "EinvoicingSettings" });

function exemptionFitsCategory(value: { zero_rate_category?: string | undefined; exemption_reason?: string | undefined }, ctx: z.RefinementCtx): void {
  if (value.zero_rate_category === "Z" && value.exemption_reason !== undefined) {
    ctx.addIssue({ code: "custom", path: ["exemption_reason"], message: "zero-rated lines (Z) take no exemption reason (BR-Z-10)" });
  }
}

/** settings.einvoicing as given to PUT /v1/settings. */
export const EinvoicingSettingsUpdate = z
  .strictObject({
    operation_category: OperationCategory.optional(),
    vat_on_debits: z.boolean().optional(),
    zero_rate_category: ZeroRateCategory.optional(),
    exemption_reason: ExemptionReason.optional(),
  })
  .superRefine(exemptionFitsCategory);

/** An invoice's own e-invoicing choices (each replaces the settings' for this invoice). */
export const InvoiceEinvoiceInput = EinvoicingSettingsUpdate.meta({
  id: "InvoiceEinvoice",
  description: "Overrides settings.einvoicing for this invoice (category of operation, VAT on debits, what its 0 % lines are).",
});

export const InvoiceEinvoiceSchema = EinvoicingSettingsSchema;

export type ElectronicAddress = z.infer<typeof ElectronicAddressSchema>;
export type EinvoicingSettings = z.infer<typeof EinvoicingSettingsSchema>;

export const DEFAULT_EINVOICING = { operation_category: "services", vat_on_debits: false, zero_rate_category: "E" } as const satisfies EinvoicingSettings;

/**
 * The longest number a numbering format renders, counting `{SEQ}`/`{SEQ:n}` as max(n, 9) digits: a
 * series issuing fewer than a billion documents stays within it.
 */
export const SEQ_DIGITS_BUDGET = 9;
export const MAX_DOCUMENT_NUMBER_LENGTH = 35;

export function longestRendering(format: string): number {
  return format.replace(/\{YYYY\}/g, "0000").replace(/\{YY\}|\{MM\}/g, "00").replace(/\{SEQ(?::(\d+))?\}/g, (_token, width?: string) => "0".repeat(Math.max(Number(width ?? 0), SEQ_DIGITS_BUDGET))).length;
}

/** A document number BR-FR-01/02 accept: at most 35 characters from A-Z a-z 0-9 + - _ /. */
export const isValidDocumentNumber = (number: string): boolean => number.length <= MAX_DOCUMENT_NUMBER_LENGTH && /^[A-Za-z0-9+\-_/]+$/.test(number);
