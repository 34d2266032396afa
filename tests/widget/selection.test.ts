import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { checkbox, FakeApi, makeInvoice, mountWidget, part, removeWidgets, waitForView } from "./support";

let api: FakeApi;

beforeEach(() => {
  api = new FakeApi();
  api.install();
});

afterEach(() => {
  removeWidgets();
  api.uninstall();
});

const NNBSP = "\u202f";
const NBSP = "\u00a0";

/** The running total and the pay action, as the client reads them. */
function bar(element: Parameters<typeof part>[0]): { total: string; action: string; disabled: boolean } {
  const pay = part(element, "pay-button") as HTMLButtonElement;
  return { total: part(element, "total")!.textContent!.trim(), action: pay.textContent!.trim(), disabled: pay.disabled };
}

describe("selection total", () => {
  it("should add up the amounts due and offer to pay them all when several invoices are checked", async () => {
    const first = makeInvoice({ total: 100_000 });
    const second = makeInvoice({ total: 20_000, status: "partially_paid", amount_paid: 1_544 });
    const third = makeInvoice({ total: 5_000 });
    api.invoices = [first, second, third];
    const element = await mountWidget();
    await waitForView(element, "list");

    checkbox(element, first).click();
    await element.updateComplete;
    expect(bar(element)).toEqual({ total: "1 selected: €1,000.00", action: "Pay 1 invoice — €1,000.00", disabled: false });

    checkbox(element, second).click();
    await element.updateComplete;
    expect(bar(element)).toEqual({ total: "2 selected: €1,184.56", action: "Pay 2 invoices — €1,184.56", disabled: false });

    checkbox(element, third).click();
    await element.updateComplete;
    expect(bar(element)).toEqual({ total: "3 selected: €1,234.56", action: "Pay 3 invoices — €1,234.56", disabled: false });
  });

  it("should show the total in French with its spaces when lang is fr", async () => {
    const first = makeInvoice({ total: 100_000 });
    const second = makeInvoice({ total: 23_456 });
    api.invoices = [first, second];
    const element = await mountWidget({ lang: "fr" });
    await waitForView(element, "list");

    checkbox(element, first).click();
    checkbox(element, second).click();
    await element.updateComplete;

    expect(bar(element)).toEqual({
      total: `2 sélectionnées : 1${NNBSP}234,56${NBSP}€`,
      action: `Payer 2 factures — 1${NNBSP}234,56${NBSP}€`,
      disabled: false,
    });
  });

  it("should lower the total and disable paying again when invoices are unchecked", async () => {
    const first = makeInvoice({ total: 12_000 });
    const second = makeInvoice({ total: 3_000 });
    api.invoices = [first, second];
    const element = await mountWidget();
    await waitForView(element, "list");

    checkbox(element, first).click();
    checkbox(element, second).click();
    await element.updateComplete;
    checkbox(element, first).click();
    await element.updateComplete;
    expect(bar(element)).toEqual({ total: "1 selected: €30.00", action: "Pay 1 invoice — €30.00", disabled: false });

    checkbox(element, second).click();
    await element.updateComplete;
    expect(bar(element)).toEqual({ total: "", action: "Select the invoices to pay", disabled: true });
  });

  it("should start a new selection when an invoice in another currency is checked", async () => {
    const euros = makeInvoice({ total: 12_000, currency: "eur" });
    const moreEuros = makeInvoice({ total: 8_000, currency: "eur" });
    const yen = makeInvoice({ total: 5_000, currency: "jpy" });
    api.invoices = [euros, moreEuros, yen];
    const element = await mountWidget();
    await waitForView(element, "list");

    checkbox(element, euros).click();
    checkbox(element, moreEuros).click();
    await element.updateComplete;
    checkbox(element, yen).click();
    await element.updateComplete;

    expect(bar(element)).toEqual({ total: "1 selected: ¥5,000", action: "Pay 1 invoice — ¥5,000", disabled: false });
    expect([euros, moreEuros, yen].map((invoice) => checkbox(element, invoice).checked)).toEqual([false, false, true]);
  });

  it("should emit a bubbling, composed quittance-invoice-selected when an invoice is checked or unchecked", async () => {
    const invoice = makeInvoice();
    api.invoices = [invoice];
    const element = await mountWidget();
    await waitForView(element, "list");
    const events: CustomEvent[] = [];
    const listening = new AbortController();
    document.addEventListener("quittance-invoice-selected", (event) => events.push(event), { signal: listening.signal });

    checkbox(element, invoice).click();
    checkbox(element, invoice).click();

    expect(events.map((event) => event.detail)).toEqual([
      { invoice: invoice.id, selected: true },
      { invoice: invoice.id, selected: false },
    ]);
    expect(events.every((event) => event.bubbles && event.composed && event.target === element)).toBe(true);
    listening.abort();
  });

  it("should send exactly the checked invoices when the client pays the selection", async () => {
    const first = makeInvoice({ total: 12_000 });
    const skipped = makeInvoice({ total: 1_000 });
    const second = makeInvoice({ total: 3_000 });
    api.invoices = [first, skipped, second];
    const element = await mountWidget();
    await waitForView(element, "list");

    checkbox(element, first).click();
    checkbox(element, second).click();
    await element.updateComplete;
    part(element, "pay-button")!.click();
    await waitForView(element, "method");
    part(element, "continue-button")!.click();
    await waitForView(element, "paying");

    expect(api.calls("POST /v1/client/payments")[0]?.body).toMatchObject({ invoices: [first.id, second.id], method: "sandbox", return_url: location.href });
  });
});

describe("one invoice (the hosted pay page)", () => {
  it("should have the invoice checked from the start and offer to pay it when the widget shows one invoice", async () => {
    const mine = makeInvoice({ total: 57_600 });
    api.invoices = [mine, makeInvoice({ total: 1_000 })];
    const element = await mountWidget({ invoice: mine.id });
    await waitForView(element, "list");
    expect(checkbox(element, mine).checked).toBe(true);
    expect(bar(element)).toEqual({ total: "1 selected: €576.00", action: "Pay 1 invoice — €576.00", disabled: false });
    checkbox(element, mine).click();
    await element.updateComplete;
    expect(checkbox(element, mine).checked).toBe(false);
  });

  it("should check nothing when the one invoice is already paid", async () => {
    const paid = makeInvoice({ total: 5_000, status: "paid", amount_paid: 5_000 });
    api.invoices = [paid];
    const element = await mountWidget({ invoice: paid.id });
    await waitForView(element, "list");
    expect(part(element, "pay-button")).toBeNull();
  });
});
