/**
 * Replay: Stripe delivers at least once and in no particular order. Two merchants live the same
 * story — the same invoices, the same payments, the same payers paying, failing, refunding in the
 * dashboard, disputing, completing or abandoning Checkout — each in its own Stripe account of the
 * local fake, which produces the real events. Merchant A receives each event once, in the order the
 * fake produced them; merchant B receives 1,000 deliveries: every event, plus duplicates, shuffled
 * (seeded, so a failure replays). Both must end in exactly the same books, and the in-order books
 * must be the right ones.
 */
import type Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { api, recordPayment } from "../helpers";
import {
  booksOf,
  control,
  creditOf,
  deliver,
  expectBalancedBooks,
  fakeEvents,
  invoiceOf,
  providerRefOf,
  startPayment,
  stripeDashboard,
  stripeWorld,
  targetOf,
  type Books,
  type StripeWorld,
} from "./stripe-support";

const SEED = 20_261_203;
const ROUNDS = 6;
const DELIVERIES = 1_000;

/** mulberry32: a small seeded PRNG, so the shuffle and the duplicates are the same on every run. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function shuffle<T>(items: T[], next: () => number): T[] {
  const copy = [...items];
  for (let index = copy.length - 1; index > 0; index -= 1) {
    const other = Math.floor(next() * (index + 1));
    [copy[index], copy[other]] = [copy[other]!, copy[index]!];
  }
  return copy;
}

/** What one merchant's story left: its roles (`r2.refunds.pay`, `r2.refunds.inv1`) mapped to its own ids. */
interface Story {
  world: StripeWorld;
  invoices: Map<string, string>;
  payments: Map<string, string>;
  /** What a correct ledger shows for each payment role once every event is in. */
  expected: Map<string, { status: string; amount_refunded: number }>;
  /** The provider objects of this merchant's payments (PaymentIntents, Checkout Sessions). */
  objects: Set<string>;
}

interface Step {
  story: Story;
  round: number;
  name: string;
}

async function invoices(step: Step, amounts: number[]): Promise<string[]> {
  const ids: string[] = [];
  for (const [index, amount] of amounts.entries()) {
    const invoice = await invoiceOf(step.story.world, amount);
    step.story.invoices.set(`r${step.round}.${step.name}.inv${index}`, invoice.id);
    ids.push(invoice.id);
  }
  return ids;
}

async function pay(step: Step, invoiceIds: string[], method: "card" | "stripe_checkout", expected: { status: string; amount_refunded: number }) {
  const payment = await startPayment(step.story.world, invoiceIds, method);
  const role = `r${step.round}.${step.name}.pay`;
  step.story.payments.set(role, payment.id);
  step.story.expected.set(role, expected);
  const ref = await providerRefOf(payment.id);
  step.story.objects.add(ref);
  return { payment, ref };
}

/** A Checkout Session completed by the payer: answers the PaymentIntent Checkout created. */
async function completeCheckout(step: Step, session: string): Promise<string> {
  const completed = await control(`checkout/sessions/${session}/complete`);
  const intent = (completed.data.object as Stripe.Checkout.Session).payment_intent as string;
  step.story.objects.add(intent);
  return intent;
}

const refundAtStripe = (step: Step, intent: string, amount: number) => stripeDashboard(step.story.world.secretKey).refunds.create({ payment_intent: intent, amount });

/** One round of the story: every kind of thing a payment goes through, with amounts varied by round. */
async function playRound(story: Story, round: number): Promise<void> {
  const step = (name: string): Step => ({ story, round, name });
  const base = 6_000 + round * 137;

  {
    const s = step("single");
    const { ref } = await pay(s, await invoices(s, [base]), "card", { status: "succeeded", amount_refunded: 0 });
    await control(`payment_intents/${ref}/succeed`);
  }
  {
    const s = step("batch");
    const { ref } = await pay(s, await invoices(s, [base + 11, base + 22]), "card", { status: "succeeded", amount_refunded: 0 });
    await control(`payment_intents/${ref}/succeed`);
  }
  {
    const s = step("retried");
    const { ref } = await pay(s, await invoices(s, [base + 33]), "card", { status: "succeeded", amount_refunded: 0 });
    await control(`payment_intents/${ref}/fail`, { decline_code: "insufficient_funds" });
    await control(`payment_intents/${ref}/fail`);
    await control(`payment_intents/${ref}/succeed`);
  }
  {
    const s = step("declined");
    const { ref } = await pay(s, await invoices(s, [base + 44]), "card", { status: "failed", amount_refunded: 0 });
    await control(`payment_intents/${ref}/fail`);
  }
  {
    const s = step("refunded-twice");
    const { ref } = await pay(s, await invoices(s, [base + 55, 2_000]), "card", { status: "partially_refunded", amount_refunded: 1_000 + 700 });
    await control(`payment_intents/${ref}/succeed`);
    await refundAtStripe(s, ref, 1_000);
    await refundAtStripe(s, ref, 700);
  }
  {
    const s = step("disputed");
    const amount = base + 66;
    const { ref } = await pay(s, await invoices(s, [amount]), "card", { status: "refunded", amount_refunded: amount });
    await control(`payment_intents/${ref}/succeed`);
    await control(`payment_intents/${ref}/dispute`);
  }
  {
    const s = step("refunded-then-disputed");
    const { ref } = await pay(s, await invoices(s, [base + 77]), "card", { status: "partially_refunded", amount_refunded: 1_500 + 3_000 });
    await control(`payment_intents/${ref}/succeed`);
    await refundAtStripe(s, ref, 1_500);
    await control(`payment_intents/${ref}/dispute`, { amount: 3_000 });
  }
  {
    const s = step("checkout");
    const { ref } = await pay(s, await invoices(s, [base + 88, base + 99]), "stripe_checkout", { status: "succeeded", amount_refunded: 0 });
    await completeCheckout(s, ref);
  }
  {
    const s = step("checkout-refunded");
    const { ref } = await pay(s, await invoices(s, [base + 110]), "stripe_checkout", { status: "partially_refunded", amount_refunded: 2_000 });
    await refundAtStripe(s, await completeCheckout(s, ref), 2_000);
  }
  {
    const s = step("checkout-disputed");
    const { ref } = await pay(s, await invoices(s, [base + 121]), "stripe_checkout", { status: "partially_refunded", amount_refunded: 2_500 });
    const intent = await completeCheckout(s, ref);
    await control(`payment_intents/${intent}/dispute`, { amount: 2_500 });
  }
  {
    const s = step("checkout-expired");
    const { ref } = await pay(s, await invoices(s, [base + 132]), "stripe_checkout", { status: "processing", amount_refunded: 0 });
    await control(`checkout/sessions/${ref}/expire`);
  }
  {
    const s = step("canceled");
    const { ref } = await pay(s, await invoices(s, [base + 143]), "card", { status: "processing", amount_refunded: 0 });
    await control(`payment_intents/${ref}/cancel`);
  }
  {
    const s = step("paid-offline-meanwhile");
    const [settledElsewhere, other] = await invoices(s, [base + 154, base + 165]);
    const { ref } = await pay(s, [settledElsewhere!, other!], "card", { status: "succeeded", amount_refunded: 0 });
    expect((await recordPayment(story.world.merchant.key, [{ invoice: settledElsewhere!, amount: base + 154 }])).status).toBe(201);
    await control(`payment_intents/${ref}/succeed`);
  }
  {
    const s = step("credit-refunded");
    const [settledElsewhere, other] = await invoices(s, [base + 176, base + 187]);
    const { ref } = await pay(s, [settledElsewhere!, other!], "card", { status: "partially_refunded", amount_refunded: 5_000 });
    expect((await recordPayment(story.world.merchant.key, [{ invoice: settledElsewhere!, amount: 3_000 }])).status).toBe(201);
    await control(`payment_intents/${ref}/succeed`);
    await refundAtStripe(s, ref, 5_000);
  }
}

async function playStory(name: string): Promise<Story> {
  const story: Story = {
    world: await stripeWorld({ name, methods: ["card", "stripe_checkout"] }),
    invoices: new Map(),
    payments: new Map(),
    expected: new Map(),
    objects: new Set(),
  };
  for (let round = 0; round < ROUNDS; round += 1) await playRound(story, round);
  return story;
}

/** The events the fake produced for this merchant's payments, in the order it produced them. */
async function eventsOf(story: Story): Promise<Stripe.Event[]> {
  const related = (event: Stripe.Event) => {
    const object = event.data.object as { id?: string; payment_intent?: string | { id: string } | null };
    const intent = typeof object.payment_intent === "string" ? object.payment_intent : object.payment_intent?.id;
    return (object.id !== undefined && story.objects.has(object.id)) || (intent !== undefined && story.objects.has(intent));
  };
  return (await fakeEvents()).filter(related);
}

async function deliverAll(story: Story, deliveries: Stripe.Event[]): Promise<Map<string, number>> {
  const outcomes = new Map<string, number>();
  for (const event of deliveries) {
    const response = await deliver(targetOf(story.world), event);
    expect(response.status, `${event.type} ${event.id}: ${response.text}`).toBe(200);
    const outcome = response.body.outcome!;
    outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
  }
  return outcomes;
}

/** The books with every id replaced by its role, so two merchants' books compare. */
async function normalisedBooks(story: Story) {
  const books: Books = await booksOf(story.world.merchant.id);
  expectBalancedBooks(books);
  const invoiceRole = new Map([...story.invoices].map(([role, id]) => [id, role]));
  const paymentRole = new Map([...story.payments].map(([role, id]) => [id, role]));
  const online = books.payments.filter((payment) => paymentRole.has(payment.id));
  const customer = await api(story.world.merchant.key, "GET", `/v1/customers/${story.world.customer}`);
  return {
    invoices: Object.fromEntries(books.invoices.map((invoice) => [invoiceRole.get(invoice.id), { status: invoice.status, amount_paid: invoice.amount_paid, processing: invoice.processing }])),
    payments: Object.fromEntries(
      online.map((payment) => [
        paymentRole.get(payment.id),
        {
          status: payment.status,
          amount: payment.amount,
          amount_refunded: payment.amount_refunded,
          credit: creditOf(books, payment),
          allocations: books.allocations
            .filter((allocation) => allocation.payment_id === payment.id)
            .map((allocation) => ({ invoice: invoiceRole.get(allocation.invoice_id), amount: allocation.amount, amount_refunded: allocation.amount_refunded, applied: allocation.applied })),
        },
      ]),
    ),
    credit_balances: customer.body.credit_balances,
  };
}

describe("replaying Stripe events", () => {
  it(
    "should end in exactly the books of in-order delivery when 1,000 deliveries come shuffled and with duplicates",
    async () => {
      const inOrder = await playStory("In order SARL");
      const shuffled = await playStory("Shuffled SARL");
      const ordered = await eventsOf(inOrder);
      const events = await eventsOf(shuffled);
      expect(events.length).toBe(ordered.length);
      expect(events.length).toBeGreaterThanOrEqual(25 * ROUNDS);
      expect(new Set(events.map((event) => event.type))).toEqual(
        new Set([
          "payment_intent.succeeded",
          "payment_intent.payment_failed",
          "payment_intent.canceled",
          "charge.refunded",
          "charge.dispute.created",
          "checkout.session.completed",
          "checkout.session.expired",
        ]),
      );

      const next = random(SEED);
      const duplicates = Array.from({ length: DELIVERIES - events.length }, () => events[Math.floor(next() * events.length)]!);
      const deliveries = shuffle([...events, ...duplicates], next);
      expect(deliveries).toHaveLength(DELIVERIES);

      const orderedOutcomes = await deliverAll(inOrder, ordered);
      const shuffledOutcomes = await deliverAll(shuffled, deliveries);

      expect(orderedOutcomes.get("duplicate") ?? 0, "in order, no event is seen twice").toBe(0);
      expect(shuffledOutcomes.get("duplicate"), `seed ${SEED}`).toBe(DELIVERIES - events.length);

      // The in-order books are the right ones: each payment as the fake left it.
      const expectedBooks = await normalisedBooks(inOrder);
      for (const [role, expected] of inOrder.expected) expect(expectedBooks.payments[role], role).toMatchObject(expected);
      // …and the shuffled, duplicated delivery ends in exactly those books.
      expect(await normalisedBooks(shuffled), `seed ${SEED}`).toEqual(expectedBooks);
    },
    300_000,
  );
});
