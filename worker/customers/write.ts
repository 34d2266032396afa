/** Creating and changing a customer, with its `customer.created` / `customer.updated` event in the same batch. */
import { customerIdentifierIssues, type CustomerCreate, type CustomerUpdateInput } from "../../shared/schemas/customers";
import type { z } from "zod";
import { appendEvent, type LogMoved } from "../events/log";
import { ApiError, notFound } from "../errors";
import { newId } from "../lib/crypto";
import { findCustomer, insertCustomer, updateCustomerStatement, type CustomerRow } from "./queries";

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

const json = (value: unknown) => (value === null || value === undefined ? null : JSON.stringify(value));

/**
 * Changes a customer: each field given replaces the stored one (null clears it). The identifiers
 * are checked together after the change (a SIRET starts with the SIREN, a 0225 address too): 422
 * naming the field, nothing changed. 404 for another merchant's customer.
 */
export async function updateCustomer(db: D1Database, merchantId: string, id: string, input: CustomerUpdateInput, now: Date): Promise<LogMoved & { customer: CustomerRow }> {
  const current = await findCustomer(db, merchantId, id);
  if (current === null) throw notFound("customer", id);
  const pick = <K extends keyof CustomerUpdateInput>(key: K, stored: CustomerRow[K & keyof CustomerRow]) => (input[key] === undefined ? stored : input[key]);
  const next: CustomerRow = {
    ...current,
    name: input.name ?? current.name,
    email: input.email ?? current.email,
    locale: pick("locale", current.locale) as string | null,
    address: input.address === undefined ? current.address : json(input.address),
    siren: pick("siren", current.siren) as string | null,
    vat_number: pick("vat_number", current.vat_number) as string | null,
    siret: pick("siret", current.siret) as string | null,
    electronic_address: input.electronic_address === undefined ? current.electronic_address : json(input.electronic_address),
  };
  const issue = customerIdentifierIssues({ siren: next.siren, siret: next.siret, electronic_address: next.electronic_address ? JSON.parse(next.electronic_address) : null })[0];
  if (issue) throw new ApiError("parameter_invalid", `${issue.path.join(".")} ${issue.message}.`, issue.path.join("."));
  const fields = Object.keys(input).filter((key) => input[key as keyof CustomerUpdateInput] !== undefined);
  if (fields.length === 0) return { merchantId, customer: current };
  await db.batch([updateCustomerStatement(db, next), appendEvent(db, { merchantId, type: "customer.updated", customerId: id, data: { fields }, now })]);
  return { merchantId, customer: next };
}
