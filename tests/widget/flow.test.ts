/**
 * The payment flow when the client is quicker than the network: double clicks, going back while a
 * payment is being created or a provider script is still loading, a session that changes.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { QuittanceInvoices } from "../../widget/src/quittance-invoices";
import { button, checkbox, FakeApi, json, makeInvoice, mountWidget, part, payWith, removeWidgets, waitForView } from "./support";

let api: FakeApi;

beforeEach(() => {
  api = new FakeApi();
  api.install();
  api.config.payment_methods = ["sandbox", "card", "paypal"];
  api.invoices = [makeInvoice({ total: 12_000 })];
});

afterEach(() => {
  removeWidgets();
  api.uninstall();
  delete window.Stripe;
  delete window.paypal;
});

function deferred(): { promise: Promise<Response>; resolve(response: Response): void } {
  let resolve!: (response: Response) => void;
  const promise = new Promise<Response>((done) => (resolve = done));
  return { promise, resolve };
}

async function toMethod(element: QuittanceInvoices, method: string): Promise<void> {
  checkbox(element, api.invoices[0]!).click();
  await element.updateComplete;
  part(element, "pay-button")!.click();
  await waitForView(element, "method");
  element.shadowRoot!.querySelector<HTMLInputElement>(`input[type="radio"][value="${method}"]`)!.click();
  await element.updateComplete;
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

describe("creating the payment", () => {
  it("should create one payment and show progress when Continue is clicked twice", async () => {
    const created = deferred();
    api.routes.set("POST /v1/client/payments", () => created.promise);
    const element = await mountWidget();
    await waitForView(element, "list");
    await toMethod(element, "sandbox");

    part(element, "continue-button")!.click();
    await element.updateComplete;
    expect((part(element, "continue-button") as HTMLButtonElement).disabled).toBe(true);
    expect(part(element, "method-form")?.getAttribute("aria-busy")).toBe("true");
    part(element, "continue-button")!.click();
    part(element, "method-form")!.dispatchEvent(new SubmitEvent("submit", { cancelable: true }));
    created.resolve(json({ id: "pay_00000000000000000000000001", status: "pending", method: "sandbox", amount: 12_000, currency: "eur", invoices: [api.invoices[0]!.id], failure_message: null, action: { type: "sandbox", form_url: "https://api.quittance.test/sandbox/pay/x", token: "t" } }));
    await waitForView(element, "paying");

    expect(api.calls("POST /v1/client/payments")).toHaveLength(1);
  });

  it("should stay on the list when the client goes back while the payment is being created", async () => {
    const created = deferred();
    api.routes.set("POST /v1/client/payments", () => created.promise);
    const element = await mountWidget();
    await waitForView(element, "list");
    await toMethod(element, "sandbox");
    part(element, "continue-button")!.click();
    button(element, "Back").click();
    await waitForView(element, "list");

    created.resolve(json({ id: "pay_00000000000000000000000001", status: "pending", method: "sandbox", amount: 12_000, currency: "eur", invoices: [api.invoices[0]!.id], failure_message: null, action: { type: "sandbox", form_url: "https://api.quittance.test/sandbox/pay/x", token: "t" } }));
    await settle();

    expect(element.view.kind).toBe("list");
  });
});

describe("going back while a provider script loads", () => {
  /** Clicks Back as soon as the widget adds its light-DOM provider host, before the script has loaded. */
  function backAsSoonAsTheProviderHostAppears(element: QuittanceInvoices): Promise<void> {
    return new Promise((resolve) => {
      const observer = new MutationObserver(() => {
        if (!element.querySelector('[slot="provider"]')) return;
        observer.disconnect();
        button(element, "Back").click();
        resolve();
      });
      observer.observe(element, { childList: true });
    });
  }

  it.each([
    ["card", "stripe-js-url", "./fixtures/stripe-standin.js"],
    ["paypal", "paypal-sdk-url", "./fixtures/paypal-standin.js"],
  ])("should stay on the list with nothing mounted when the client goes back while the %s script loads", async (method, attribute, path) => {
    const url = `${new URL(path, import.meta.url).href}?race=${method}`;
    const element = await mountWidget({ [attribute]: url });
    await waitForView(element, "list");
    await toMethod(element, method);
    const wentBack = backAsSoonAsTheProviderHostAppears(element);
    const failed = vi.fn();
    element.addEventListener("quittance-payment-failed", failed);
    part(element, "continue-button")!.click();
    await wentBack;
    await vi.waitFor(() => expect(document.querySelector(`script[src^="${url}"]`)).not.toBeNull());
    await settle();

    expect(element.view.kind).toBe("list");
    expect(failed).not.toHaveBeenCalled();
    expect(element.querySelector('[slot="provider"]')).toBeNull();
    expect(document.querySelector(".standin-payment-element, .standin-paypal-buttons")).toBeNull();
  });
});

describe("the session", () => {
  it("should load the configuration and invoices once when mounted", async () => {
    const element = await mountWidget();
    await waitForView(element, "list");
    await api.stream();
    await settle();

    expect(api.calls("GET /v1/client/config")).toHaveLength(1);
    expect(api.calls("GET /v1/client/invoices?limit=100")).toHaveLength(1);
    expect(api.streams).toHaveLength(1);
  });

  it("should reload with the new session and drop the old stream when the session attribute changes", async () => {
    const element = await mountWidget();
    await waitForView(element, "list");
    await api.stream();
    element.setAttribute("session", "cs_other_session");
    await api.stream(2);
    await waitForView(element, "list");

    const invoiceCalls = api.calls("GET /v1/client/invoices?limit=100");
    expect(invoiceCalls.map((call) => call.headers.get("authorization"))).toEqual(["Bearer cs_test_session", "Bearer cs_other_session"]);
    expect(api.streams[1]!.headers.get("authorization")).toBe("Bearer cs_other_session");
    expect(api.calls("GET /v1/client/stream").map((call) => call.signal?.aborted)).toEqual([true, false]);
  });
});

describe("trying again when nothing is left to pay", () => {
  it("should go back to the list when Try again is pressed after the failed payment's invoice was paid elsewhere", async () => {
    const invoice = makeInvoice({ number: "F-AGAIN" });
    api.invoices = [invoice];
    api.sandboxOutcome = { status: "failed", failure_message: "Your card was declined." };
    const element = await mountWidget();
    await waitForView(element, "list");
    await payWith(element, [invoice], "sandbox");
    await waitForView(element, "paying");
    part(element, "confirm-button")!.click();
    await waitForView(element, "failed");
    element.selected = new Set(); // the live update of an invoice paid elsewhere empties the selection
    await element.updateComplete;
    button(element, "Try again").click();
    await waitForView(element, "list");
  });
});
