import { z } from "zod";
import { idOf, Timestamp } from "./common";
import { ElectronicAddressInput, ElectronicAddressSchema } from "./einvoice";

export const Address = z.strictObject({
  line1: z.string().trim().min(1).max(200),
  line2: z.string().trim().max(200).optional(),
  postal_code: z.string().trim().min(1).max(20),
  city: z.string().trim().min(1).max(100),
  country: z
    .string()
    .regex(/^[A-Z]{2}$/, "must be an ISO 3166-1 alpha-2 country code, e.g. FR")
    .meta({ example: "FR" }),
});

export const Locale = z
  .string()
  .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, "must be a BCP 47 language tag, e.g. fr or en-GB")
  .max(35)
  .meta({ example: "fr" });

/** The e-invoicing consistency of a customer's identifiers (at creation, and after an update's merge). */
export function customerIdentifierIssues(value: { siren?: string | null | undefined; siret?: string | null | undefined; electronic_address?: { scheme: string; id: string } | null | undefined }): { path: string[]; message: string }[] {
  const issues: { path: string[]; message: string }[] = [];
  if (value.siret && value.siren && !value.siret.startsWith(value.siren)) issues.push({ path: ["siret"], message: "must start with the SIREN (BR-FR-09)" });
  if (value.siret && !value.siren) issues.push({ path: ["siren"], message: "is required with a SIRET" });
  const address = value.electronic_address;
  if (address?.scheme === "0225" && value.siren && !address.id.startsWith(value.siren)) {
    issues.push({ path: ["electronic_address", "id"], message: "must start with the customer's SIREN for scheme 0225 (BR-FR-21)" });
  }
  return issues;
}

const Siren = z.string().regex(/^\d{9}$/, "must be 9 digits").meta({ description: "French company number (B2B)." });
const VatNumber = z.string().regex(/^[A-Z]{2}[0-9A-Z]{2,13}$/, "must be an EU VAT number, e.g. FR12345678901");
const Siret = z.string().regex(/^\d{14}$/, "must be 14 digits").meta({ description: "The establishment billed (BT-46); starts with the SIREN." });
const CustomerElectronicAddress = ElectronicAddressInput.meta({
  description: "Where e-invoices reach the customer (BT-49). Default: scheme 0225 with the SIREN for a French business, else the email (scheme EM).",
});

export const CustomerCreate = z
  .strictObject({
    name: z.string().trim().min(1).max(200),
    email: z.email().max(254),
    locale: Locale.optional(),
    external_id: z.string().trim().min(1).max(100).optional().meta({ description: "Your own reference, unique per merchant." }),
    address: Address.optional(),
    siren: Siren.optional(),
    vat_number: VatNumber.optional(),
    siret: Siret.optional(),
    electronic_address: CustomerElectronicAddress.optional(),
  })
  .superRefine((value, ctx) => {
    for (const issue of customerIdentifierIssues(value)) ctx.addIssue({ code: "custom", ...issue });
  })
  .meta({ id: "CustomerCreate" });

/**
 * POST /v1/customers/:id: the fields given replace the stored ones (null clears an optional one) —
 * typically to complete what e-invoices need (address, SIREN, SIRET, electronic address). Issued
 * invoices' e-invoices read the customer as it is now.
 */
export const CustomerUpdate = z
  .strictObject({
    name: z.string().trim().min(1).max(200),
    email: z.email().max(254),
    locale: Locale.nullable(),
    address: Address.nullable(),
    siren: Siren.nullable(),
    vat_number: VatNumber.nullable(),
    siret: Siret.nullable(),
    electronic_address: CustomerElectronicAddress.nullable(),
  })
  .partial()
  .meta({ id: "CustomerUpdate" });

export const CustomerSchema = z
  .object({
    id: idOf("cus", "Customer id"),
    object: z.literal("customer"),
    name: z.string(),
    email: z.string(),
    locale: z.string().nullable(),
    external_id: z.string().nullable(),
    address: Address.nullable(),
    siren: z.string().nullable(),
    vat_number: z.string().nullable(),
    siret: z.string().nullable(),
    electronic_address: ElectronicAddressSchema.nullable(),
    credit_balances: z
      .array(z.object({ currency: z.string(), amount: z.int() }))
      .optional()
      .meta({ description: "Money received but applied to no invoice, per currency (on GET /v1/customers/:id). Apply it with POST /v1/payments/:id/allocate, or refund it." }),
    created: Timestamp,
  })
  .meta({ id: "Customer" });

export type CustomerCreateInput = z.infer<typeof CustomerCreate>;
export type CustomerUpdateInput = z.infer<typeof CustomerUpdate>;
export type Customer = z.infer<typeof CustomerSchema>;
