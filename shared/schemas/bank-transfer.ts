import { z } from "zod";
import { Amount, CurrencyOut } from "./common";

/**
 * How a client pays one invoice by SEPA credit transfer (the client API's `bank_transfer`): the
 * merchant's account, the exact reference the transfer must carry and the amount. Built by
 * worker/facturx/payment.ts (transferInstructions), the one home of these rules.
 */
export const ClientBankTransferSchema = z
  .object({
    iban: z.string().meta({ description: "The beneficiary's IBAN, electronic format (no spaces).", example: "FR7630006000011234567890189" }),
    bic: z.string().nullable().meta({ example: "AGRIFRPP" }),
    account_name: z.string().meta({ description: "The beneficiary (account holder).", example: "Atelier Martin SARL" }),
    reference: z.string().meta({
      description: "What the transfer must carry, exactly: the invoice's ISO 11649 RF reference (as the structured creditor reference), or its number when it has none.",
      example: "RF42F2026000042",
    }),
    rf_reference: z.string().nullable().meta({ description: "The RF reference, or null when the invoice number is too long for one (`reference` is then the number)." }),
    amount: Amount.meta({ description: "The amount still due, in minor units." }),
    currency: CurrencyOut,
    qr_url: z.string().nullable().meta({
      description: "Euro invoices: the EPC QR code (EPC069-12) a banking app scans, as image/svg+xml behind the same client session (`GET /v1/client/invoices/:id/transfer_qr.svg`). Null in other currencies.",
    }),
  })
  .meta({ id: "ClientBankTransfer" });

export type ClientBankTransfer = z.infer<typeof ClientBankTransferSchema>;
