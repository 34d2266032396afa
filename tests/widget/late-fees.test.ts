import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { button, FakeApi, makeInvoice, mountWidget, part, removeWidgets, text, waitForView } from "./support";

let api: FakeApi;

beforeEach(() => {
  api = new FakeApi();
  api.install();
});

afterEach(() => {
  api.uninstall();
  removeWidgets();
});

describe("late fees in the detail", () => {
  it("should show the fees accrued to date in the totals when the invoice is overdue", async () => {
    const invoice = makeInvoice({
      number: "F-LATE",
      total: 57_600,
      overdue: true,
      days_overdue: 45,
      due_date: "2026-10-10",
      late_fees: { days_late: 45, interest: 863, indemnity: 4000, total: 4863 },
    });
    api.invoices = [invoice];
    const element = await mountWidget({ lang: "fr" });
    await waitForView(element, "list");
    button(element, "Détails").click();
    await waitForView(element, "detail");
    const totals = [...part(element, "totals")!.children].map((node) => text(node));
    expect(totals.slice(-2)).toEqual(["Pénalités de retard à ce jour", "48,63\u00a0€"]);
  });

  it("should show no fee line when the invoice is not overdue", async () => {
    api.invoices = [makeInvoice({ number: "F-OK", late_fees: null })];
    const element = await mountWidget({ lang: "en" });
    await waitForView(element, "list");
    button(element, "Details").click();
    await waitForView(element, "detail");
    expect(text(part(element, "totals"))).not.toContain("Late fees");
  });
});
