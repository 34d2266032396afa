/** The pay flow's chunk is fetched when the keyboard reaches a pay or detail control too (a fresh page per test file). */
import { afterEach, beforeEach, expect, it, vi } from "vitest";
import { checkbox, FakeApi, makeInvoice, mountWidget, part, removeWidgets, waitForView } from "./support";

let api: FakeApi;
const flowFetched = () => performance.getEntriesByType("resource").some((entry) => new URL(entry.name).pathname.endsWith("/widget/src/flow.ts"));

beforeEach(() => {
  api = new FakeApi();
  api.install();
  api.invoices = [makeInvoice({ total: 12_000 })];
});

afterEach(() => {
  removeWidgets();
  api.uninstall();
});

it("should fetch the pay flow's chunk when focus reaches the Pay button, without opening anything", async () => {
  const element = await mountWidget();
  await waitForView(element, "list");
  checkbox(element, api.invoices[0]!).click();
  await element.updateComplete;
  await new Promise((resolve) => setTimeout(resolve, 200));
  expect(flowFetched()).toBe(false);

  part(element, "pay-button")!.focus();
  await vi.waitFor(() => expect(flowFetched()).toBe(true));
  expect(element.view.kind).toBe("list");
});
