import { z } from "zod";
import { electronicFormatIBAN, isValidBIC, isValidIBAN } from "ibantools";
import { OnlineMethod, Timestamp } from "./common";
import { Address } from "./customers";
import { Terms } from "./invoices";
import { DEFAULT_REMINDER_POLICY, ReminderPolicy } from "./reminders";
import { DEFAULT_LATE_FEE_POLICY, LateFeePolicySchema } from "./late-fees";
import { AccountingSettingsSchema, AccountingSettingsUpdate, DEFAULT_ACCOUNTING } from "./accounting";
import {
  DEFAULT_EINVOICING,
  EinvoicingSettingsSchema,
  EinvoicingSettingsUpdate,
  ElectronicAddressInput,
  ElectronicAddressSchema,
  longestRendering,
  MAX_DOCUMENT_NUMBER_LENGTH,
  SEQ_DIGITS_BUDGET,
} from "./einvoice";

/**
 * A numbering format: literal characters plus `{YYYY}`, `{YY}`, `{MM}` and exactly one `{SEQ}` or
 * `{SEQ:n}` (zero-padded to n digits). The sequence restarts for every distinct rendering of the
 * other tokens, so `F{YYYY}-{SEQ:6}` numbers F2026-000001, F2026-000002… then F2027-000001.
 */
export const NumberingFormat = z
  .string()
  .max(40)
  .regex(/^(?:[A-Za-z0-9\-_/. ]|\{YYYY\}|\{YY\}|\{MM\}|\{SEQ(?::(?:[1-9]|1[0-2]))?\})+$/, "may only hold letters, digits, - _ / . and the tokens {YYYY} {YY} {MM} {SEQ} {SEQ:n}")
  .refine((value) => (value.match(/\{SEQ(?::\d+)?\}/g) ?? []).length === 1, "must contain {SEQ} or {SEQ:n} exactly once")
  .meta({ example: "F{YYYY}-{SEQ:6}" });

/**
 * A numbering format as PUT /v1/settings takes it: every number it renders must be one the French
 * e-invoicing rules accept (BR-FR-01/02: at most 35 characters from A-Z a-z 0-9 + - _ /), so no `.`
 * or space, and a longest rendering of at most 35 characters counting `{SEQ:n}` as max(n, 9) digits
 * (a series of up to 999 999 999 documents). Stored formats from before stay readable (NumberingFormat).
 */
export const NumberingFormatUpdate = z
  .string()
  .max(40)
  .regex(/^(?:[A-Za-z0-9+\-_/]|\{YYYY\}|\{YY\}|\{MM\}|\{SEQ(?::(?:[1-9]|1[0-2]))?\})+$/, "may only hold letters, digits, + - _ / and the tokens {YYYY} {YY} {MM} {SEQ} {SEQ:n} (invoice numbers of e-invoices: A-Z a-z 0-9 + - _ /)")
  .refine((value) => (value.match(/\{SEQ(?::\d+)?\}/g) ?? []).length === 1, "must contain {SEQ} or {SEQ:n} exactly once")
  .refine(
    (value) => longestRendering(value) <= MAX_DOCUMENT_NUMBER_LENGTH,
    `renders numbers longer than ${MAX_DOCUMENT_NUMBER_LENGTH} characters (the e-invoice limit), counting {SEQ} as at least ${SEQ_DIGITS_BUDGET} digits`,
  )
  .meta({ example: "F{YYYY}-{SEQ:6}" });

const Origin = z
  .string()
  .max(200)
  .regex(/^https?:\/\/[a-z0-9.-]+(:\d{1,5})?$/, "must be an origin such as https://shop.example.com (scheme, host, optional port)");

/** The account clients pay bank transfers into, printed on invoices (BT-84/BT-86) and in the EPC QR code. */
export const BankAccountSchema = z
  .object({
    iban: z.string().meta({ description: "Electronic format, no spaces.", example: "FR7630006000011234567890189" }),
    bic: z.string().optional().meta({ example: "AGRIFRPP" }),
    account_name: z.string().optional().meta({ description: "The account holder as the bank knows it (default: seller.legal_name)." }),
  })
  .meta({ id: "BankAccount" });

/** The same as given to PUT /v1/settings: spaces and case forgiven, the IBAN's check digits and the BIC's form checked (ibantools). */
export const BankAccountUpdate = z.strictObject({
  iban: z
    .string()
    .max(50)
    .transform((value) => electronicFormatIBAN(value) ?? "")
    .refine((value) => isValidIBAN(value), "must be a valid IBAN (country, check digits and length), e.g. FR76 3000 6000 0112 3456 7890 189")
    .meta({ example: "FR76 3000 6000 0112 3456 7890 189" }),
  bic: z
    .string()
    .max(20)
    .transform((value) => value.replace(/\s+/g, "").toUpperCase())
    .refine((value) => isValidBIC(value), "must be a BIC of 8 or 11 characters, e.g. AGRIFRPP")
    .optional(),
  account_name: z.string().trim().min(1).max(70).optional(),
});

export const SettingsSchema = z
  .object({
    payment_methods: z.array(OnlineMethod).max(4).meta({ description: "Methods clients may pay with in the widget." }),
    default_terms: Terms.extend({ net_days: z.int().min(0).max(365) }),
    numbering: z.object({
      format: NumberingFormat,
      credit_note_format: NumberingFormat.optional().meta({ description: "Credit notes' own series (default AV{YYYY}-{SEQ:6}).", example: "AV{YYYY}-{SEQ:6}" }),
    }),
    allowed_origins: z.array(Origin).max(20).meta({ description: "Origins whose pages may call client endpoints (CORS)." }),
    seller: z.object({
      legal_name: z.string().trim().max(200).optional(),
      legal_form: z.string().trim().max(100).optional(),
      share_capital: z.string().trim().max(100).optional(),
      address: Address.optional(),
      siren: z.string().regex(/^\d{9}$/).optional(),
      siret: z.string().regex(/^\d{14}$/).optional(),
      rcs: z.string().trim().max(100).optional(),
      vat_number: z.string().regex(/^[A-Z]{2}[0-9A-Z]{2,13}$/).optional(),
      electronic_address: ElectronicAddressSchema.optional().meta({ description: "BT-34, where platforms deliver to you (default: scheme 0225 with your SIREN)." }),
    }),
    email_signature: z.string().max(2000),
    reminders: ReminderPolicy,
    late_fees: LateFeePolicySchema.meta({ description: "The default late-fee policy of new invoices (French B2B statutory by default)." }),
    branding: z.object({ accent_color: z.string().regex(/^#[0-9a-fA-F]{6}$/).optional(), logo_url: z.url().max(500).optional() }),
    accounting: AccountingSettingsSchema.meta({ description: "Account numbers, journals and book exchange rates of the FEC export (French defaults)." }),
    bank_account: BankAccountSchema.nullable().meta({ description: "Where bank transfers go; null until set. With it, euro invoices show an RF reference and an EPC QR code." }),
    einvoicing: EinvoicingSettingsSchema.meta({ description: "What Factur-X e-invoices say by default: category of operation, VAT on debits, what 0 % lines are." }),
  })
  .meta({ id: "Settings" });

/** PUT /v1/settings: any subset of the top-level fields; each given field replaces the stored one. */
export const SettingsUpdate = z
  .strictObject({
    payment_methods: SettingsSchema.shape.payment_methods,
    default_terms: z.strictObject(SettingsSchema.shape.default_terms.shape),
    numbering: z.strictObject({
      format: NumberingFormatUpdate,
      credit_note_format: NumberingFormatUpdate.optional().meta({ description: "Credit notes' own series (default AV{YYYY}-{SEQ:6}).", example: "AV{YYYY}-{SEQ:6}" }),
    }),
    allowed_origins: SettingsSchema.shape.allowed_origins,
    seller: z
      .strictObject({ ...SettingsSchema.shape.seller.shape, electronic_address: ElectronicAddressInput.optional() })
      .refine((seller) => !(seller.siret && seller.siren && !seller.siret.startsWith(seller.siren)), { message: "must start with the SIREN (BR-FR-09)", path: ["siret"] }),
    email_signature: SettingsSchema.shape.email_signature,
    branding: z.strictObject({
      ...SettingsSchema.shape.branding.shape,
      // Shown as an image on payment pages: a web address only (no javascript:, data:, file:…).
      logo_url: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).max(500).optional().meta({ description: "http(s) URL of the logo." }),
    }),
    reminders: ReminderPolicy,
    late_fees: LateFeePolicySchema,
    accounting: AccountingSettingsUpdate,
    bank_account: BankAccountUpdate.nullable().meta({ description: "null removes it." }),
    einvoicing: EinvoicingSettingsUpdate,
  })
  .partial()
  .meta({ id: "SettingsUpdate" });

export const SettingsResponse = SettingsSchema.extend({ object: z.literal("settings"), updated_at: Timestamp.nullable() });

export type Settings = z.infer<typeof SettingsSchema>;
export type SettingsUpdateInput = z.infer<typeof SettingsUpdate>;
/** What `mergeSettings` takes: an update whose `accounting` block is already completed with the defaults. */
export type SettingsMergeInput = Omit<SettingsUpdateInput, "accounting"> & { accounting?: Settings["accounting"] };

/** Credit notes' numbering when the settings name none. */
export const DEFAULT_CREDIT_NOTE_FORMAT = "AV{YYYY}-{SEQ:6}";

/** What a new merchant starts with. */
export const DEFAULT_SETTINGS: Settings = {
  payment_methods: ["card", "stripe_checkout", "paypal"],
  default_terms: {
    net_days: 30,
    customer_type: "business",
    late_fee_policy:
      "En cas de retard de paiement, pénalités au taux de la BCE majoré de 10 points, exigibles dès le lendemain de l'échéance, et indemnité forfaitaire pour frais de recouvrement de 40 € (C. com. L441-10).",
    early_payment_discount: "Pas d'escompte pour paiement anticipé.",
  },
  numbering: { format: "F{YYYY}-{SEQ:6}", credit_note_format: DEFAULT_CREDIT_NOTE_FORMAT },
  allowed_origins: [],
  seller: {},
  email_signature: "",
  branding: {},
  reminders: DEFAULT_REMINDER_POLICY,
  late_fees: { ...DEFAULT_LATE_FEE_POLICY, recovery_indemnity_currency: "eur", applies_to_consumers: false },
  accounting: DEFAULT_ACCOUNTING,
  bank_account: null,
  einvoicing: { ...DEFAULT_EINVOICING },
};
