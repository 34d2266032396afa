import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { button, FakeApi, json, makeInvoice, mountWidget, part, parts, payWith, problem, removeWidgets, shadow, text, waitForView } from "./support";

let api: FakeApi;

beforeEach(() => {
  api = new FakeApi();
  api.install();
});

afterEach(() => {
  removeWidgets();
  api.uninstall();
});

function deferred(): { promise: Promise<Response>; resolve(response: Response): void } {
  let resolve!: (response: Response) => void;
  const promise = new Promise<Response>((done) => (resolve = done));
  return { promise, resolve };
}

describe("loading", () => {
  it("should show a busy skeleton in reserved space when the invoices have not arrived yet", async () => {
    const invoices = deferred();
    api.routes.set("GET /v1/client/invoices?limit=100", () => invoices.promise);
    const element = await mountWidget();

    expect(element.view.kind).toBe("loading");
    const loading = part(element, "loading");
    expect(loading?.getAttribute("aria-busy")).toBe("true");
    expect(text(loading)).toBe("Loading your invoices…");
    expect(element.getBoundingClientRect().height).toBeGreaterThanOrEqual(192);

    invoices.resolve(json({ object: "list", data: [], has_more: false }));
    await waitForView(element, "list");
    expect(part(element, "loading")).toBeNull();
  });
});

describe("empty", () => {
  it("should say there are no invoices when the client has none", async () => {
    const element = await mountWidget();
    await waitForView(element, "list");

    expect(text(part(element, "empty"))).toBe("No invoices yet.");
    expect(part(element, "list")).toBeNull();
    expect(part(element, "pay-button")).toBeNull();
  });

  it("should say there are no invoices in French when lang is fr", async () => {
    const element = await mountWidget({ lang: "fr" });
    await waitForView(element, "list");

    expect(text(part(element, "empty"))).toBe("Aucune facture pour le moment.");
  });
});

describe("error", () => {
  it("should show an alert with the reason and a retry when the invoices cannot be loaded", async () => {
    api.invoices = [makeInvoice()];
    api.routes.set("GET /v1/client/invoices?limit=100", () => problem(500, "internal", "The database is unavailable."));
    const element = await mountWidget();
    await waitForView(element, "error");

    const error = part(element, "error");
    expect(error?.getAttribute("role")).toBe("alert");
    expect(text(error)).toContain("Your invoices could not be loaded.");
    expect(text(error)).toContain("The database is unavailable.");

    api.routes.set("GET /v1/client/invoices?limit=100", () => json({ object: "list", data: api.invoices, has_more: false }));
    button(element, "Try again").click();
    await waitForView(element, "list");
    expect(parts(element, "invoice")).toHaveLength(1);
  });

  it("should show an error without calling the API when no session is given", async () => {
    const element = document.createElement("quittance-invoices");
    element.setAttribute("lang", "en");
    element.setAttribute("api-base", "https://api.quittance.test");
    document.body.append(element);
    await waitForView(element, "error");

    expect(text(part(element, "error"))).toContain("Your invoices could not be loaded.");
    expect(api.requests).toHaveLength(0);
  });

  it("should renew the session through session-url and retry when the API answers 401", async () => {
    api.invoices = [makeInvoice()];
    const sessionUrl = "https://shop.example.test/quittance-session";
    let renewed = false;
    api.routes.set(`POST /quittance-session`, () => ((renewed = true), json({ token: "cs_fresh" })));
    const authorized = (handler: () => Response) => (request: { headers: Headers }) =>
      request.headers.get("authorization") === "Bearer cs_fresh" ? handler() : problem(401, "session_expired", "The session expired.");
    api.routes.set("GET /v1/client/config", authorized(() => json(api.config)));
    api.routes.set("GET /v1/client/invoices?limit=100", authorized(() => json({ object: "list", data: api.invoices, has_more: false })));
    const element = await mountWidget({ session: "cs_expired", "session-url": sessionUrl });
    await waitForView(element, "list");

    expect(renewed).toBe(true);
    expect(parts(element, "invoice")).toHaveLength(1);
  });
});

describe("list", () => {
  it("should group invoices as overdue with days late, to pay with due date, and paid when they load", async () => {
    const late = makeInvoice({ number: "F-LATE", total: 5_000, overdue: true, days_overdue: 12, due_date: "2026-01-10" });
    const open = makeInvoice({ number: "F-OPEN", total: 12_000, due_date: "2026-03-05" });
    const partly = makeInvoice({ number: "F-PART", total: 10_000, status: "partially_paid", amount_paid: 4_000 });
    const paid = makeInvoice({ number: "F-PAID", total: 7_500, status: "paid" });
    const draft = makeInvoice({ number: null, status: "void" });
    api.invoices = [late, open, partly, paid, draft];
    const element = await mountWidget();
    await waitForView(element, "list");

    const groups = parts(element, "group").map((group) => ({
      title: text(group.querySelector("h3")),
      rows: [...group.querySelectorAll("li")].map((row) => text(row.querySelector(".number")).replace(/^.* — /, "")),
    }));
    expect(groups).toEqual([
      { title: "Overdue", rows: ["F-LATE"] },
      { title: "To pay", rows: ["F-OPEN", "F-PART"] },
      { title: "Paid", rows: ["F-PAID"] },
    ]);
    const rows = parts(element, "invoice");
    expect(text(rows[0]!.querySelector(".meta"))).toBe("12 days late");
    expect(text(rows[1]!.querySelector(".meta"))).toBe("Due Mar 5, 2026");
    expect(text(rows[2]!.querySelector(".meta"))).toContain("€40.00 already paid");
    expect(text(rows[2]!.querySelector(".amount"))).toBe("€60.00");
    expect(text(rows[3]!.querySelector(".amount"))).toBe("€75.00");
    expect(rows.map((row) => row.querySelector('input[type="checkbox"]') !== null)).toEqual([true, true, true, false]);
    expect(part(element, "pay-button")?.hasAttribute("disabled")).toBe(true);
    expect(text(part(element, "pay-button"))).toBe("Select the invoices to pay");
  });

  it("should show only the invoice named by the invoice attribute when it is set", async () => {
    const one = makeInvoice({ number: "F-ONE" });
    api.invoices = [one, makeInvoice({ number: "F-TWO" })];
    const element = await mountWidget({ invoice: one.id });
    await waitForView(element, "list");

    expect(parts(element, "invoice").map((row) => text(row.querySelector(".number")))).toEqual(["Select invoice F-ONE — F-ONE"]);
  });
});

describe("detail", () => {
  it("should show the invoice's dates, lines, taxes, totals, terms and payments when its details are opened", async () => {
    const invoice = makeInvoice({
      number: "F2026-000042",
      total: 12_000,
      status: "partially_paid",
      amount_paid: 2_000,
      due_date: "2026-03-05",
      issued_at: "2026-02-03T09:00:00.000Z",
      hosted_url: "https://api.quittance.test/pay/tok_abc",
      payments: [{ payment: "pay_00000000000000000000000009", amount: 2_000, amount_refunded: 0, method: "sandbox", status: "succeeded", created: "2026-02-10T12:00:00.000Z" }],
    });
    api.invoices = [invoice];
    const element = await mountWidget();
    await waitForView(element, "list");
    button(element, "Details").click();
    await waitForView(element, "detail");

    const dialog = part(element, "dialog")!;
    expect(dialog.getAttribute("role")).toBe("dialog");
    expect(text(dialog.querySelector("h2"))).toBe("Invoice F2026-000042");
    expect(shadow(element).activeElement).toBe(dialog.querySelector("h2"));
    expect(text(dialog.querySelector(".meta"))).toBe("Issued Feb 3, 2026 · Due date Mar 5, 2026");
    const cells = [...dialog.querySelectorAll("tbody td")].map((cell) => text(cell));
    expect(cells).toEqual(["Consulting", "1", "€100.00", "20%", "€100.00"]);
    const totals = [...part(element, "totals")!.children].map((node) => text(node));
    expect(totals).toEqual(["Total excl. tax", "€100.00", "VAT 20%", "€20.00", "Total incl. tax", "€120.00", "Already paid", "€20.00", "Amount due", "€100.00"]);
    expect(text(dialog)).toContain("Late fees: ECB rate + 10 points; 40 € recovery fee.");
    expect(text(dialog)).toContain("Payments");
    expect(text(dialog)).toContain("Feb 10, 2026");
    expect(part(element, "print-link")?.getAttribute("href")).toBe("https://api.quittance.test/pay/tok_abc/print");

    dialog.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true, composed: true }));
    await waitForView(element, "list");
    expect(part(element, "dialog")).toBeNull();
  });
});

describe("detail with credit notes", () => {
  it("should list the invoice's credit notes (number, date, amount) and what they took off when it has some", async () => {
    const invoice = makeInvoice({
      total: 12_000,
      status: "partially_paid",
      amount_paid: 2_000,
      amount_credited: 3_000,
      amount_due: 7_000,
      credit_notes: [{ id: "cn_00000000000000000000000001", number: "AV2026-000001", issued_on: "2026-02-12", total: 3_000 }],
    });
    api.invoices = [invoice];
    const element = await mountWidget();
    await waitForView(element, "list");
    button(element, "Details").click();
    await waitForView(element, "detail");
    const totals = [...part(element, "totals")!.children].map((node) => text(node));
    expect(totals.slice(6)).toEqual(["Already paid", "€20.00", "Credit notes", "€30.00", "Amount due", "€70.00"]);
    const notes = [...part(element, "credit-notes")!.querySelectorAll("li")].map((row) => [...row.children].map((cell) => text(cell)));
    expect(notes).toEqual([["AV2026-000001", "Feb 12, 2026", "€30.00"]]);
  });

  it("should show no credit note section when the invoice has none", async () => {
    api.invoices = [makeInvoice()];
    const element = await mountWidget();
    await waitForView(element, "list");
    button(element, "Details").click();
    await waitForView(element, "detail");
    expect(part(element, "credit-notes")).toBeNull();
    expect(text(part(element, "totals"))).not.toContain("Credit notes");
  });
});

describe("paying", () => {
  it("should offer only the merchant's accepted methods when the client goes to pay", async () => {
    api.config.payment_methods = ["sandbox", "paypal"];
    const invoice = makeInvoice({ total: 12_000 });
    api.invoices = [invoice];
    const element = await mountWidget();
    await waitForView(element, "list");
    shadow(element).querySelector<HTMLInputElement>('input[type="checkbox"]')!.click();
    await element.updateComplete;
    part(element, "pay-button")!.click();
    await waitForView(element, "method");

    expect(text(shadow(element).querySelector("h2"))).toBe("Pay 1 invoice — €120.00");
    expect(parts(element, "method").map((label) => text(label))).toEqual(["Test card (sandbox)", "PayPal"]);
    expect(part(element, "continue-button")?.hasAttribute("disabled")).toBe(true);
  });

  it("should show the sandbox card form when a sandbox payment is started", async () => {
    const invoice = makeInvoice({ total: 12_000 });
    api.invoices = [invoice];
    const element = await mountWidget();
    await waitForView(element, "list");
    await payWith(element, [invoice], "sandbox");
    await waitForView(element, "paying");

    expect(api.calls("POST /v1/client/payments")[0]?.body).toMatchObject({ invoices: [invoice.id], method: "sandbox" });
    const form = part(element, "payment-form")!;
    expect(text(form.querySelector("h2"))).toBe("Pay €120.00");
    expect(form.getAttribute("aria-busy")).toBe("false");
    const field = shadow(element).querySelector<HTMLInputElement>("#card-number")!;
    expect(field.labels?.[0]?.textContent).toBe("Card number");
    expect(field.value).toBe("4242 4242 4242 4242");
    expect(text(part(element, "confirm-button"))).toBe("Pay €120.00");
  });

  it("should mark the form busy and say the payment is processing when the card is submitted", async () => {
    const invoice = makeInvoice({ total: 12_000 });
    api.invoices = [invoice];
    const pending = deferred();
    const element = await mountWidget();
    await waitForView(element, "list");
    await payWith(element, [invoice], "sandbox");
    await waitForView(element, "paying");
    api.routes.set(`POST /sandbox/pay/${[...api.payments.keys()][0]}`, () => pending.promise);
    part(element, "confirm-button")!.click();
    await vi.waitFor(() => expect(part(element, "payment-form")?.getAttribute("aria-busy")).toBe("true"));

    const form = part(element, "payment-form")!;
    expect(form.getAttribute("aria-busy")).toBe("true");
    expect(text(form.querySelector('[role="status"]'))).toBe("Processing your payment…");
    expect((part(element, "confirm-button") as HTMLButtonElement).disabled).toBe(true);
    expect(shadow(element).querySelector<HTMLInputElement>("#card-number")!.disabled).toBe(true);
    pending.resolve(json({ status: "failed", failure_message: "stop" }));
    await waitForView(element, "failed");
  });
});

describe("paid", () => {
  it("should show a receipt, announce it and emit quittance-payment-succeeded when the payment succeeds", async () => {
    const first = makeInvoice({ total: 12_000 });
    const second = makeInvoice({ total: 3_456 });
    api.invoices = [first, second];
    const element = await mountWidget();
    await waitForView(element, "list");
    const succeeded = new Promise<CustomEvent>((resolve) => document.addEventListener("quittance-payment-succeeded", (event) => resolve(event), { once: true }));
    await payWith(element, [first, second], "sandbox");
    await waitForView(element, "paying");
    part(element, "confirm-button")!.click();
    await waitForView(element, "paid");

    const receipt = part(element, "receipt")!;
    expect(text(receipt.querySelector("h2"))).toBe("Payment received, thank you!");
    expect(text(receipt.querySelector("p"))).toBe("€154.56 paid for 2 invoices.");
    expect(shadow(element).activeElement).toBe(receipt.querySelector("h2"));
    const event = await succeeded;
    expect(event.detail).toEqual({ payment: "pay_00000000000000000000000001", invoices: [first.id, second.id], amount: 15_456, currency: "eur" });
    expect(api.calls(`POST /sandbox/pay/pay_00000000000000000000000001`)[0]?.body).toEqual({ card_number: "4242 4242 4242 4242" });

    button(element, "Done").click();
    await waitForView(element, "list");
    await expect.poll(() => parts(element, "group").map((group) => text(group.querySelector("h3")))).toEqual(["Paid"]);
  });
});

describe("failed", () => {
  it("should say what went wrong and what to do next, and emit quittance-payment-failed, when the card is declined", async () => {
    const invoice = makeInvoice({ total: 12_000 });
    api.invoices = [invoice];
    api.sandboxOutcome = { status: "failed", failure_message: "Your card was declined." };
    const element = await mountWidget();
    await waitForView(element, "list");
    const failed = new Promise<CustomEvent>((resolve) => document.addEventListener("quittance-payment-failed", (event) => resolve(event), { once: true }));
    await payWith(element, [invoice], "sandbox");
    await waitForView(element, "paying");
    part(element, "confirm-button")!.click();
    await waitForView(element, "failed");

    const failure = part(element, "failure")!;
    expect(failure.getAttribute("role")).toBe("alert");
    expect(text(failure.querySelector("h2"))).toBe("The payment did not go through.");
    expect(text(failure)).toContain("Your card was declined.");
    expect(text(failure)).toContain("You were not charged. Check your details or pick another payment method.");
    expect((await failed).detail).toEqual({ payment: "pay_00000000000000000000000001", message: "Your card was declined." });

    button(element, "Try again").click();
    await waitForView(element, "method");
    expect(text(shadow(element).querySelector("h2"))).toBe("Pay 1 invoice — €120.00");
  });

  it("should show the failure when the server refuses to create the payment", async () => {
    const invoice = makeInvoice();
    api.invoices = [invoice];
    api.routes.set("POST /v1/client/payments", () => problem(409, "invoice_not_payable", "This invoice is already being paid."));
    const element = await mountWidget();
    await waitForView(element, "list");
    await payWith(element, [invoice], "sandbox");
    await waitForView(element, "failed");

    expect(text(part(element, "failure"))).toContain("This invoice is already being paid.");
  });
});
