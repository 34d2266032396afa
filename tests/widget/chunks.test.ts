/**
 * The widget in parts: the list and its selection come with the element; the pay flow and the
 * invoice detail are a chunk (widget/src/flow.ts) fetched only when the client points at a pay or
 * detail control. The first test of the file runs in a fresh page (each test file has its own), so
 * the chunk's fetch shows in the page's resource timings.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { checkbox, FakeApi, makeInvoice, mountWidget, part, removeWidgets, waitForView } from "./support";

let api: FakeApi;

/** Whether the page has fetched the pay flow's chunk. */
const flowFetched = () => performance.getEntriesByType("resource").some((entry) => new URL(entry.name).pathname.endsWith("/widget/src/flow.ts"));

beforeEach(() => {
  api = new FakeApi();
  api.install();
  api.invoices = [makeInvoice({ total: 12_000 }), makeInvoice({ total: 4_800 })];
});

afterEach(() => {
  removeWidgets();
  api.uninstall();
});

describe("the pay flow's chunk", () => {
  it("should not be fetched while the client reads the list and selects, and should be once the pointer enters Pay", async () => {
    const element = await mountWidget();
    await waitForView(element, "list");
    checkbox(element, api.invoices[0]!).click();
    await element.updateComplete;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(flowFetched()).toBe(false);

    part(element, "pay-button")!.dispatchEvent(new PointerEvent("pointerenter"));
    await vi.waitFor(() => expect(flowFetched()).toBe(true));
    expect(element.view.kind).toBe("list");
    part(element, "pay-button")!.click();
    await waitForView(element, "method");
  });

  it("should open the detail once loaded, focus on its heading, and back to the list on Close", async () => {
    const element = await mountWidget();
    await waitForView(element, "list");
    part(element, "details-button")!.click();
    await waitForView(element, "detail");
    await vi.waitFor(() => expect(element.shadowRoot!.activeElement?.id).toBe("detail-title"));
    // The detail's own rules arrive with it, beside the element's.
    expect(getComputedStyle(part(element, "dialog")!).maxWidth).not.toBe("none");
    part(element, "dialog")!.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true, composed: true }));
    await waitForView(element, "list");
  });
});
