/**
 * Confirmations arriving at once: Stripe sends webhooks concurrently, and several payments may
 * cover the same invoices (a client who clicks "pay" twice, two tabs, a bank transfer landing
 * meanwhile). Whatever interleaves, no invoice is ever paid past its total and every cent a payment
 * received is either on an invoice or in the customer's credit. A delivery the Worker cannot apply
 * now may be answered 409 (Stripe retries it); it is redelivered here until it is taken.
 */
import { env } from "cloudflare:workers";
import type Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { api, recordPayment, type ApiResponse } from "../helpers";
import {
  booksOf,
  creditOf,
  deliver,
  expectBalancedBooks,
  invoiceOf,
  succeededCard,
  stripeWorld,
  targetOf,
  type StripeWorld,
} from "./stripe-support";

type Invoice = Awaited<ReturnType<typeof invoiceOf>>;
type Confirmed = Awaited<ReturnType<typeof succeededCard>>;

const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);

/** Reads the invoices over and over while `work` runs, failing on any invoice paid past its total or below zero. */
async function watchInvoices<T>(merchantId: string, work: Promise<T>): Promise<{ result: T; samples: number }> {
  let done = false;
  let samples = 0;
  const violations: unknown[] = [];
  const watcher = (async () => {
    while (!done) {
      const { results } = await env.DB.prepare("SELECT id, total, amount_paid FROM invoices WHERE merchant_id = ? AND (amount_paid > total OR amount_paid < 0)")
        .bind(merchantId)
        .all();
      violations.push(...results);
      samples += 1;
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  })();
  try {
    return { result: await work, samples };
  } finally {
    done = true;
    await watcher;
    expect(violations).toEqual([]);
  }
}

/** Delivers every event at once; redelivers those answered 409 (as Stripe would) until all are taken. */
async function deliverConcurrently(world: StripeWorld, events: Stripe.Event[]): Promise<{ first: ApiResponse[]; retried: number }> {
  const first = await Promise.all(events.map((event) => deliver(targetOf(world), event)));
  let pending = events.filter((_, index) => first[index]!.status !== 200);
  let retried = 0;
  for (let round = 0; pending.length > 0 && round < 10; round += 1) {
    const responses = await Promise.all(pending.map((event) => deliver(targetOf(world), event)));
    retried += pending.length;
    pending = pending.filter((_, index) => responses[index]!.status !== 200);
  }
  expect(pending).toEqual([]);
  for (const response of first) {
    expect([200, 409], response.text).toContain(response.status);
    if (response.status === 409) expect(response.body.code).toBe("concurrent_update");
  }
  return { first, retried };
}

describe("concurrent confirmations", () => {
  it("should never pay an invoice past its total and keep every cent allocated or in credit when 20 payments over overlapping invoices are confirmed at once", async () => {
    const world = await stripeWorld();
    const invoices: Invoice[] = [];
    for (const amount of [10_000, 2_550, 7_300, 12_000, 999, 4_450]) invoices.push(await invoiceOf(world, amount));
    // Payment k covers three of the six invoices, each overlapping many others.
    const payments: Confirmed[] = [];
    for (let k = 0; k < 20; k += 1) {
      const covered = [...new Set([k % 6, (k + 1 + (k % 3)) % 6, (k * 5 + 2) % 6])].map((index) => invoices[index]!.id);
      payments.push(await succeededCard(world, covered));
    }

    const { samples } = await watchInvoices(world.merchant.id, deliverConcurrently(world, payments.map((payment) => payment.event)));

    expect(samples).toBeGreaterThan(0);
    const books = await booksOf(world.merchant.id);
    expectBalancedBooks(books);
    expect(books.payments.map((payment) => payment.status)).toEqual(Array(20).fill("succeeded"));
    for (const invoice of invoices) {
      const row = books.invoices.find((candidate) => candidate.id === invoice.id)!;
      expect(row, invoice.id).toMatchObject({ status: "paid", amount_paid: invoice.total, processing: 0 });
    }
    const received = sum(payments.map((payment) => payment.payment.amount));
    const credit = sum(books.payments.map((payment) => creditOf(books, payment)));
    expect(received).toBe(sum(invoices.map((invoice) => invoice.total)) + credit);
    const customer = await api(world.merchant.key, "GET", `/v1/customers/${world.customer}`);
    expect(customer.body.credit_balances).toEqual([{ currency: "eur", amount: credit }]);
    for (const payment of payments) {
      const shown = await api(world.merchant.key, "GET", `/v1/payments/${payment.payment.id}`);
      const applied = sum(shown.body.allocations.map((allocation: { amount: number; amount_refunded: number }) => allocation.amount - allocation.amount_refunded));
      expect(shown.body.amount, payment.payment.id).toBe(applied + shown.body.amount_unallocated + shown.body.amount_refunded);
      expect(shown.body.allocations.every((allocation: { planned: boolean }) => !allocation.planned)).toBe(true);
    }
  });

  it("should keep the books balanced when confirmations race with bank transfers recorded on the same invoices", async () => {
    const world = await stripeWorld();
    const invoices: Invoice[] = [];
    for (const amount of [8_000, 3_000, 5_500, 6_100]) invoices.push(await invoiceOf(world, amount));
    const payments: Confirmed[] = [];
    for (let k = 0; k < 12; k += 1) payments.push(await succeededCard(world, [invoices[k % 4]!.id, invoices[(k + 1) % 4]!.id]));

    const transfers = invoices.flatMap((invoice) => [
      recordPayment(world.merchant.key, [{ invoice: invoice.id, amount: 1_000 }]),
      recordPayment(world.merchant.key, [{ invoice: invoice.id, amount: invoice.total }]),
    ]);
    const [, offline] = await watchInvoices(
      world.merchant.id,
      Promise.all([deliverConcurrently(world, payments.map((payment) => payment.event)), Promise.all(transfers)]),
    ).then(({ result }) => result);

    for (const response of offline) expect([201, 409, 422], response.text).toContain(response.status);
    const books = await booksOf(world.merchant.id);
    expectBalancedBooks(books);
    expect(books.payments.filter((payment) => payment.status !== "succeeded")).toEqual([]);
    for (const invoice of books.invoices) expect(invoice).toMatchObject({ status: "paid", amount_paid: invoice.total, processing: 0 });
    const received = sum(books.payments.map((payment) => payment.amount));
    const credit = sum(books.payments.map((payment) => creditOf(books, payment)));
    expect(received).toBe(sum(books.invoices.map((invoice) => invoice.total)) + credit);
  });

  it("should apply a payment once when its event is delivered ten times at once", async () => {
    const world = await stripeWorld();
    const invoice = await invoiceOf(world, 10_000);
    const { payment, event } = await succeededCard(world, [invoice.id]);

    const responses = await Promise.all(Array.from({ length: 10 }, () => deliver(targetOf(world), event)));

    expect(responses.map((response) => response.status)).toEqual(Array(10).fill(200));
    expect(responses.filter((response) => response.body.outcome === "applied")).toHaveLength(1);
    const books = await booksOf(world.merchant.id);
    expectBalancedBooks(books);
    expect(books.invoices).toEqual([expect.objectContaining({ status: "paid", amount_paid: 10_000 })]);
    const succeeded = await env.DB.prepare("SELECT count(*) AS n FROM events WHERE merchant_id = ? AND type = 'payment.succeeded' AND payment_id = ?")
      .bind(world.merchant.id, payment.id)
      .first<{ n: number }>();
    expect(succeeded!.n).toBe(1);
  });
});
