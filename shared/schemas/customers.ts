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

export const CustomerCreate = z
  .strictObject({
    name: z.string().trim().min(1).max(200),
    email: z.email().max(254),
    locale: Locale.optional(),
    external_id: z.string().trim().min(1).max(100).optional().meta({ description: "Your own reference, unique per merchant." }),
    address: Address.optional(),
    siren: z.string().regex(/^\d{9}$/, "must be 9 digits").optional().meta({ description: "French company number (B2B)." }),
    vat_number: z.string().regex(/^[A-Z]{2}[0-9A-Z]{2,13}$/, "must be an EU VAT number, e.g. FR12345678901").optional(),
    siret: z.string().regex(/^\d{14}$/, "must be 14 digits").optional().meta({ description: "The establishment billed (BT-46); starts with the SIREN." }),
    electronic_address: ElectronicAddressInput.optional().meta({
      description: "Where e-invoices reach the customer (BT-49). Default: scheme 0225 with the SIREN for a French business, else the email (scheme EM).",
    }),
  })
  .superRefine((value, ctx) => {
    if (value.siret && value.siren && !value.siret.startsWith(value.siren)) {
      ctx.addIssue({ code: "custom", path: ["siret"], message: "must start with the SIREN (BR-FR-09)" });
    }
    if (value.siret && !value.siren) ctx.addIssue({ code: "custom", path: ["siren"], message: "is required with a SIRET" });
    const address = value.electronic_address;
    if (address?.scheme === "0225" && value.siren && !address.id.startsWith(value.siren)) {
      ctx.addIssue({ code: "custom", path: ["electronic_address", "id"], message: "must start with the customer's SIREN for scheme 0225 (BR-FR-21)" });
    }
  })
  .meta({ id: "CustomerCreate" });

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
export type Customer = z.infer<typeof CustomerSchema>;
