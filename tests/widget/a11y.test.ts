import axe from "axe-core";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { cdp } from "vitest/browser";
import type { QuittanceInvoices } from "../../widget/src/quittance-invoices";
import { button, checkbox, FakeApi, makeInvoice, mountWidget, part, payWith, problem, removeWidgets, waitForView } from "./support";

let api: FakeApi;

beforeEach(() => {
  api = new FakeApi();
  api.install();
  api.config.payment_methods = ["sandbox", "paypal"];
  api.invoices = [
    makeInvoice({ number: "F-LATE", total: 5_000, overdue: true, days_overdue: 3 }),
    makeInvoice({ number: "F-OPEN", total: 12_000, status: "partially_paid", amount_paid: 2_000, hosted_url: "https://api.quittance.test/pay/tok" }),
    makeInvoice({
      number: "F-PAID",
      total: 7_500,
      status: "paid",
      payments: [{ payment: "pay_00000000000000000000000009", amount: 7_500, amount_refunded: 0, method: "sandbox", status: "succeeded", created: "2026-02-10T12:00:00.000Z" }],
    }),
  ];
});

afterEach(() => {
  removeWidgets();
  api.uninstall();
});

/** axe-core over the element and its open shadow root; every rule, WCAG 2.x A/AA and best practices. */
async function violations(element: QuittanceInvoices): Promise<string[]> {
  await element.updateComplete;
  const results = await axe.run(element, { resultTypes: ["violations"] });
  return results.violations.map((violation) => `${violation.id}: ${violation.help} — ${violation.nodes.map((node) => JSON.stringify(node.target)).join(", ")}`);
}

async function listed(lang = "en"): Promise<QuittanceInvoices> {
  const element = await mountWidget({ lang });
  await waitForView(element, "list");
  return element;
}

/** Light and dark themes follow prefers-color-scheme, emulated through Chromium's DevTools protocol. */
async function colorScheme(value: "light" | "dark"): Promise<void> {
  // vitest's CDPSession type leaves `send` out; Chromium's session has it.
  const session = cdp() as unknown as { send(method: string, params: unknown): Promise<unknown> };
  await session.send("Emulation.setEmulatedMedia", { features: [{ name: "prefers-color-scheme", value }] });
  expect(matchMedia("(prefers-color-scheme: dark)").matches).toBe(value === "dark");
}

describe.each([
  ["en", "light"],
  ["fr", "light"],
  ["en", "dark"],
  ["fr", "dark"],
] as const)("axe in %s, %s theme", (lang, scheme) => {
  beforeEach(() => colorScheme(scheme));
  afterEach(() => colorScheme("light"));

  it("should find no violations when loading", async () => {
    api.routes.set("GET /v1/client/invoices?limit=100", () => new Promise<Response>(() => {}));
    const element = await mountWidget({ lang });
    expect(element.view.kind).toBe("loading");

    expect(await violations(element)).toEqual([]);
  });

  it("should find no violations when the list is empty", async () => {
    api.invoices = [];
    const element = await listed(lang);
    expect(part(element, "empty")).not.toBeNull();

    expect(await violations(element)).toEqual([]);
  });

  it("should find no violations when loading failed", async () => {
    api.routes.set("GET /v1/client/invoices?limit=100", () => problem(500, "internal", "Unavailable."));
    const element = await mountWidget({ lang });
    await waitForView(element, "error");

    expect(await violations(element)).toEqual([]);
  });

  it("should find no violations when the list shows invoices with some selected", async () => {
    const element = await listed(lang);
    checkbox(element, api.invoices[0]!).click();
    await element.updateComplete;
    expect(part(element, "total")?.textContent).not.toBe("");

    expect(await violations(element)).toEqual([]);
  });

  it("should find no violations when an invoice's detail is open", async () => {
    const element = await listed(lang);
    part(element, "details-button")!.click();
    await waitForView(element, "detail");

    expect(await violations(element)).toEqual([]);
  });

  it("should find no violations when a paid invoice's detail with its payments is open", async () => {
    const element = await listed(lang);
    [...element.shadowRoot!.querySelectorAll<HTMLElement>('[part="details-button"]')].at(-1)!.click();
    await waitForView(element, "detail");

    expect(await violations(element)).toEqual([]);
  });

  it("should find no violations when the method picker is shown", async () => {
    const element = await listed(lang);
    checkbox(element, api.invoices[0]!).click();
    await element.updateComplete;
    part(element, "pay-button")!.click();
    await waitForView(element, "method");

    expect(await violations(element)).toEqual([]);
  });

  it("should find no violations when no payment method is available", async () => {
    api.config.payment_methods = [];
    const element = await listed(lang);
    checkbox(element, api.invoices[0]!).click();
    await element.updateComplete;
    part(element, "pay-button")!.click();
    await waitForView(element, "method");

    expect(await violations(element)).toEqual([]);
  });

  it("should find no violations when the sandbox card form is shown", async () => {
    const element = await listed(lang);
    await payWith(element, [api.invoices[0]!], "sandbox");
    await waitForView(element, "paying");

    expect(await violations(element)).toEqual([]);
  });

  it("should find no violations when the payment is paid", async () => {
    const element = await listed(lang);
    await payWith(element, [api.invoices[0]!], "sandbox");
    await waitForView(element, "paying");
    part(element, "confirm-button")!.click();
    await waitForView(element, "paid");

    expect(await violations(element)).toEqual([]);
  });

  it("should find no violations when the payment failed", async () => {
    api.sandboxOutcome = { status: "failed", failure_message: "Your card was declined." };
    const element = await listed(lang);
    await payWith(element, [api.invoices[0]!], "sandbox");
    await waitForView(element, "paying");
    part(element, "confirm-button")!.click();
    await waitForView(element, "failed");

    expect(await violations(element)).toEqual([]);
  });
});

describe("axe with a provider mounted", () => {
  afterEach(() => {
    for (const script of document.querySelectorAll("script[src*='-standin.js']")) script.remove();
    delete window.Stripe;
    delete window.paypal;
  });

  it.each([
    ["card", ".standin-payment-element"],
    ["paypal", ".standin-paypal-buttons"],
  ])("should find no violations when the %s step shows the provider's UI in the slot", async (method, selector) => {
    api.config.payment_methods = ["card", "paypal"];
    const element = await mountWidget({
      "stripe-js-url": new URL("./fixtures/stripe-standin.js", import.meta.url).href,
      "paypal-sdk-url": new URL("./fixtures/paypal-standin.js", import.meta.url).href,
    });
    await waitForView(element, "list");
    await payWith(element, [api.invoices[0]!], method);
    await vi.waitFor(() => expect(element.querySelector(`[slot="provider"] ${selector}`)).not.toBeNull());

    expect(await violations(element)).toEqual([]);
  });
});

describe("axe after the flow", () => {
  it("should find no violations when the client is back on the list after paying", async () => {
    const element = await listed();
    await payWith(element, [api.invoices[0]!], "sandbox");
    await waitForView(element, "paying");
    part(element, "confirm-button")!.click();
    await waitForView(element, "paid");
    button(element, "Done").click();
    await waitForView(element, "list");

    expect(await violations(element)).toEqual([]);
  });
});

describe("the axe check itself", () => {
  it("should paint the dark palette when the page prefers a dark scheme", async () => {
    await colorScheme("dark");
    try {
      const element = await listed();
      expect(getComputedStyle(element).backgroundColor).toBe("rgb(21, 24, 29)");
    } finally {
      await colorScheme("light");
    }
  });

  it("should report a violation inside the shadow root when one is planted there", async () => {
    const element = await listed();
    const unlabeled = document.createElement("input");
    unlabeled.type = "text";
    part(element, "base")!.append(unlabeled);

    expect((await violations(element)).map((line) => line.split(":")[0])).toContain("label");
  });

  it("should report poor contrast when a theme sets a faint muted colour", async () => {
    const element = await listed();
    element.style.setProperty("--quittance-muted", "#c8c8c8");

    expect((await violations(element)).map((line) => line.split(":")[0])).toContain("color-contrast");
  });
});
