/**
 * The `accounting` settings block: how the ledger's roles and journals become the account numbers
 * and journal codes of the FEC, with the French defaults (PCG), and the book exchange rates that
 * turn foreign-currency lines into euros.
 */
import { z } from "zod";

const AccountNumber = z
  .string()
  .regex(/^[1-9][0-9A-Z]{2,19}$/, "must be an account number: 3 to 20 digits or capital letters, starting with a digit 1-9")
  .meta({ example: "411" });
const Label = z.string().trim().min(1).max(100);
const JournalCode = z.string().regex(/^[A-Z0-9]{1,8}$/, "must be 1 to 8 capital letters or digits").meta({ example: "VE" });
const TaxRateKey = z.string().regex(/^(?:0|[1-9]\d{0,4})$/, "must be a tax rate in basis points (e.g. 2000)");
/** EUR for one unit (major) of the currency, as a decimal string: `"0.0062"` for one yen. */
const ExchangeRate = z
  .string()
  .regex(/^(?:0|[1-9]\d{0,5})(?:\.\d{1,10})?$/, "must be a positive decimal string such as \"0.0062\" (EUR per unit of the currency)")
  .refine((value) => /[1-9]/.test(value), "must be greater than zero");

function bounded<T extends z.ZodType>(record: T, max: number) {
  return record.refine((value) => Object.keys(value as object).length <= max, `may hold at most ${max} entries`);
}

export const ACCOUNT_ROLES = ["receivable", "revenue", "vat", "bank", "fees", "late_fees"] as const;
export type AccountRole = (typeof ACCOUNT_ROLES)[number];

const Accounts = z.object(Object.fromEntries(ACCOUNT_ROLES.map((role) => [role, AccountNumber])) as Record<AccountRole, typeof AccountNumber>);
const RoleLabels = z.object(Object.fromEntries(ACCOUNT_ROLES.map((role) => [role, Label])) as Record<AccountRole, typeof Label>);
const Journal = z.object({ code: JournalCode, label: Label });

export const AccountingSettingsSchema = z
  .object({
    accounts: Accounts.meta({ description: "The account of each ledger role (French PCG defaults: 411, 706, 44571, 512, 627, 7631)." }),
    account_labels: RoleLabels.meta({ description: "CompteLib of each role's account." }),
    revenue_accounts_by_tax_rate: bounded(z.record(TaxRateKey, AccountNumber), 20).meta({ description: "A revenue account per VAT rate (basis points), instead of `accounts.revenue`." }),
    vat_accounts_by_tax_rate: bounded(z.record(TaxRateKey, AccountNumber), 20).meta({ description: "A VAT account per rate, instead of `accounts.vat`." }),
    bank_accounts_by_method: bounded(z.record(z.string().regex(/^[a-z_]{1,32}$/), AccountNumber), 20).meta({ description: "A bank account per payment method (`card`, `paypal`, `bank_transfer`…), instead of `accounts.bank`." }),
    journals: z.object({ sales: Journal, bank: Journal }),
    exchange_rates: bounded(z.record(z.string().regex(/^[a-z]{3}$/, "must be a lower-case ISO 4217 code"), ExchangeRate), 50).meta({
      description: "Book rates, EUR per one unit of each foreign currency (`{\"jpy\": \"0.0062\"}`). A ledger line keeps the rate in force when it was posted; the FEC converts with it.",
    }),
  })
  .meta({ id: "AccountingSettings" });

export type AccountingSettings = z.infer<typeof AccountingSettingsSchema>;

/** PUT /v1/settings `accounting`: the block is replaced; fields left out take the French defaults. */
export const AccountingSettingsUpdate = z.strictObject({
  accounts: z.strictObject(Accounts.shape).partial(),
  account_labels: z.strictObject(RoleLabels.shape).partial(),
  revenue_accounts_by_tax_rate: AccountingSettingsSchema.shape.revenue_accounts_by_tax_rate,
  vat_accounts_by_tax_rate: AccountingSettingsSchema.shape.vat_accounts_by_tax_rate,
  bank_accounts_by_method: AccountingSettingsSchema.shape.bank_accounts_by_method,
  journals: z.strictObject({ sales: z.strictObject(Journal.shape), bank: z.strictObject(Journal.shape) }).partial(),
  exchange_rates: AccountingSettingsSchema.shape.exchange_rates,
}).partial();

export type AccountingSettingsUpdateInput = z.infer<typeof AccountingSettingsUpdate>;

export const DEFAULT_ACCOUNTING: AccountingSettings = {
  accounts: { receivable: "411", revenue: "706", vat: "44571", bank: "512", fees: "627", late_fees: "7631" },
  account_labels: {
    receivable: "Clients",
    revenue: "Prestations de services",
    vat: "TVA collectée",
    bank: "Banque",
    fees: "Services bancaires et assimilés",
    late_fees: "Revenus des créances commerciales",
  },
  revenue_accounts_by_tax_rate: {},
  vat_accounts_by_tax_rate: {},
  bank_accounts_by_method: {},
  journals: { sales: { code: "VE", label: "Journal des ventes" }, bank: { code: "BQ", label: "Journal de banque" } },
  exchange_rates: {},
};

/** The stored block after an update: each part given replaces the default's. */
export function completeAccounting(update: AccountingSettingsUpdateInput): AccountingSettings {
  return {
    accounts: { ...DEFAULT_ACCOUNTING.accounts, ...update.accounts },
    account_labels: { ...DEFAULT_ACCOUNTING.account_labels, ...update.account_labels },
    revenue_accounts_by_tax_rate: update.revenue_accounts_by_tax_rate ?? {},
    vat_accounts_by_tax_rate: update.vat_accounts_by_tax_rate ?? {},
    bank_accounts_by_method: update.bank_accounts_by_method ?? {},
    journals: { ...DEFAULT_ACCOUNTING.journals, ...update.journals },
    exchange_rates: update.exchange_rates ?? {},
  };
}
