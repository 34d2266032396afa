import { beforeAll, describe, expect, it } from "vitest";
import { api, createCustomer, createInvoice, databaseFingerprint } from "../helpers";
import { createWorld, expectProblem, mintSession, rowsOf, unknownId, type World } from "./support";

let mine: World;
let theirs: World;

beforeAll(async () => {
  mine = await createWorld("Mine SARL");
  theirs = await createWorld("Theirs SARL");
});

/** Every object route, aimed at the other merchant's objects. */
function foreignRequests(other: World): { name: string; method: string; path: string; body?: unknown; param?: string }[] {
  return [
    { name: "GET customer", method: "GET", path: `/v1/customers/${other.customer}` },
    { name: "GET invoice", method: "GET", path: `/v1/invoices/${other.open}` },
    { name: "GET draft invoice", method: "GET", path: `/v1/invoices/${other.draft}` },
    { name: "GET invoice status", method: "GET", path: `/v1/invoices/${other.open}/status` },
    { name: "GET invoice status with wait", method: "GET", path: `/v1/invoices/${other.open}/status?wait=1` },
    { name: "update draft", method: "POST", path: `/v1/invoices/${other.draft}`, body: { memo: "pwned" } },
    { name: "issue draft", method: "POST", path: `/v1/invoices/${other.draft}/issue` },
    { name: "void open invoice", method: "POST", path: `/v1/invoices/${other.open}/void` },
    { name: "GET payment", method: "GET", path: `/v1/payments/${other.payment}` },
    { name: "refund payment", method: "POST", path: `/v1/payments/${other.payment}/refund`, body: { amount: 100 } },
    { name: "refund payment in full", method: "POST", path: `/v1/payments/${other.payment}/refund` },
    {
      name: "create invoice for their customer",
      method: "POST",
      path: "/v1/invoices",
      body: { customer: other.customer, currency: "eur", lines: [{ description: "X", quantity: 1, unit_amount: 100 }], issue: true },
      param: "customer",
    },
    {
      name: "move my draft to their customer",
      method: "POST",
      path: `/v1/invoices/${mine.draft}`,
      body: { customer: other.customer },
      param: "customer",
    },
    {
      name: "allocate to their invoice",
      method: "POST",
      path: "/v1/payments",
      body: { method: "bank_transfer", amount: 100, currency: "eur", allocations: [{ invoice: other.open, amount: 100 }] },
      param: "allocations[0].invoice",
    },
    {
      name: "allocate to mine and theirs",
      method: "POST",
      path: "/v1/payments",
      body: { method: "bank_transfer", amount: 200, currency: "eur", allocations: [{ invoice: mine.open, amount: 100 }, { invoice: other.open, amount: 100 }] },
      param: "allocations[1].invoice",
    },
    { name: "client session for their customer", method: "POST", path: "/v1/client_sessions", body: { customer: other.customer }, param: "customer" },
  ];
}

describe("cross-merchant access", () => {
  it("should answer 404 resource_missing on every object route and change nothing when the object belongs to another merchant", async () => {
    const before = await databaseFingerprint();
    const theirRows = await Promise.all((["customers", "invoices", "payments"] as const).map((table) => rowsOf(table, theirs.merchant.id)));
    for (const request of foreignRequests(theirs)) {
      const response = await api(mine.merchant.key, request.method, request.path, request.body);
      expect({ name: request.name, status: response.status, code: response.body?.code }, response.text).toEqual({
        name: request.name,
        status: 404,
        code: "resource_missing",
      });
      if (request.param !== undefined) expect(response.body.param, request.name).toBe(request.param);
      // Nothing of theirs leaks into the answer.
      expect(response.text, request.name).not.toContain(theirs.merchant.id);
      expect(response.text, request.name).not.toMatch(/"total"|"amount_paid"|"email"/);
    }
    expect(await databaseFingerprint()).toBe(before);
    expect(await Promise.all((["customers", "invoices", "payments"] as const).map((table) => rowsOf(table, theirs.merchant.id)))).toEqual(theirRows);
  });

  it("should answer a foreign id exactly as an id that does not exist when the object belongs to another merchant", async () => {
    const pairs: [string, string][] = [
      [`/v1/customers/${theirs.customer}`, `/v1/customers/${unknownId("cus")}`],
      [`/v1/invoices/${theirs.open}`, `/v1/invoices/${unknownId("inv")}`],
      [`/v1/invoices/${theirs.open}/status`, `/v1/invoices/${unknownId("inv")}/status`],
      [`/v1/payments/${theirs.payment}`, `/v1/payments/${unknownId("pay")}`],
    ];
    for (const [foreign, missing] of pairs) {
      const a = await api(mine.merchant.key, "GET", foreign);
      const b = await api(mine.merchant.key, "GET", missing);
      expect(a.status).toBe(404);
      expect({ ...a.body, detail: undefined, request_id: undefined }).toEqual({ ...b.body, detail: undefined, request_id: undefined });
      expect(a.headers.get("etag")).toBeNull();
    }
  });

  it("should leave the other merchant's objects usable by their owner when another merchant tried to change them", async () => {
    for (const request of foreignRequests(theirs)) await api(mine.merchant.key, request.method, request.path, request.body);
    const draft = await api(theirs.merchant.key, "GET", `/v1/invoices/${theirs.draft}`);
    expect(draft.body).toMatchObject({ status: "draft", memo: null, version: 1 });
    const open = await api(theirs.merchant.key, "GET", `/v1/invoices/${theirs.open}`);
    expect(open.body).toMatchObject({ status: "open", amount_paid: 0 });
    const payment = await api(theirs.merchant.key, "GET", `/v1/payments/${theirs.payment}`);
    expect(payment.body).toMatchObject({ status: "succeeded", amount_refunded: 0 });
  });

  it.each([
    ["/v1/customers", "customer"],
    ["/v1/invoices", "open"],
    ["/v1/payments", "payment"],
  ] as const)("should answer 422 parameter_invalid on %s when starting_after is another merchant's id", async (path, field) => {
    const response = await api(mine.merchant.key, "GET", `${path}?starting_after=${theirs[field]}`);
    expectProblem(response, 422, "parameter_invalid", "starting_after");
    const own = await api(mine.merchant.key, "GET", `${path}?starting_after=${mine[field]}`);
    expect(own.status).toBe(200);
  });

  it("should list only the caller's own objects when the other merchant has some too", async () => {
    for (const [path, ownIds, foreignIds] of [
      ["/v1/customers", [mine.customer], [theirs.customer]],
      ["/v1/invoices", [mine.draft, mine.open, mine.partlyPaid], [theirs.draft, theirs.open, theirs.partlyPaid]],
      ["/v1/payments", [mine.payment], [theirs.payment]],
    ] as const) {
      const response = await api(mine.merchant.key, "GET", `${path}?limit=100`);
      const ids = response.body.data.map((item: { id: string }) => item.id);
      for (const id of ownIds) expect(ids, path).toContain(id);
      for (const id of foreignIds) expect(ids, path).not.toContain(id);
    }
  });

  it("should return an empty list when filtering invoices by another merchant's customer", async () => {
    const response = await api(mine.merchant.key, "GET", `/v1/invoices?customer=${theirs.customer}`);
    expect(response.status).toBe(200);
    expect(response.body.data).toEqual([]);
  });

  it("should show only the caller's own events on /v1/events when both merchants have activity", async () => {
    const response = await api(mine.merchant.key, "GET", "/v1/events?limit=100");
    expect(response.status).toBe(200);
    expect(response.body.data.length).toBeGreaterThan(0);
    const theirIds = new Set([theirs.customer, theirs.draft, theirs.open, theirs.partlyPaid, theirs.payment]);
    const myIds = new Set([mine.customer, mine.draft, mine.open, mine.partlyPaid, mine.payment]);
    for (const event of response.body.data) {
      for (const id of [event.invoice, event.payment, event.customer]) if (id !== null) expect(theirIds.has(id)).toBe(false);
      expect(JSON.stringify(event)).not.toContain(theirs.merchant.id);
    }
    expect(response.body.data.some((event: { invoice: string | null }) => event.invoice !== null && myIds.has(event.invoice))).toBe(true);
  });

  it("should show none of their events when /v1/events is filtered by another merchant's invoice", async () => {
    const response = await api(mine.merchant.key, "GET", `/v1/events?invoice=${theirs.open}`);
    expect(response.status).toBe(200);
    expect(response.body.data).toEqual([]);
  });

  it("should show only the caller's own events when the after cursor is another merchant's event", async () => {
    const their = await api(theirs.merchant.key, "GET", "/v1/events?limit=1");
    const theirFirst = their.body.data[0].id as string;
    const response = await api(mine.merchant.key, "GET", `/v1/events?after=${theirFirst}&limit=100`);
    expect(response.status).toBe(200);
    const theirIds = new Set((await api(theirs.merchant.key, "GET", "/v1/events?limit=100")).body.data.map((event: { id: string }) => event.id));
    for (const event of response.body.data) expect(theirIds.has(event.id)).toBe(false);
  });
});

describe("cross-customer access through a client session", () => {
  let alice: string;
  let bob: string;
  let aliceOpen: string;
  let aliceDraft: string;
  let bobOpen: string;
  let aliceSession: string;

  beforeAll(async () => {
    alice = (await createCustomer(mine.merchant.key, { name: "Alice", email: "alice@example.com" })).id;
    bob = (await createCustomer(mine.merchant.key, { name: "Bob", email: "bob@example.com" })).id;
    aliceOpen = (await createInvoice(mine.merchant.key, alice)).id;
    aliceDraft = (await createInvoice(mine.merchant.key, alice, { issue: false })).id;
    bobOpen = (await createInvoice(mine.merchant.key, bob)).id;
    aliceSession = await mintSession(mine.merchant.key, alice);
  });

  it("should list only the session's customer's issued invoices when other customers and drafts exist", async () => {
    const response = await api(aliceSession, "GET", "/v1/client/invoices?limit=100");
    expect(response.status).toBe(200);
    expect(response.body.data.map((invoice: { id: string }) => invoice.id)).toEqual([aliceOpen]);
    expect(response.text).not.toContain(bob);
    expect(response.text).not.toContain(theirs.customer);
  });

  it("should answer 404 when the session asks for another customer's invoice", async () => {
    expectProblem(await api(aliceSession, "GET", `/v1/client/invoices/${bobOpen}`), 404, "resource_missing");
  });

  it("should answer 404 when the session asks for its own customer's draft", async () => {
    expectProblem(await api(aliceSession, "GET", `/v1/client/invoices/${aliceDraft}`), 404, "resource_missing");
  });

  it("should answer 404 when the session asks for another merchant's invoice", async () => {
    expectProblem(await api(aliceSession, "GET", `/v1/client/invoices/${theirs.open}`), 404, "resource_missing");
  });

  it("should answer its own customer's issued invoice when the session asks for it", async () => {
    const response = await api(aliceSession, "GET", `/v1/client/invoices/${aliceOpen}`);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ id: aliceOpen, customer: alice, status: "open" });
  });

  it("should refuse a status=draft filter with 422 when a session lists invoices", async () => {
    expectProblem(await api(aliceSession, "GET", "/v1/client/invoices?status=draft"), 422, "parameter_invalid", "status");
  });

  it.each([
    ["another customer's invoice", () => bobOpen],
    ["its own customer's draft", () => aliceDraft],
    ["another merchant's invoice", () => theirs.open],
  ])("should answer 422 parameter_invalid when starting_after is %s", async (_, id) => {
    expectProblem(await api(aliceSession, "GET", `/v1/client/invoices?starting_after=${id()}`), 422, "parameter_invalid", "starting_after");
  });

  it("should accept its own issued invoice as starting_after when a session pages", async () => {
    const response = await api(aliceSession, "GET", `/v1/client/invoices?starting_after=${aliceOpen}`);
    expect(response.status).toBe(200);
    expect(response.body.data).toEqual([]);
  });

  it("should see a draft of its customer only after it is issued when the merchant issues it", async () => {
    const draft = (await createInvoice(mine.merchant.key, alice, { issue: false })).id;
    expect((await api(aliceSession, "GET", `/v1/client/invoices/${draft}`)).status).toBe(404);
    expect((await api(mine.merchant.key, "POST", `/v1/invoices/${draft}/issue`)).status).toBe(200);
    expect((await api(aliceSession, "GET", `/v1/client/invoices/${draft}`)).status).toBe(200);
  });
});
