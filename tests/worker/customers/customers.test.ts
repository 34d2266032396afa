/** Customers through their own functions against the migrated D1: create with its event, find, list, credit. */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { creditBalances, findCustomer, findCustomerByExternalId, listCustomers } from "../../../worker/customers/queries";
import { createCustomer } from "../../../worker/customers/write";
import { ApiError } from "../../../worker/errors";
import { listEvents } from "../../../worker/events/queries";
import { createMerchant } from "../helpers";

const input = (overrides: Record<string, unknown> = {}) => ({ name: "Boulangerie Martin", email: "compta@martin.example", ...overrides }) as Parameters<typeof createCustomer>[2];

describe("customers", () => {
  it("should store the customer with its customer.created event and answer the log it moved when a customer is created", async () => {
    const merchant = await createMerchant();
    const created = await createCustomer(env.DB, merchant.id, input({ external_id: "m-1", address: { line1: "1 rue", postal_code: "75001", city: "Paris", country: "FR" } }), new Date());
    expect(created.merchantId).toBe(merchant.id);
    expect(await findCustomer(env.DB, merchant.id, created.customer.id)).toEqual(created.customer);
    expect((await findCustomerByExternalId(env.DB, merchant.id, "m-1"))?.id).toBe(created.customer.id);
    const events = await listEvents(env.DB, merchant.id, { afterSeq: 0, type: "customer.created", limit: 5 });
    expect(events.map((row) => row.customer_id)).toEqual([created.customer.id]);
  });

  it("should refuse a taken external_id with 409 external_id_taken and store nothing when it is reused", async () => {
    const merchant = await createMerchant();
    await createCustomer(env.DB, merchant.id, input({ external_id: "twice" }), new Date());
    const error = await createCustomer(env.DB, merchant.id, input({ external_id: "twice" }), new Date()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe("external_id_taken");
    expect((error as ApiError).param).toBe("external_id");
    expect(await listCustomers(env.DB, merchant.id, { limit: 10 })).toHaveLength(1);
    expect(await listEvents(env.DB, merchant.id, { afterSeq: 0, type: "customer.created", limit: 5 })).toHaveLength(1);
  });

  it("should not find another merchant's customer", async () => {
    const mine = await createMerchant();
    const theirs = await createMerchant();
    const created = await createCustomer(env.DB, theirs.id, input(), new Date());
    expect(await findCustomer(env.DB, mine.id, created.customer.id)).toBeNull();
  });

  it("should page newest first and filter by email when customers are listed", async () => {
    const merchant = await createMerchant();
    const ids: string[] = [];
    for (let index = 0; index < 3; index += 1) ids.push((await createCustomer(env.DB, merchant.id, input({ email: `c${index}@x.example` }), new Date(Date.UTC(2026, 0, 1 + index)))).customer.id);
    const first = await listCustomers(env.DB, merchant.id, { limit: 2 });
    expect(first.map((row) => row.id)).toEqual([ids[2], ids[1], ids[0]]); // limit + 1 rows
    expect((await listCustomers(env.DB, merchant.id, { limit: 2, starting_after: ids[1] })).map((row) => row.id)).toEqual([ids[0]]);
    expect((await listCustomers(env.DB, merchant.id, { limit: 10, email: "c1@x.example" })).map((row) => row.id)).toEqual([ids[1]]);
  });

  it("should find customers whose name or email contains q, case-insensitively, taking % and _ literally", async () => {
    const merchant = await createMerchant();
    const martin = (await createCustomer(env.DB, merchant.id, input({ name: "Boulangerie Martin", email: "compta@martin.example" }), new Date())).customer.id;
    const dupont = (await createCustomer(env.DB, merchant.id, input({ name: "Garage Dupont", email: "facturation@garage.example" }), new Date())).customer.id;
    await createCustomer(env.DB, merchant.id, input({ name: "Cent_pour_cent", email: "x@y.example" }), new Date());
    expect((await listCustomers(env.DB, merchant.id, { limit: 10, q: "MARTIN" })).map((row) => row.id)).toEqual([martin]);
    expect((await listCustomers(env.DB, merchant.id, { limit: 10, q: "garage.example" })).map((row) => row.id)).toEqual([dupont]);
    expect(await listCustomers(env.DB, merchant.id, { limit: 10, q: "%" })).toEqual([]);
    expect((await listCustomers(env.DB, merchant.id, { limit: 10, q: "t_p" })).map((row) => row.name)).toEqual(["Cent_pour_cent"]);
    const other = await createMerchant();
    expect(await listCustomers(env.DB, other.id, { limit: 10, q: "Martin" })).toEqual([]);
  });

  it("should answer no credit when a customer has no payment", async () => {
    const merchant = await createMerchant();
    const created = await createCustomer(env.DB, merchant.id, input(), new Date());
    expect(await creditBalances(env.DB, created.customer.id)).toEqual([]);
  });
});
