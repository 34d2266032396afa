/**
 * Generated malformed requests to every write endpoint (fast-check, fixed seed, so every run sends
 * the same requests). Each request starts from a body that would succeed for a real merchant (its
 * customers, invoices and payments) and breaks it in one way, so most of them get past the body
 * guard and the schema and exercise the deeper rules. Every answer must be a 4xx problem+json, none
 * a 5xx, and the database must not move.
 */
import fc from "fast-check";
import { exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { CURRENCIES, isCurrency } from "../../shared/currencies";
import { ERROR_STATUS } from "../../shared/errors";
import { api, createCustomer, createInvoice, createMerchant, databaseFingerprint, recordPayment, type ApiResponse } from "./helpers";

const SEED = 20_261_124;
const RUNS_PER_ENDPOINT = 110;
/** Spread over this many merchants (one key each) so no key nears the test rate limit (600 / 60 s). */
const MERCHANTS = 5;
const MAX_AMOUNT = 999_999_999_999;
const MAX_BODY_BYTES = 256 * 1024;
const ONLINE_METHODS = ["card", "stripe_checkout", "paypal", "sandbox"];
const OFFLINE_METHODS = ["bank_transfer", "cheque", "cash", "other"];

interface Fixture {
  key: string;
  customerA: string;
  customerB: string;
  /** open, eur, total 12 000 each, customer A */
  openA: string;
  openA2: string;
  /** open, eur, customer B */
  openB: string;
  openUsd: string;
  draft: string;
  voided: string;
  paid: string;
  /** 5 000 paid, nothing refunded */
  refundable: string;
  refunded: string;
  /** the next merchant's fixture: its objects must answer 404 */
  other: Fixture;
}

const fixtures: Fixture[] = [];
let fingerprint: string;

async function expectStatus<T>(response: Promise<ApiResponse<T>>, status: number): Promise<T> {
  const answered = await response;
  if (answered.status !== status) throw new Error(`setup: ${answered.status} ${answered.text}`);
  return answered.body;
}

async function createFixture(index: number): Promise<Fixture> {
  const { key } = await createMerchant(`Fuzz ${index} SARL`);
  const customerA = (await createCustomer(key)).id;
  const customerB = (await createCustomer(key, { name: "Autre", email: "autre@example.com" })).id;
  const invoice = async (overrides: Record<string, unknown> = {}, customer = customerA) => (await createInvoice(key, customer, overrides)).id;
  const fixture = {
    key, customerA, customerB,
    openA: await invoice(), openA2: await invoice(), openB: await invoice({}, customerB), openUsd: await invoice({ currency: "usd" }),
    draft: await invoice({ issue: false }), voided: await invoice(), paid: await invoice(),
  } as Fixture;
  await expectStatus(api(key, "POST", `/v1/invoices/${fixture.voided}/void`), 200);
  await expectStatus(recordPayment(key, [{ invoice: fixture.paid, amount: 12_000 }]), 201);
  fixture.refundable = (await expectStatus(recordPayment(key, [{ invoice: await invoice(), amount: 5000 }]), 201)).id;
  fixture.refunded = (await expectStatus(recordPayment(key, [{ invoice: await invoice(), amount: 3000 }]), 201)).id;
  await expectStatus(api(key, "POST", `/v1/payments/${fixture.refunded}/refund`, {}), 200);
  return fixture;
}

beforeAll(async () => {
  fixtures.push(...(await Promise.all(Array.from({ length: MERCHANTS }, (_, index) => createFixture(index)))));
  fixtures.forEach((fixture, index) => (fixture.other = fixtures[(index + 1) % MERCHANTS]!));
  fingerprint = await databaseFingerprint();
}, 30_000);

// ---------------------------------------------------------------------------------------------
// Values that break a field whatever the rest of the body says.

/** A value resolved against the merchant the request goes to (its ids, another merchant's ids). */
class Ref {
  constructor(readonly label: string, readonly resolve: (fixture: Fixture) => unknown) {}
}
const ref = (label: string, resolve: (fixture: Fixture) => unknown) => fc.constant(new Ref(label, resolve));

const scalarJunk = fc.oneof(fc.string({ maxLength: 6 }), fc.integer(), fc.boolean(), fc.constant(null));
const notString = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true }),
  fc.boolean(),
  fc.constant(null),
  fc.array(scalarJunk, { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 4 }), scalarJunk, { maxKeys: 2 }),
);
const notNumber = fc.oneof(
  fc.string({ unit: "grapheme", maxLength: 8 }),
  fc.integer().map(String),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 4 }), fc.integer(), { maxKeys: 2 }),
);
const notObject = fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.integer(), { maxLength: 3 }));
const notArray = fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.boolean(), fc.constant(null), fc.dictionary(fc.string({ maxLength: 4 }), fc.integer(), { maxKeys: 2 }));
const notBoolean = fc.oneof(fc.constantFrom("true", "yes", 1, 0, null), fc.string({ maxLength: 5 }), fc.array(fc.boolean(), { maxLength: 2 }));
const notNull = <T>(arbitrary: fc.Arbitrary<T>) => arbitrary.filter((value) => value !== null);

const huge = fc.constantFrom(1e300, -1e300, 2 ** 53, Number.MAX_SAFE_INTEGER + 2, -(2 ** 53), 1e12, 1e15, 1e21, Number.MAX_VALUE, 2 ** 63);
const fractional = fc.tuple(fc.integer({ min: -1_000_000, max: 1_000_000 }), fc.constantFrom(0.5, 0.25, 0.1, 0.001, 0.999)).map(([whole, part]) => whole + part);
const notPositive = fc.integer({ min: -1_000_000_000, max: 0 });
/** Anything a positive integer amount (1 … 10^12 − 1) is not. */
const badAmount = fc.oneof(notNumber, huge, fractional, notPositive);
/** Quantities with a 4th decimal: 1.2345, 0.0001… */
const fourDecimals = fc.integer({ min: 1, max: 9_999_999 }).filter((tenThousandths) => tenThousandths % 10 !== 0).map((tenThousandths) => tenThousandths / 10_000);
const badQuantity = fc.oneof(
  notNumber,
  fourDecimals,
  fc.double({ max: 0, noNaN: true }),
  fc.constantFrom(1e300, 2 ** 53, Number.MAX_SAFE_INTEGER + 2, 1_000_001, 1e7, 1e-7, 5e-324, 0.0001),
);
const badCurrency = fc.oneof(
  notString,
  fc.string({ unit: "grapheme", maxLength: 6 }).filter((value) => !isCurrency(value.toLowerCase())),
  fc.constantFrom("EURO", "eu", "xxx", "btc", "usdt", "€", "eur ", " eur", "978", "e\u0301ur"),
);
const validDate = fc.constantFrom("2026-12-31", "2027-01-15", "2030-06-30");
const badDate = fc.oneof(
  notString,
  fc.constantFrom("2026-02-30", "2026-13-01", "31/12/2026", "2026-1-1", "1999-12-31", "2100-01-01", "", "tomorrow", "2026-12-31T00:00:00Z", "２０２６-01-01"),
  fc.string({ unit: "grapheme", maxLength: 12 }).filter((value) => !/^\d{4}-\d{2}-\d{2}$/.test(value)),
);
const blank = fc.constantFrom("", " ", "\t\n", "\u00a0", "\u3000 ");
/** A string longer than `max` characters once trimmed, with unicode inside. */
const tooLong = (max: number) => fc.string({ unit: "grapheme", maxLength: 20 }).map((tail) => `L${"ü".repeat(max)}${tail}L`);
const idAlphabet = fc.constantFrom(..."0123456789abcdefghjkmnpqrstvwxyz");
/** A well-formed id that names nothing. */
const unknownId = (prefix: string) => fc.string({ unit: idAlphabet, minLength: 26, maxLength: 26 }).map((suffix) => `${prefix}_${suffix}`);
const malformedId = (prefix: string) =>
  fc.oneof(
    fc.string({ unit: "grapheme", maxLength: 30 }).filter((value) => !new RegExp(`^${prefix}_[0-9a-z]{26}$`).test(value)),
    fc.constantFrom(`${prefix}_`, `${prefix}_123`, `${prefix.toUpperCase()}_01JF9V3K8M2Q7W4X5Y6Z0A1B2C`, `${prefix}_01jf9v3k8m2q7w4x5y6z0a1b2c0`, `${prefix}_01jf9v3k8m2q7w4x5y6z0a1b2ü`),
  );
const badNetDays = fc.oneof(notNumber, fractional, fc.integer({ max: -1 }), fc.integer({ min: 366 }), huge);

/** Every field name of every write schema: a generated unknown key must be none of them. */
const KNOWN_KEYS = new Set(
  ("name email locale external_id address siren vat_number line1 line2 postal_code city country customer currency lines description quantity " +
    "unit_amount tax_rate due_date net_days terms late_fee_policy early_payment_discount customer_type payment_methods memo issue method amount " +
    "reference received_on allocations invoice reason expires_in default_terms numbering format allowed_origins seller legal_name legal_form " +
    "share_capital siret rcs email_signature branding accent_color logo_url __proto__").split(" "),
);
const unknownKeyName = fc.oneof(
  fc.string({ unit: "grapheme", minLength: 1, maxLength: 12 }),
  fc.constantFrom("status", "number", "total", "amount_paid", "livemode", "id", "object", "merchant", "constructor", "toString", "😀", "ñame", "NAME", "name "),
).filter((key) => !KNOWN_KEYS.has(key));

// ---------------------------------------------------------------------------------------------
// Edits: one way to break a valid body.

interface Edit {
  label: string;
  apply: (body: any, fixture: Fixture) => any;
}

function resolve(value: unknown, fixture: Fixture): unknown {
  return value instanceof Ref ? value.resolve(fixture) : value;
}

function describeValue(value: unknown): string {
  if (value instanceof Ref) return value.label;
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 40)}…(${text.length})` : text;
}

function parentOf(body: any, path: (string | number)[]): any {
  let node = body;
  for (const part of path.slice(0, -1)) node = node[part];
  return node;
}

/** Sets `path` to one of `values`. */
const set = (path: (string | number)[], values: fc.Arbitrary<unknown>): fc.Arbitrary<Edit> =>
  values.map((value) => ({
    label: `${path.join(".")} = ${describeValue(value)}`,
    apply: (body, fixture) => {
      Object.defineProperty(parentOf(body, path), path[path.length - 1]!, { value: resolve(value, fixture), enumerable: true, writable: true, configurable: true });
      return body;
    },
  }));

/** Removes a required field. */
const remove = (path: (string | number)[]): fc.Arbitrary<Edit> =>
  fc.constant({
    label: `${path.join(".")} removed`,
    apply: (body: any) => {
      delete parentOf(body, path)[path[path.length - 1]!];
      return body;
    },
  });

/** Adds a key the schema does not know (unicode names included) at the object under `path`. */
const unknownKey = (path: (string | number)[]): fc.Arbitrary<Edit> =>
  fc.tuple(unknownKeyName, fc.jsonValue({ maxDepth: 2 })).map(([key, value]) => ({
    label: `unknown key ${JSON.stringify([...path, key])}`,
    apply: (body: any) => {
      const target = path.reduce((node, part) => node[part], body);
      Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
      return body;
    },
  }));

/** Makes an edit `weight` times likelier than a plain one. */
const weighted = (arbitrary: fc.Arbitrary<Edit>, weight: number): fc.WeightedArbitrary<Edit> => ({ arbitrary, weight });

/** A custom edit with a label. */
const edit = <T>(values: fc.Arbitrary<T>, label: (value: T) => string, apply: (body: any, value: T, fixture: Fixture) => any): fc.Arbitrary<Edit> =>
  values.map((value) => ({ label: label(value), apply: (body, fixture) => apply(body, value, fixture) }));

// ---------------------------------------------------------------------------------------------
// The endpoints, each with a valid base body and the edits that break it.

const LINE = { description: "Audit", quantity: 2, unit_amount: 5000, tax_rate: 2000 }; // total 12 000
const lineEdits = (prefix: (string | number)[]): (fc.Arbitrary<Edit> | fc.WeightedArbitrary<Edit>)[] => [
  set(prefix, fc.oneof(notArray, fc.constant([]), fc.constant(Array.from({ length: 101 }, () => LINE)), fc.array(notObject, { minLength: 1, maxLength: 3 }))),
  set([...prefix, 0, "description"], fc.oneof(notString, blank, tooLong(500))),
  set([...prefix, 0, "quantity"], badQuantity),
  set([...prefix, 0, "unit_amount"], fc.oneof(notNumber, fractional, huge, fc.integer({ min: -MAX_AMOUNT, max: 0 }))),
  set([...prefix, 0, "tax_rate"], fc.oneof(notNumber, fractional, fc.integer({ max: -1 }), fc.integer({ min: 10_001 }))),
  remove([...prefix, 0, "quantity"]),
  remove([...prefix, 0, "description"]),
  remove([...prefix, 0, "unit_amount"]),
  unknownKey([...prefix, 0]),
  weighted(edit(
    fc.tuple(fc.integer({ min: 1000, max: 1_000_000 }), fc.integer({ min: 1_000_000_000, max: MAX_AMOUNT })),
    ([quantity, unitAmount]) => `line overflow ${quantity} × ${unitAmount}`,
    (body, [quantity, unitAmount]) => ({ ...body, lines: [{ ...LINE, quantity, unit_amount: unitAmount }] }),
  ), 2),
  weighted(edit(
    fc.integer({ min: 0, max: 1_000_000_000 }),
    (excess) => `discount line of 12 000 + ${excess}`,
    (body, excess) => ({ ...body, lines: [LINE, { description: "Remise", quantity: 1, unit_amount: -(12_000 + excess) }] }),
  ), 2),
];

interface Endpoint {
  name: string;
  method: "POST" | "PUT";
  path: (fixture: Fixture) => string;
  base: (fixture: Fixture) => Record<string, unknown>;
  /** A string field of the base, to carry a lone surrogate. */
  stringField: (string | number)[];
  /** Edits; a rule reached by few values carries a weight so the sample is sure to hit it. */
  edits: (fc.Arbitrary<Edit> | fc.WeightedArbitrary<Edit>)[];
  /** Other paths that refuse the (valid) base body: issued, foreign or unknown objects. */
  paths?: fc.Arbitrary<{ label: string; path: (fixture: Fixture) => string }>;
  /** Codes this endpoint's sample must reach, proving the requests got past the first checks. */
  mustReach: string[];
}

const COMMON_CODES = ["malformed_json", "unsupported_media_type", "payload_too_large", "parameter_invalid", "parameter_unknown"];

const ENDPOINTS: Endpoint[] = [
  {
    name: "POST /v1/customers",
    method: "POST",
    path: () => "/v1/customers",
    base: () => ({
      name: "Client SAS", email: "client@example.com", locale: "fr", siren: "123456789",
      address: { line1: "1 rue de la Paix", postal_code: "75002", city: "Paris", country: "FR" },
    }),
    stringField: ["name"],
    edits: [
      set(["name"], fc.oneof(notString, blank, tooLong(200))),
      remove(["name"]),
      remove(["email"]),
      set(["email"], fc.oneof(notString, fc.string({ unit: "grapheme", maxLength: 20 }).filter((value) => !value.includes("@")), fc.constantFrom("a@", "@b.co", "a@b", "a b@c.de", "a@@b.co", "ü@ü"))),
      set(["locale"], fc.oneof(notString, fc.string({ unit: "grapheme", maxLength: 12 }).filter((value) => !/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(value)))),
      set(["siren"], fc.oneof(notString, fc.string({ maxLength: 12 }).filter((value) => !/^\d{9}$/.test(value)))),
      set(["vat_number"], fc.oneof(notString, fc.string({ maxLength: 16 }).filter((value) => !/^[A-Z]{2}[0-9A-Z]{2,13}$/.test(value)))),
      set(["external_id"], fc.oneof(notString, blank, tooLong(100))),
      set(["address"], notObject),
      remove(["address", "postal_code"]),
      remove(["address", "city"]),
      set(["address", "country"], fc.oneof(notString, fc.string({ maxLength: 4 }).filter((value) => !/^[A-Z]{2}$/.test(value)))),
      unknownKey([]),
      unknownKey(["address"]),
    ],
    mustReach: [...COMMON_CODES, "parameter_missing"],
  },
  {
    name: "POST /v1/invoices",
    method: "POST",
    path: () => "/v1/invoices",
    base: (fixture) => ({
      customer: fixture.customerA, currency: "eur", lines: [{ ...LINE }], net_days: 30,
      terms: { customer_type: "business" }, payment_methods: ["card"], memo: "Merci", issue: true,
    }),
    stringField: ["lines", 0, "description"],
    edits: [
      set(["customer"], fc.oneof(notString, malformedId("cus"), ref("an invoice id", (fixture) => fixture.openA))),
      weighted(set(["customer"], fc.oneof(unknownId("cus"), ref("another merchant's customer", (fixture) => fixture.other.customerA))), 2),
      remove(["customer"]),
      remove(["currency"]),
      remove(["lines"]),
      set(["currency"], badCurrency),
      ...lineEdits(["lines"]),
      set(["due_date"], fc.oneof(badDate, validDate)), // the base has net_days: any due_date breaks it
      set(["net_days"], badNetDays),
      set(["terms"], notObject),
      set(["terms", "customer_type"], fc.oneof(notString, fc.string({ maxLength: 10 }).filter((value) => value !== "business" && value !== "consumer"))),
      set(["payment_methods"], fc.oneof(notArray, fc.constant([]), fc.constant(["sandbox"]), fc.constant(["card", "card", "card", "card", "card"]), fc.array(fc.string({ maxLength: 10 }).filter((value) => !ONLINE_METHODS.includes(value)), { minLength: 1, maxLength: 3 }))),
      weighted(set(["payment_methods"], fc.constantFrom(["sandbox"], ["card", "sandbox"], ["stripe_checkout", "sandbox", "paypal"])), 2),
      set(["issue"], notBoolean),
      set(["memo"], fc.oneof(notString, tooLong(2000))),
      unknownKey([]),
      unknownKey(["terms"]),
    ],
    mustReach: [...COMMON_CODES, "parameter_missing", "resource_missing", "amount_too_large", "invoice_total_not_positive", "payment_method_not_accepted"],
  },
  {
    name: "POST /v1/invoices/:id (update a draft)",
    method: "POST",
    path: (fixture) => `/v1/invoices/${fixture.draft}`,
    base: () => ({ memo: "Révisé", net_days: 10, currency: "eur", lines: [{ ...LINE }], terms: { early_payment_discount: "Aucun" } }),
    stringField: ["memo"],
    edits: [
      set(["customer"], fc.oneof(notString, malformedId("cus"))),
      weighted(set(["customer"], fc.oneof(unknownId("cus"), ref("another merchant's customer", (fixture) => fixture.other.customerA))), 2),
      set(["currency"], badCurrency),
      ...lineEdits(["lines"]),
      set(["due_date"], fc.oneof(notNull(badDate), validDate)), // with net_days in the base, any non-null due_date breaks it
      set(["net_days"], notNull(badNetDays)),
      set(["memo"], fc.oneof(notNull(notString), tooLong(2000))),
      set(["payment_methods"], fc.oneof(notNull(notArray), fc.constant([]), fc.array(fc.string({ maxLength: 10 }).filter((value) => !ONLINE_METHODS.includes(value)), { minLength: 1, maxLength: 3 }))),
      weighted(set(["payment_methods"], fc.constantFrom(["sandbox"], ["paypal", "sandbox"])), 2),
      set(["terms"], notObject),
      unknownKey([]),
      unknownKey(["terms"]),
    ],
    paths: fc.oneof(
      fc.constant({ label: "an issued invoice", path: (fixture: Fixture) => `/v1/invoices/${fixture.openA}` }),
      fc.constant({ label: "another merchant's draft", path: (fixture: Fixture) => `/v1/invoices/${fixture.other.draft}` }),
      unknownId("inv").map((id) => ({ label: `unknown ${id}`, path: () => `/v1/invoices/${id}` })),
      fc.string({ unit: idAlphabet, minLength: 65, maxLength: 80 }).map((id) => ({ label: "an id of 65+ characters", path: () => `/v1/invoices/${id}` })),
    ),
    mustReach: [...COMMON_CODES, "parameter_missing", "resource_missing", "invoice_immutable", "amount_too_large", "invoice_total_not_positive", "payment_method_not_accepted"],
  },
  {
    name: "POST /v1/payments",
    method: "POST",
    path: () => "/v1/payments",
    base: (fixture) => ({
      method: "bank_transfer", amount: 1000, currency: "eur", reference: "VIR 2026-11", received_on: "2026-11-20",
      allocations: [{ invoice: fixture.openA, amount: 600 }, { invoice: fixture.openA2, amount: 400 }],
    }),
    stringField: ["reference"],
    edits: [
      set(["method"], fc.oneof(notString, fc.string({ maxLength: 14 }).filter((value) => !OFFLINE_METHODS.includes(value)), fc.constantFrom("card", "paypal", "BANK_TRANSFER"))),
      set(["amount"], badAmount),
      weighted(set(["amount"], fc.integer({ min: 1, max: MAX_AMOUNT }).filter((amount) => amount !== 1000)), 2),
      set(["currency"], badCurrency),
      weighted(set(["currency"], fc.constantFrom(...CURRENCIES.filter((code) => code !== "eur"))), 2),
      set(["reference"], fc.oneof(notString, blank, tooLong(200))),
      set(["received_on"], badDate),
      set(["allocations"], fc.oneof(notArray, fc.constant([]), fc.array(notObject, { minLength: 1, maxLength: 3 }))),
      ...[0, 1].map((index) =>
        weighted(set(["allocations", index, "invoice"], fc.oneof(
          notString,
          malformedId("inv"),
          unknownId("inv"),
          ref("a draft", (fixture) => fixture.draft),
          ref("a void invoice", (fixture) => fixture.voided),
          ref("a paid invoice", (fixture) => fixture.paid),
          ref("a usd invoice", (fixture) => fixture.openUsd),
          ref("another customer's invoice", (fixture) => fixture.openB),
          ref("another merchant's invoice", (fixture) => fixture.other.openA),
        )), 3),
      ),
      weighted(edit(
        fc.constantFrom(0, 1),
        (index) => `allocations[${index}] names the other allocation's invoice`,
        (body, index) => {
          body.allocations[index].invoice = body.allocations[1 - index].invoice;
          return body;
        },
      ), 2),
      set(["allocations", 0, "amount"], badAmount),
      set(["allocations", 1, "amount"], badAmount),
      weighted(edit(
        fc.integer({ min: 1, max: 1_000_000_000 }),
        (excess) => `allocation of 12 000 + ${excess} on an invoice of 12 000`,
        (body, excess) => ({ ...body, amount: 12_000 + excess + 400, allocations: [{ ...body.allocations[0], amount: 12_000 + excess }, body.allocations[1]] }),
      ), 2),
      remove(["method"]),
      remove(["amount"]),
      remove(["currency"]),
      remove(["allocations"]),
      remove(["allocations", 0, "invoice"]),
      remove(["allocations", 1, "amount"]),
      unknownKey([]),
      unknownKey(["allocations", 1]),
    ],
    mustReach: [
      ...COMMON_CODES, "parameter_missing", "resource_missing", "duplicate_allocation", "allocations_do_not_match_amount", "currency_mismatch",
      "invoice_not_payable", "allocation_exceeds_amount_due", "customer_mismatch",
    ],
  },
  {
    name: "POST /v1/payments/:id/refund",
    method: "POST",
    path: (fixture) => `/v1/payments/${fixture.refundable}/refund`,
    base: () => ({ amount: 100, reason: "Geste commercial" }),
    stringField: ["reason"],
    edits: [
      set(["amount"], badAmount),
      weighted(set(["amount"], fc.integer({ min: 5001, max: MAX_AMOUNT })), 2),
      set(["reason"], fc.oneof(notString, tooLong(500))),
      unknownKey([]),
    ],
    paths: fc.oneof(
      fc.constant({ label: "a refunded payment", path: (fixture: Fixture) => `/v1/payments/${fixture.refunded}/refund` }),
      fc.constant({ label: "another merchant's payment", path: (fixture: Fixture) => `/v1/payments/${fixture.other.refundable}/refund` }),
      fc.constant({ label: "an invoice id", path: (fixture: Fixture) => `/v1/payments/${fixture.openA}/refund` }),
      unknownId("pay").map((id) => ({ label: `unknown ${id}`, path: () => `/v1/payments/${id}/refund` })),
    ),
    mustReach: [...COMMON_CODES, "resource_missing", "refund_exceeds_amount", "payment_not_refundable"],
  },
  {
    name: "POST /v1/client_sessions",
    method: "POST",
    path: () => "/v1/client_sessions",
    base: (fixture) => ({ customer: fixture.customerA, expires_in: 600 }),
    stringField: ["customer"],
    edits: [
      set(["customer"], fc.oneof(notString, malformedId("cus"), ref("an invoice id", (fixture) => fixture.openA))),
      weighted(set(["customer"], fc.oneof(unknownId("cus"), ref("another merchant's customer", (fixture) => fixture.other.customerA))), 2),
      remove(["customer"]),
      set(["expires_in"], fc.oneof(notNumber, fractional, fc.integer({ max: 59 }), fc.integer({ min: 86_401 }), huge)),
      unknownKey([]),
    ],
    mustReach: [...COMMON_CODES, "parameter_missing", "resource_missing"],
  },
  {
    name: "PUT /v1/settings",
    method: "PUT",
    path: () => "/v1/settings",
    base: () => ({
      payment_methods: ["card", "paypal"],
      default_terms: { net_days: 15, late_fee_policy: "10 %" },
      numbering: { format: "INV-{YYYY}-{SEQ:5}" },
      allowed_origins: ["https://shop.example.com"],
      seller: { legal_name: "ACME", siren: "123456789" },
      email_signature: "Cordialement",
      branding: { accent_color: "#123456", logo_url: "https://cdn.example.com/logo.png" },
    }),
    stringField: ["email_signature"],
    edits: [
      set(["payment_methods"], fc.oneof(notArray, fc.constant(["card", "card", "card", "card", "card"]), fc.array(fc.string({ maxLength: 10 }).filter((value) => !ONLINE_METHODS.includes(value)), { minLength: 1, maxLength: 3 }))),
      set(["default_terms"], notObject),
      remove(["default_terms", "net_days"]),
      set(["default_terms", "net_days"], badNetDays),
      set(["default_terms", "late_fee_policy"], fc.oneof(notString, tooLong(1000))),
      set(["numbering"], notObject),
      remove(["numbering", "format"]),
      set(["numbering", "format"], fc.oneof(
        notString,
        fc.constantFrom("F{YYYY}", "{SEQ}{SEQ}", "<{SEQ}>", "{SEQ:13}", "{SEQ:0}", `${"x".repeat(40)}{SEQ}`, "{seq}", "F{YYYY}-{SEQ:6}\n"),
        fc.string({ unit: "grapheme", maxLength: 12 }).filter((value) => !value.includes("{SEQ")),
      )),
      set(["allowed_origins"], fc.oneof(
        notArray,
        fc.constant(Array.from({ length: 21 }, (_, index) => `https://s${index}.example.com`)),
        fc.array(fc.oneof(notString, fc.constantFrom("https://Shop.com", "https://shop.com/", "ftp://shop.com", "*", "null", "https://shop.com:123456"), fc.string({ maxLength: 20 }).filter((value) => !/^https?:\/\/[a-z0-9.-]+(:\d{1,5})?$/.test(value))), { minLength: 1, maxLength: 3 }),
      )),
      set(["seller"], notObject),
      set(["seller", "siren"], fc.oneof(notString, fc.string({ maxLength: 12 }).filter((value) => !/^\d{9}$/.test(value)))),
      set(["seller", "siret"], fc.oneof(notString, fc.string({ maxLength: 16 }).filter((value) => !/^\d{14}$/.test(value)))),
      set(["seller", "address"], notObject),
      set(["email_signature"], fc.oneof(notString, tooLong(2000))),
      set(["branding", "accent_color"], fc.oneof(notString, fc.string({ maxLength: 8 }).filter((value) => !/^#[0-9a-fA-F]{6}$/.test(value)))),
      set(["branding", "logo_url"], fc.oneof(notString, fc.constantFrom("javascript:alert(1)", "data:image/png;base64,AAAA", "logo.png", "//cdn.example.com/x.png", "file:///etc/passwd", "ftp://cdn.example.com/a.png", `https://cdn.example.com/${"a".repeat(500)}.png`))),
      unknownKey([]),
      unknownKey(["default_terms"]),
      unknownKey(["seller"]),
      unknownKey(["branding"]),
    ],
    mustReach: [...COMMON_CODES, "parameter_missing"],
  },
];

// ---------------------------------------------------------------------------------------------
// Requests: a field edit, or damage to the request as a whole.

interface RequestSpec {
  label: string;
  method: string;
  path: string;
  body: string | ReadableStream<Uint8Array>;
  contentType: string;
}

type Build = (endpoint: Endpoint, fixture: Fixture) => RequestSpec;

const request = (endpoint: Endpoint, fixture: Fixture, label: string, body: string | ReadableStream<Uint8Array>, contentType = "application/json", path = endpoint.path(fixture)): RequestSpec =>
  ({ label, method: endpoint.method, path, body, contentType });

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** Ways to damage valid JSON text; each one leaves text no JSON parser accepts. */
const BREAKERS: [string, (text: string, at: number) => string][] = [
  ["cut short", (text, at) => text.slice(0, 1 + Math.floor(at * (text.length - 2)))],
  ["= instead of :", (text) => text.replace(":", "=")],
  ["trailing comma", (text) => `${text.slice(0, -1)},}`],
  ["single quotes", (text) => text.replaceAll('"', "'")],
  ["unquoted key", (text) => text.replace(/"([^"]+)":/, "$1:")],
  ["extra brace", (text) => `${text}}`],
  ["NaN value", (text) => `${text.slice(0, -1)},"n":NaN}`],
  ["undefined value", (text) => `${text.slice(0, -1)},"n":undefined}`],
  ["comment", (text) => `/* note */${text}`],
  ["two documents", (text) => text + text],
  ["doubly wrapped", (text) => `{${text}}`],
  ["hex number", (text) => `${text.slice(0, -1)},"n":0x10}`],
  ["unescaped newline in a string", (text) => text.replace('"', '"\n')],
];

const broken: fc.Arbitrary<Build> = fc.oneof(
  fc.tuple(fc.constantFrom(...BREAKERS), fc.double({ min: 0, max: 1, noNaN: true })).map(([[label, breakText], at]) => (endpoint: Endpoint, fixture: Fixture) => {
    const text = breakText(JSON.stringify(endpoint.base(fixture)), at);
    if (parses(text)) throw new Error(`generator bug: "${label}" left valid JSON`);
    return request(endpoint, fixture, `broken JSON: ${label}`, text);
  }),
  fc.string({ unit: "grapheme", minLength: 1, maxLength: 40 }).filter((text) => !parses(text)).map((text) => (endpoint: Endpoint, fixture: Fixture) =>
    request(endpoint, fixture, `garbage text ${JSON.stringify(text)}`, text)),
);

const nonObject: fc.Arbitrary<Build> = fc
  .oneof(fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 4 }), fc.constant(null), fc.string({ unit: "grapheme" }), fc.integer(), fc.double(), fc.boolean())
  .map((value) => (endpoint, fixture) => request(endpoint, fixture, `non-object JSON ${describeValue(value)}`, JSON.stringify(value)));

const PADDING_CHARACTERS: [string, number][] = [["x", 1], ["é", 2], ["€", 3], ["😀", 4]];
const oversized: fc.Arbitrary<Build> = fc
  .tuple(fc.constantFrom(...PADDING_CHARACTERS), fc.integer({ min: MAX_BODY_BYTES + 1, max: MAX_BODY_BYTES + 150_000 }), fc.boolean())
  .map(([[character, bytes], size, streamed]) => (endpoint, fixture) => {
    const text = JSON.stringify({ ...endpoint.base(fixture), padding: character.repeat(Math.ceil(size / bytes)) });
    const label = `oversized body of ${size} bytes of "${character}"${streamed ? ", streamed without a length" : ""}`;
    if (!streamed) return request(endpoint, fixture, label, text);
    const bytesOut = new TextEncoder().encode(text);
    let offset = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (offset >= bytesOut.length) return controller.close();
        controller.enqueue(bytesOut.slice(offset, offset + 32_768));
        offset += 32_768;
      },
    });
    return request(endpoint, fixture, label, stream);
  });

const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json$/i;
const wrongContentType: fc.Arbitrary<Build> = fc
  .oneof(
    fc.constantFrom(
      "text/plain", "text/plain;charset=UTF-8", "text/html", "application/xml", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
      "application/octet-stream", "application/jsonp", "application/json-patch", "json", "text/json", "application/javascript", "", "*/*", "application/*",
    ),
    fc.string({ unit: "grapheme-ascii", maxLength: 30 }),
  )
  .filter((type) => !JSON_MEDIA_TYPE.test(type.split(";")[0]!.trim()))
  .map((type) => (endpoint, fixture) => request(endpoint, fixture, `content-type ${JSON.stringify(type)}`, JSON.stringify(endpoint.base(fixture)), type));

/** JSON media types with malformed parameters: the body guard lets them by, the route's media-type gate refuses them. */
const jsonWithBadParameters: fc.Arbitrary<Build> = fc
  .constantFrom("application/json;charset", "application/json; charset", "application/json;", "application/json;=x", "application/json ; charset=utf-8", "application/vnd.api2+json")
  .map((type) => (endpoint, fixture) => request(endpoint, fixture, `content-type ${JSON.stringify(type)}`, JSON.stringify(endpoint.base(fixture)), type));

/** An empty body declared as something other than JSON. */
const emptyBodyWrongType: fc.Arbitrary<Build> = fc
  .constantFrom("text/plain", "text/html", "application/xml", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/octet-stream", "*/*")
  .map((type) => (endpoint, fixture) => request(endpoint, fixture, `empty body as ${type}`, "", type));

const deeplyNested: fc.Arbitrary<Build> = fc
  .tuple(fc.integer({ min: 100, max: 20_000 }), fc.constantFrom("array", "object"), fc.boolean())
  .map(([depth, kind, inKnownField]) => (endpoint, fixture) => {
    const deep = kind === "array" ? `${"[".repeat(depth)}${"]".repeat(depth)}` : `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;
    const body = endpoint.base(fixture) as any;
    if (inKnownField) parentOf(body, endpoint.stringField)[endpoint.stringField[endpoint.stringField.length - 1]!] = "\u0001DEEP\u0001";
    else body.x_deep = "\u0001DEEP\u0001";
    const text = JSON.stringify(body).replace('"\\u0001DEEP\\u0001"', deep);
    const where = inKnownField ? endpoint.stringField.join(".") : "x_deep";
    return request(endpoint, fixture, `${kind} nested ${depth} deep at ${where}`, text);
  });

const loneSurrogate: fc.Arbitrary<Build> = fc
  .tuple(fc.integer({ min: 0xd800, max: 0xdfff }), fc.nat(10))
  .map(([unit, at]) => (endpoint, fixture) => {
    const body = endpoint.base(fixture) as any;
    const parent = parentOf(body, endpoint.stringField);
    const key = endpoint.stringField[endpoint.stringField.length - 1]!;
    const text: string = parent[key];
    const position = Math.min(at, text.length);
    parent[key] = `${text.slice(0, position)}${String.fromCharCode(unit)}${text.slice(position)}`;
    return request(endpoint, fixture, `lone surrogate U+${unit.toString(16)} in ${endpoint.stringField.join(".")}`, JSON.stringify(body));
  });

const protoKey: fc.Arbitrary<Build> = fc.jsonValue({ maxDepth: 1 }).map((value) => (endpoint, fixture) =>
  request(endpoint, fixture, `__proto__ = ${describeValue(value)}`, JSON.stringify(endpoint.base(fixture)).replace(/^{/, `{"__proto__":${JSON.stringify(value)},`)));

function requestsFor(endpoint: Endpoint): fc.Arbitrary<Build> {
  const edits = endpoint.edits.map((entry) => ("arbitrary" in entry ? entry : { arbitrary: entry, weight: 1 }));
  const fieldEdit: fc.Arbitrary<Build> = fc.oneof(...edits).map((change) => (_endpoint, fixture) => {
    const body = change.apply(structuredClone(endpoint.base(fixture)), fixture);
    return request(endpoint, fixture, change.label, JSON.stringify(body));
  });
  const arbitraries: { arbitrary: fc.Arbitrary<Build>; weight: number }[] = [
    { arbitrary: fieldEdit, weight: 14 },
    { arbitrary: broken, weight: 2 },
    { arbitrary: nonObject, weight: 1 },
    { arbitrary: wrongContentType, weight: 1 },
    { arbitrary: jsonWithBadParameters, weight: 1 },
    { arbitrary: emptyBodyWrongType, weight: 1 },
    { arbitrary: oversized, weight: 1 },
    { arbitrary: deeplyNested, weight: 1 },
    { arbitrary: loneSurrogate, weight: 1 },
    { arbitrary: protoKey, weight: 1 },
  ];
  if (endpoint.paths) {
    const elsewhere: fc.Arbitrary<Build> = endpoint.paths.map((target) => (_endpoint, fixture) =>
      request(endpoint, fixture, `valid body sent to ${target.label}`, JSON.stringify(endpoint.base(fixture)), "application/json", target.path(fixture)));
    arbitraries.push({ arbitrary: elsewhere, weight: 3 });
  }
  return fc.oneof(...arbitraries);
}

// ---------------------------------------------------------------------------------------------
// Sending and checking.

interface Outcome {
  spec: RequestSpec;
  status: number;
  contentType: string | null;
  problem: any;
  text: string;
}

async function send(spec: RequestSpec, key: string): Promise<Outcome> {
  const headers: Record<string, string> = { authorization: `Bearer ${key}` };
  if (spec.contentType !== "") headers["content-type"] = spec.contentType;
  const body = typeof spec.body === "string" ? new TextEncoder().encode(spec.body) : spec.body;
  const response: Response = await (exports as any).default.fetch(new Request(`http://127.0.0.1:8787${spec.path}`, { method: spec.method, headers, body }));
  const text = await response.text();
  let problem: any = null;
  try {
    problem = JSON.parse(text);
  } catch {
    problem = null;
  }
  return { spec, status: response.status, contentType: response.headers.get("content-type"), problem, text };
}

/** Why an answer is not a proper 4xx problem+json, or null when it is. */
function defect(outcome: Outcome): string | null {
  const { status, problem } = outcome;
  if (status < 400 || status > 499) return `status ${status}`;
  if (status === 429) return "rate limited: the test sends too much on one key";
  if (outcome.contentType !== "application/problem+json") return `content-type ${outcome.contentType}`;
  if (problem === null || typeof problem !== "object") return "body is not JSON";
  for (const field of ["type", "title", "code", "detail"]) {
    if (typeof problem[field] !== "string" || problem[field] === "") return `problem.${field} missing`;
  }
  if (problem.status !== status) return `problem.status ${problem.status} ≠ ${status}`;
  if ((ERROR_STATUS as Record<string, number>)[problem.code] !== status) return `code ${problem.code} does not belong to status ${status}`;
  if (problem.type !== `https://quittance.dev/errors/${problem.code}`) return `type ${problem.type}`;
  return null;
}

const codesSeen = new Map<string, number>();
let sent = 0;
let firstCheckOnly = 0;

describe("generated malformed requests to the write endpoints", () => {
  it.each(ENDPOINTS)(`should answer a 4xx problem+json to each of ${RUNS_PER_ENDPOINT} requests, never a 5xx, when $name receives malformed input`, async (endpoint) => {
    const builds = fc.sample(requestsFor(endpoint), { numRuns: RUNS_PER_ENDPOINT, seed: SEED + ENDPOINTS.indexOf(endpoint) });
    const specs = builds.map((build, index) => ({ spec: build(endpoint, fixtures[index % MERCHANTS]!), key: fixtures[index % MERCHANTS]!.key }));
    const failures: string[] = [];
    const reached = new Set<string>();
    for (let start = 0; start < specs.length; start += 10) {
      const outcomes = await Promise.all(specs.slice(start, start + 10).map(({ spec, key }) => send(spec, key)));
      for (const outcome of outcomes) {
        sent += 1;
        const wrong = defect(outcome);
        if (wrong !== null) failures.push(`${outcome.spec.method} ${outcome.spec.path} [${outcome.spec.label}] → ${wrong}: ${outcome.text.slice(0, 300)}`);
        const code = String(outcome.problem?.code);
        reached.add(code);
        codesSeen.set(code, (codesSeen.get(code) ?? 0) + 1);
        if (["malformed_json", "unsupported_media_type", "payload_too_large"].includes(code)) firstCheckOnly += 1;
      }
    }
    expect(failures).toEqual([]);
    expect([...reached].sort()).toEqual(expect.arrayContaining(endpoint.mustReach));
  });

  it("should have sent at least 500 requests, most of them past the body checks, when every endpoint was fuzzed", () => {
    expect(sent).toBeGreaterThanOrEqual(500);
    expect(firstCheckOnly / sent).toBeLessThan(0.3);
    expect(codesSeen.size).toBeGreaterThanOrEqual(15);
  });

  it("should leave the database fingerprint unchanged when every generated request was refused", async () => {
    expect(sent).toBeGreaterThanOrEqual(500);
    expect(await databaseFingerprint()).toBe(fingerprint);
  });
});
