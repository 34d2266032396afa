/**
 * A client program written against the types openapi-typescript generates from `/openapi.json`
 * (into `./generated/api.ts`, by tests/e2e/openapi-client.test.ts, which type-checks this file
 * and then runs it). The type assertions below fail to compile if the document regresses: an
 * error typed `never`, a required `tax_rate`, a header the document forgets.
 */
import createClient from "openapi-fetch";
import type { components, operations, paths } from "./generated/api";

type Problem = components["schemas"]["Problem"];
/** True only when A and B are the same type (`never` and `any` included). */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<T extends true>(): void {}

type InvoiceCreate = NonNullable<paths["/v1/invoices"]["post"]["requestBody"]>["content"]["application/json"];
type LineCreate = InvoiceCreate["lines"][number];
// lines[].tax_rate is optional (the API applies 0), and still a number when given.
assertType<Equal<LineCreate["tax_rate"], number | undefined>>();
export const lineWithoutTax: LineCreate = { description: "Conseil", quantity: 1, unit_amount: 1000 };
// @ts-expect-error tax_rate is basis points, a number
export const lineWithTextTax: LineCreate = { description: "Conseil", quantity: 1, unit_amount: 1000, tax_rate: "20 %" };
// The headers the API reads are in the types, on the operations that read them.
assertType<Equal<NonNullable<paths["/v1/invoices/{id}/status"]["get"]["parameters"]["header"]>["If-None-Match"], string | undefined>>();
assertType<Equal<NonNullable<paths["/v1/invoices"]["post"]["parameters"]["header"]>["Idempotency-Key"], string | undefined>>();
assertType<Equal<NonNullable<paths["/v1/events/stream"]["get"]["parameters"]["header"]>["Last-Event-ID"], string | undefined>>();
// Every operation has an id.
assertType<Equal<operations["getInvoicesByIdStatus"], paths["/v1/invoices/{id}/status"]["get"]>>();

export interface FlowResult {
  customer: string;
  invoice: { id: string; number: string | null; status: string };
  etag: string;
  notModifiedStatus: number;
  missing: { status: number; code: string; param: string | undefined };
  refused: { status: number; code: string; param: string | undefined };
}

/** Customer → invoice issued at once → status with ETag → 304 → a 404 and a 422 read as problems. */
export async function runFlow(baseUrl: string, secretKey: string): Promise<FlowResult> {
  const client = createClient<paths>({ baseUrl, headers: { authorization: `Bearer ${secretKey}` } });

  const created = await client.POST("/v1/customers", {
    params: { header: { "Idempotency-Key": `typed-client-${crypto.randomUUID()}` } },
    body: { name: "Client typé", email: "typed@example.com" },
  });
  if (created.error) throw new Error(`POST /v1/customers: ${created.error.code}`);
  const customer = created.data.id;

  const issued = await client.POST("/v1/invoices", {
    body: { customer, currency: "eur", lines: [lineWithoutTax, { description: "Déplacement", quantity: 2, unit_amount: 2500, tax_rate: 2000 }], net_days: 30, issue: true },
  });
  if (issued.error) throw new Error(`POST /v1/invoices: ${issued.error.code} ${issued.error.param ?? ""}`);
  assertType<Equal<typeof issued.data.status, components["schemas"]["Invoice"]["status"]>>();

  const status = await client.GET("/v1/invoices/{id}/status", { params: { path: { id: issued.data.id } } });
  if (status.error) throw new Error(`GET status: ${status.error.code}`);
  const etag = status.response.headers.get("etag") ?? "";
  const unchanged = await client.GET("/v1/invoices/{id}/status", { params: { path: { id: issued.data.id }, header: { "If-None-Match": etag } } });

  const missing = await client.GET("/v1/invoices/{id}", { params: { path: { id: "inv_00000000000000000000000000" } } });
  // The error of a 404 is the problem document, not `never`.
  assertType<Equal<NonNullable<typeof missing.error>, Problem>>();
  if (!missing.error) throw new Error("an unknown invoice was found");

  const refused = await client.POST("/v1/invoices", {
    body: { customer, currency: "eur", lines: [{ description: "Rien", quantity: 0, unit_amount: 1000 }] },
  });
  if (!refused.error) throw new Error("a line of quantity 0 was accepted");
  const problem: Problem = refused.error;

  return {
    customer,
    invoice: { id: issued.data.id, number: issued.data.number, status: issued.data.status },
    etag,
    notModifiedStatus: unchanged.response.status,
    missing: { status: missing.response.status, code: missing.error.code, param: missing.error.param },
    refused: { status: refused.response.status, code: problem.code, param: problem.param },
  };
}
