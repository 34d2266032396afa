/** Creating a customer, with its `customer.created` event in the same batch. */
import type { CustomerCreate } from "../../shared/schemas/customers";
import type { z } from "zod";
import { appendEvent, type LogMoved } from "../events/log";
import { ApiError } from "../errors";
import { newId } from "../lib/crypto";
import { insertCustomer, type CustomerRow } from "./queries";

/** Creates a customer; a taken `external_id` is a 409 naming it. */
export async function createCustomer(db: D1Database, merchantId: string, input: z.infer<typeof CustomerCreate>, now: Date): Promise<LogMoved & { customer: CustomerRow }> {
  const customer: CustomerRow = {
    id: newId("cus"),
    merchant_id: merchantId,
    name: input.name,
    email: input.email,
    locale: input.locale ?? null,
    external_id: input.external_id ?? null,
    address: input.address ? JSON.stringify(input.address) : null,
    siren: input.siren ?? null,
    vat_number: input.vat_number ?? null,
    siret: input.siret ?? null,
    electronic_address: input.electronic_address ? JSON.stringify(input.electronic_address) : null,
    created_at: now.toISOString(),
  };
  try {
    await db.batch([
      insertCustomer(db, customer),
      appendEvent(db, { merchantId, type: "customer.created", customerId: customer.id, data: { name: input.name, email: input.email }, now }),
    ]);
  } catch (error) {
    if (String(error).includes("UNIQUE constraint failed: customers.merchant_id, customers.external_id")) {
      throw new ApiError("external_id_taken", `A customer with external_id '${input.external_id}' already exists.`, "external_id");
    }
    throw error;
  }
  return { merchantId, customer };
}
