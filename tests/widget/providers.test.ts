/**
 * Stripe's Payment Element and PayPal's buttons, with stand-ins for Stripe.js and the PayPal SDK
 * served by the test's own Vite server (tests/widget/fixtures). They must mount into a light-DOM
 * child of the host, and their scripts must not be requested before the client picks the method.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { QuittanceInvoices } from "../../widget/src/quittance-invoices";
import { button, checkbox, FakeApi, makeInvoice, mountWidget, part, payWith, removeWidgets, shadow, text, waitForView } from "./support";

interface StandinLog {
  loads: (string | null)[];
  calls: Record<string, unknown>[];
  confirmResult?: (() => Promise<{ error?: { message?: string } }>) | null;
}

declare global {
  interface Window {
    __stripeStandin?: StandinLog;
    __paypalStandin?: StandinLog;
  }
}

const STRIPE_STANDIN = new URL("./fixtures/stripe-standin.js", import.meta.url).href;
const PAYPAL_STANDIN = new URL("./fixtures/paypal-standin.js", import.meta.url).href;

let api: FakeApi;
let run = 0;
let stripeUrl: string;
let paypalUrl: string;

beforeEach(() => {
  api = new FakeApi();
  api.install();
  api.config.payment_methods = ["card", "paypal", "sandbox"];
  api.invoices = [makeInvoice({ number: "F-ONE", total: 12_000 }), makeInvoice({ number: "F-TWO", total: 3_456 })];
  // A fresh URL per test: the widget caches loaded scripts by URL, and each test starts with none loaded.
  run += 1;
  stripeUrl = `${STRIPE_STANDIN}?run=${run}`;
  paypalUrl = `${PAYPAL_STANDIN}?run=${run}`;
  performance.clearResourceTimings();
  performance.setResourceTimingBufferSize(10_000);
});

afterEach(() => {
  removeWidgets();
  api.uninstall();
  for (const script of document.querySelectorAll("script[src*='-standin.js']")) script.remove();
  delete window.Stripe;
  delete window.paypal;
  delete window.__stripeStandin;
  delete window.__paypalStandin;
});

async function mountWithStandins(extra: Record<string, string> = {}): Promise<QuittanceInvoices> {
  const element = await mountWidget({ "stripe-js-url": stripeUrl, "paypal-sdk-url": paypalUrl, ...extra });
  await waitForView(element, "list");
  return element;
}

/** Every way a provider script could have been requested: a <script> element, a resource fetch, its global. */
function providerRequests(): string[] {
  const scripts = [...document.querySelectorAll<HTMLScriptElement>("script[src]")].map((script) => script.src);
  const resources = performance.getEntriesByType("resource").map((entry) => entry.name);
  const urls = [...scripts, ...resources].filter((url) => /(stripe|paypal)-standin\.js|js\.stripe\.com|paypal\.com\/sdk/.test(url));
  const globals = [window.Stripe && "window.Stripe", window.paypal && "window.paypal"].filter((name): name is string => typeof name === "string");
  return [...urls, ...globals];
}

function requested(url: string): { scripts: number; resources: number } {
  return {
    scripts: [...document.querySelectorAll<HTMLScriptElement>("script[src]")].filter((script) => script.src.startsWith(url)).length,
    resources: performance.getEntriesByType("resource").filter((entry) => entry.name.startsWith(url)).length,
  };
}

/** The provider's node: in the light DOM under the host's `slot="provider"` child, never in the shadow root. */
function lightDomNode(element: QuittanceInvoices, selector: string): HTMLElement | null {
  return element.querySelector<HTMLElement>(`:scope > [slot="provider"] ${selector}`);
}

describe("no provider script before a method is picked", () => {
  it("should request neither Stripe.js nor the PayPal SDK when the client browses the list, a detail and the method picker", async () => {
    const element = await mountWithStandins();
    expect(providerRequests()).toEqual([]);

    part(element, "details-button")!.click();
    await waitForView(element, "detail");
    button(element, "Close").click();
    await waitForView(element, "list");
    checkbox(element, api.invoices[0]!).click();
    await element.updateComplete;
    part(element, "pay-button")!.click();
    await waitForView(element, "method");
    const card = shadow(element).querySelector<HTMLInputElement>('input[type="radio"][value="card"]')!;
    card.click();
    await element.updateComplete;
    expect(card.checked).toBe(true);
    // Give a lazy loader every chance to have started.
    await new Promise((resolve) => setTimeout(resolve, 200));

    expect(providerRequests()).toEqual([]);
    expect(element.querySelector('[slot="provider"]')).toBeNull();
  });

  it("should not request the default js.stripe.com or paypal.com scripts when no URL is overridden and the list loads", async () => {
    const element = await mountWidget();
    await waitForView(element, "list");
    await new Promise((resolve) => setTimeout(resolve, 200));

    expect(providerRequests()).toEqual([]);
  });

  it("should load only the PayPal SDK when PayPal is picked, and only Stripe.js when card is picked", async () => {
    const element = await mountWithStandins();
    await payWith(element, [api.invoices[0]!], "paypal");
    await vi.waitFor(() => expect(lightDomNode(element, ".standin-paypal-buttons")).not.toBeNull());

    expect(requested(paypalUrl)).toEqual({ scripts: 1, resources: 1 });
    expect(requested(stripeUrl)).toEqual({ scripts: 0, resources: 0 });
    expect(window.Stripe).toBeUndefined();
  });
});

describe("Stripe Payment Element", () => {
  it("should load Stripe.js and mount the payment element into a light-DOM child slotted into the shadow tree when card is picked", async () => {
    const element = await mountWithStandins();
    await payWith(element, api.invoices, "card");
    await waitForView(element, "paying");
    await vi.waitFor(() => expect(lightDomNode(element, ".standin-payment-element")).not.toBeNull());

    expect(requested(stripeUrl)).toEqual({ scripts: 1, resources: 1 });
    const paymentElement = lightDomNode(element, ".standin-payment-element")!;
    const providerHost = paymentElement.parentElement!;
    expect(providerHost.parentElement).toBe(element);
    expect(paymentElement.getRootNode()).toBe(document);
    expect(shadow(element).querySelector(".standin-payment-element")).toBeNull();
    const slot = shadow(element).querySelector<HTMLSlotElement>('slot[name="provider"]')!;
    expect(slot.assignedElements()).toEqual([providerHost]);
    expect(slot.closest('[part~="provider"]')).not.toBeNull();
    const payment = [...api.payments.values()][0]!;
    expect(window.__stripeStandin?.calls).toEqual([
      { call: "Stripe", publishableKey: "pk_test_standin" },
      { call: "elements", clientSecret: `${payment.id}_secret_test` },
      { call: "mount", kind: "payment" },
    ]);
    expect(text(part(element, "confirm-button"))).toBe("Pay €154.56");
  });

  it("should confirm through Stripe.js and show the receipt when the client pays by card", async () => {
    const element = await mountWithStandins();
    await payWith(element, [api.invoices[0]!], "card");
    await vi.waitFor(() => expect(lightDomNode(element, ".standin-payment-element")).not.toBeNull());
    const payment = [...api.payments.values()][0]!;
    // Stripe confirms the card, then its webhook settles the payment on our server.
    window.__stripeStandin!.confirmResult = async () => (api.settle(payment.id), {});
    part(element, "confirm-button")!.click();
    await waitForView(element, "paid");

    expect(window.__stripeStandin?.calls.at(-2)).toEqual({ call: "confirmPayment", redirect: "if_required", returnUrl: location.href });
    expect(window.__stripeStandin?.calls.at(-1)).toEqual({ call: "destroy" });
    expect(api.calls(`GET /v1/client/payments/${payment.id}`).length).toBeGreaterThan(0);
    expect(element.querySelector('[slot="provider"]')).toBeNull();
  });

  it("should show Stripe's message and take down the element when the card is declined", async () => {
    const element = await mountWithStandins();
    await payWith(element, [api.invoices[0]!], "card");
    await vi.waitFor(() => expect(lightDomNode(element, ".standin-payment-element")).not.toBeNull());
    window.__stripeStandin!.confirmResult = async () => ({ error: { message: "Your card has insufficient funds." } });
    part(element, "confirm-button")!.click();
    await waitForView(element, "failed");

    expect(text(part(element, "failure"))).toContain("Your card has insufficient funds.");
    expect(element.querySelector('[slot="provider"]')).toBeNull();
    expect(api.requests.filter((request) => request.url.pathname.startsWith("/v1/client/payments/"))).toEqual([]);
  });

  it("should remove the light-DOM element when the client goes back from the card step", async () => {
    const element = await mountWithStandins();
    await payWith(element, [api.invoices[0]!], "card");
    await vi.waitFor(() => expect(lightDomNode(element, ".standin-payment-element")).not.toBeNull());
    button(element, "Back").click();
    await waitForView(element, "list");

    expect(element.querySelector('[slot="provider"]')).toBeNull();
    expect(window.__stripeStandin?.calls.at(-1)).toEqual({ call: "destroy" });
  });

  it("should request Stripe.js only once when the client starts a card payment twice", async () => {
    const element = await mountWithStandins();
    await payWith(element, [api.invoices[0]!], "card");
    await vi.waitFor(() => expect(lightDomNode(element, ".standin-payment-element")).not.toBeNull());
    button(element, "Back").click();
    await waitForView(element, "list");
    await payWith(element, [], "card");
    await vi.waitFor(() => expect(lightDomNode(element, ".standin-payment-element")).not.toBeNull());

    expect(requested(stripeUrl)).toEqual({ scripts: 1, resources: 1 });
    expect(window.__stripeStandin?.loads).toHaveLength(1);
    expect(element.querySelectorAll('[slot="provider"]')).toHaveLength(1);
  });
});

describe("PayPal buttons", () => {
  it("should load the PayPal SDK with the client id and currency and render the buttons into light DOM when PayPal is picked", async () => {
    const element = await mountWithStandins();
    await payWith(element, api.invoices, "paypal");
    await vi.waitFor(() => expect(lightDomNode(element, ".standin-paypal-buttons")).not.toBeNull());

    const loaded = new URL(window.__paypalStandin!.loads[0]!);
    expect(`${loaded.origin}${loaded.pathname}`).toBe(PAYPAL_STANDIN);
    expect(Object.fromEntries(loaded.searchParams)).toEqual({ run: String(run), "client-id": "paypal-client-standin", currency: "EUR", intent: "capture" });
    const buttons = lightDomNode(element, ".standin-paypal-buttons")!;
    expect(buttons.parentElement?.parentElement).toBe(element);
    expect(buttons.getRootNode()).toBe(document);
    expect(shadow(element).querySelector(".standin-paypal-buttons")).toBeNull();
    expect(shadow(element).querySelector<HTMLSlotElement>('slot[name="provider"]')!.assignedElements()).toEqual([buttons.parentElement]);
  });

  it("should capture the order on our server and show the receipt when the client approves in PayPal", async () => {
    const element = await mountWithStandins();
    const succeeded = new Promise<CustomEvent>((resolve) => element.addEventListener("quittance-payment-succeeded", resolve, { once: true }));
    await payWith(element, [api.invoices[0]!], "paypal");
    await vi.waitFor(() => expect(lightDomNode(element, ".standin-paypal-approve")).not.toBeNull());
    lightDomNode(element, ".standin-paypal-approve")!.click();
    await waitForView(element, "paid");

    const payment = [...api.payments.values()][0]!;
    expect(api.calls(`POST /v1/client/payments/${payment.id}/capture`)).toHaveLength(1);
    expect((await succeeded).detail).toMatchObject({ payment: payment.id, amount: 12_000, currency: "eur" });
    expect(element.querySelector('[slot="provider"]')).toBeNull();
  });

  it("should go back to the list with nothing left in light DOM when the client cancels in PayPal", async () => {
    const element = await mountWithStandins();
    await payWith(element, [api.invoices[0]!], "paypal");
    await vi.waitFor(() => expect(lightDomNode(element, ".standin-paypal-cancel")).not.toBeNull());
    lightDomNode(element, ".standin-paypal-cancel")!.click();
    await waitForView(element, "list");

    expect(element.querySelector('[slot="provider"]')).toBeNull();
    expect(api.requests.some((request) => request.url.pathname.endsWith("/capture"))).toBe(false);
  });

  it("should show the failure when PayPal reports an error", async () => {
    const element = await mountWithStandins();
    await payWith(element, [api.invoices[0]!], "paypal");
    await vi.waitFor(() => expect(lightDomNode(element, ".standin-paypal-error")).not.toBeNull());
    lightDomNode(element, ".standin-paypal-error")!.click();
    await waitForView(element, "failed");

    expect(text(part(element, "failure"))).toContain("PayPal could not process the payment.");
    expect(element.querySelector('[slot="provider"]')).toBeNull();
  });
});

describe("a provider script that does not load", () => {
  it("should show the failure when Stripe.js cannot be loaded", async () => {
    const element = await mountWithStandins({ "stripe-js-url": new URL("./fixtures/missing-stripe.js", import.meta.url).href });
    await payWith(element, [api.invoices[0]!], "card");
    await waitForView(element, "failed");

    expect(text(part(element, "failure"))).toContain("could not load");
    expect(element.querySelector('[slot="provider"]')).toBeNull();
  });
});
