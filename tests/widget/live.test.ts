/**
 * Live updates over /v1/client/stream: the stand-in API answers the stream with a ReadableStream
 * the test pushes Server-Sent Events into.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { QuittanceInvoices } from "../../widget/src/quittance-invoices";
import { checkbox, FakeApi, json, liveRegion, makeInvoice, mountWidget, part, parts, problem, removeWidgets, SESSION, text, waitForView } from "./support";

let api: FakeApi;

beforeEach(() => {
  api = new FakeApi();
  api.install();
});

afterEach(() => {
  removeWidgets();
  api.uninstall();
});

function sse(id: string, type: string, data: Record<string, unknown> = {}): string {
  return `id: ${id}\nevent: ${type}\ndata: ${JSON.stringify({ id, type, data })}\n\n`;
}

function groupsOf(element: QuittanceInvoices): Record<string, string[]> {
  return Object.fromEntries(parts(element, "group").map((group) => [text(group.querySelector("h3")), [...group.querySelectorAll(".number")].map((number) => text(number).replace(/^.* — /, ""))]));
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("live updates", () => {
  it("should turn an invoice paid and announce it in the live region when the stream says it was paid elsewhere", async () => {
    const first = makeInvoice({ number: "F-100" });
    const second = makeInvoice({ number: "F-200" });
    api.invoices = [first, second];
    const element = await mountWidget();
    await waitForView(element, "list");
    const stream = await api.stream();
    expect(stream.headers.get("authorization")).toBe(`Bearer ${SESSION}`);
    expect(stream.headers.get("accept")).toBe("text/event-stream");
    expect(liveRegion(element).textContent).toBe("");

    api.markPaid(first.id);
    stream.push(sse("evt_1", "invoice.paid", { object: { id: first.id, status: "paid" } }));

    await vi.waitFor(() => expect(groupsOf(element)).toEqual({ "To pay": ["F-200"], Paid: ["F-100"] }));
    await vi.waitFor(() => expect(liveRegion(element).textContent).toBe("Invoice F-100 is paid."));
    expect(liveRegion(element).getAttribute("role")).toBe("status");
    expect(api.calls("GET /v1/client/invoices?limit=100")).toHaveLength(2);
  });

  it("should announce in French when lang is fr and an invoice is paid elsewhere", async () => {
    const invoice = makeInvoice({ number: "F-300" });
    api.invoices = [invoice];
    const element = await mountWidget({ lang: "fr" });
    await waitForView(element, "list");
    const stream = await api.stream();

    api.markPaid(invoice.id);
    stream.push(sse("evt_1", "payment.succeeded"));

    await vi.waitFor(() => expect(liveRegion(element).textContent).toBe("La facture F-300 est payée."));
    expect(groupsOf(element)).toEqual({ Payées: ["F-300"] });
  });

  it("should drop an invoice paid elsewhere from the selection and its total when it was checked", async () => {
    const first = makeInvoice({ number: "F-100", total: 12_000 });
    const second = makeInvoice({ number: "F-200", total: 3_000 });
    api.invoices = [first, second];
    const element = await mountWidget();
    await waitForView(element, "list");
    const stream = await api.stream();
    checkbox(element, first).click();
    checkbox(element, second).click();
    await element.updateComplete;
    expect(text(part(element, "pay-button"))).toBe("Pay 2 invoices — €150.00");

    api.markPaid(first.id);
    stream.push(sse("evt_1", "invoice.paid"));

    await vi.waitFor(() => expect(text(part(element, "pay-button"))).toBe("Pay 1 invoice — €30.00"));
    expect(text(part(element, "total"))).toBe("1 selected: €30.00");
  });

  it("should refresh once when several events arrive together", async () => {
    api.invoices = [makeInvoice()];
    const element = await mountWidget();
    await waitForView(element, "list");
    const stream = await api.stream();

    stream.push(sse("evt_1", "payment.succeeded") + sse("evt_2", "invoice.payment_succeeded") + sse("evt_3", "invoice.paid"));
    await pause(400);

    expect(api.calls("GET /v1/client/invoices?limit=100")).toHaveLength(2);
  });

  it("should not refresh when an event is about something other than invoices or payments", async () => {
    api.invoices = [makeInvoice()];
    const element = await mountWidget();
    await waitForView(element, "list");
    const stream = await api.stream();

    stream.push(sse("evt_1", "customer.updated") + ": keep-alive\n\n");
    await pause(400);

    expect(api.calls("GET /v1/client/invoices?limit=100")).toHaveLength(1);
    expect(element.view.kind).toBe("list");
  });

  it("should reconnect with Last-Event-ID and keep updating when the stream drops", async () => {
    const invoice = makeInvoice({ number: "F-400" });
    api.invoices = [invoice];
    const element = await mountWidget();
    await waitForView(element, "list");
    const first = await api.stream();
    first.push(sse("evt_7", "customer.updated"));
    await pause(50);
    first.close();

    const second = await api.stream(2);
    expect(second.headers.get("last-event-id")).toBe("evt_7");
    api.markPaid(invoice.id);
    second.push(sse("evt_8", "invoice.paid"));
    await vi.waitFor(() => expect(liveRegion(element).textContent).toBe("Invoice F-400 is paid."));
  });

  it("should try again when the stream answers with a server error", async () => {
    api.invoices = [makeInvoice()];
    const open = api.routes.get("GET /v1/client/stream")!;
    let attempts = 0;
    api.routes.set("GET /v1/client/stream", (request) => (++attempts === 1 ? problem(503, "unavailable", "Try later.") : open(request)));
    const element = await mountWidget();
    await waitForView(element, "list");

    await api.stream();
    expect(attempts).toBe(2);
  });

  it("should stop listening and not reconnect when the element is removed from the page", async () => {
    api.invoices = [makeInvoice()];
    const element = await mountWidget();
    await waitForView(element, "list");
    await api.stream();

    element.remove();
    await pause(1_300);

    expect(api.calls("GET /v1/client/stream").map((call) => call.signal?.aborted)).toEqual([true]);
  });
});

describe("live updates during the payment steps", () => {
  it("should show the list when the only selected invoice is paid elsewhere while the method picker is open", async () => {
    const invoice = makeInvoice({ number: "F-500" });
    const other = makeInvoice({ number: "F-600" });
    api.invoices = [invoice, other];
    const element = await mountWidget();
    await waitForView(element, "list");
    const stream = await api.stream();
    checkbox(element, invoice).click();
    await element.updateComplete;
    part(element, "pay-button")!.click();
    await waitForView(element, "method");

    api.markPaid(invoice.id);
    stream.push(sse("evt_1", "invoice.paid"));

    await vi.waitFor(() => expect(liveRegion(element).textContent).toBe("Invoice F-500 is paid."));
    await vi.waitFor(() => expect(groupsOf(element)).toEqual({ "To pay": ["F-600"], Paid: ["F-500"] }));
    expect(element.view.kind).toBe("list");
    expect(text(part(element, "pay-button"))).toBe("Select the invoices to pay");
  });
});

describe("an expired session on the stream", () => {
  it("should renew the session through session-url and reconnect from the last event when the stream closes with session_expired", async () => {
    let renewals = 0;
    api.routes.set("POST /quittance-session", () => ((renewals += 1), json({ token: "cs_renewed" })));
    api.invoices = [makeInvoice({ number: "F-LIVE" })];
    const element = await mountWidget({ "session-url": "https://shop.example.test/quittance-session" });
    await waitForView(element, "list");
    await vi.waitFor(() => expect(api.streams).toHaveLength(1));
    api.streams[0]!.push(sse("evt_000000000007aaaaaaaaaaaaaaaaaaaaaaaaaa", "invoice.viewed"));
    api.streams[0]!.push('event: close\ndata: {"reason":"session_expired"}\n\n');
    await vi.waitFor(() => expect(api.streams).toHaveLength(2), { timeout: 5000 });
    expect(renewals).toBeGreaterThanOrEqual(1);
    expect(api.streams[1]!.headers.get("authorization")).toBe("Bearer cs_renewed");
    expect(api.streams[1]!.headers.get("last-event-id")).toBe("evt_000000000007aaaaaaaaaaaaaaaaaaaaaaaaaa");
  });
});

describe("a stream the server bounds", () => {
  it("should reconnect from the last event without renewing the session when the stream is closed too_slow", async () => {
    let renewals = 0;
    api.routes.set("POST /quittance-session", () => ((renewals += 1), json({ token: "cs_renewed" })));
    api.invoices = [makeInvoice({ number: "F-SLOW" })];
    const element = await mountWidget({ "session-url": "https://shop.example.test/quittance-session" });
    await waitForView(element, "list");
    await vi.waitFor(() => expect(api.streams).toHaveLength(1));
    api.streams[0]!.push(sse("evt_000000000009aaaaaaaaaaaaaaaaaaaaaaaaaa", "invoice.viewed"));
    api.streams[0]!.push('event: close\ndata: {"reason":"too_slow"}\n\n');
    await vi.waitFor(() => expect(api.streams).toHaveLength(2), { timeout: 5000 });
    expect(renewals).toBe(0);
    expect(api.streams[1]!.headers.get("last-event-id")).toBe("evt_000000000009aaaaaaaaaaaaaaaaaaaaaaaaaa");
  });

  it("should reconnect live and read the invoices again when resuming is refused as too old (410)", async () => {
    api.invoices = [makeInvoice({ number: "F-OLD" })];
    const element = await mountWidget();
    await waitForView(element, "list");
    await vi.waitFor(() => expect(api.streams).toHaveLength(1));
    const open = api.routes.get("GET /v1/client/stream")!;
    let refused = 0;
    api.routes.set("GET /v1/client/stream", (request) => {
      if (request.headers.get("last-event-id") && refused === 0) {
        refused += 1;
        return problem(410, "stream_resume_too_old", "Page GET /v1/events, then reconnect.");
      }
      return open(request);
    });
    // An event the widget does not reload for, so that only the resync after the 410 can show the change.
    api.streams[0]!.push(sse("evt_000000000010aaaaaaaaaaaaaaaaaaaaaaaaaa", "reminder.sent"));
    api.markPaid(api.invoices[0]!.id);
    api.streams[0]!.close();
    await vi.waitFor(() => expect(api.streams).toHaveLength(2), { timeout: 8000 });
    expect(refused).toBe(1);
    expect(api.streams[1]!.headers.get("last-event-id")).toBeNull();
    await vi.waitFor(() => expect(groupsOf(element)).toEqual({ Paid: ["F-OLD"] }), { timeout: 5000 });
  });
});
