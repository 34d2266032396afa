/**
 * Paying by bank transfer in the widget: offered when the invoices carry transfer instructions,
 * the beneficiary, IBAN, BIC, exact reference and amount each with a copy button (announced in the
 * live region, with a fallback when the clipboard is refused), the EPC QR code as an image, one
 * transfer per invoice; keyboard-usable and clean under axe, in English and French.
 */
import axe from "axe-core";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { userEvent } from "vitest/browser";
import type { ClientInvoice as Invoice } from "../../shared/schemas/invoices";
import type { QuittanceInvoices } from "../../widget/src/quittance-invoices";
import { API_BASE, button, FakeApi, liveRegion, makeInvoice, mountWidget, part, payWith, removeWidgets, shadow, SESSION, text, waitForView } from "./support";

const IBAN = "FR7630006000011234567890189";
const SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 4"><path d="M0 0h1v1H0z"/></svg>';

let api: FakeApi;

function withTransfer(overrides: Partial<Invoice> & { total?: number } = {}, reference = "RF42F2026000042"): Invoice {
  const invoice = makeInvoice(overrides);
  const euro = invoice.currency === "eur";
  return {
    ...invoice,
    bank_transfer: {
      iban: IBAN,
      bic: "AGRIFRPP",
      account_name: "Atelier Martin SARL",
      reference,
      rf_reference: reference.startsWith("RF") ? reference : null,
      amount: invoice.amount_due,
      currency: invoice.currency,
      qr_url: euro ? `${API_BASE}/v1/client/invoices/${invoice.id}/transfer_qr.svg` : null,
    },
  };
}

function serveQr(invoice: Invoice): void {
  api.routes.set(`GET /v1/client/invoices/${invoice.id}/transfer_qr.svg`, () => new Response(SVG, { headers: { "content-type": "image/svg+xml" } }));
}

async function violations(element: QuittanceInvoices): Promise<string[]> {
  await element.updateComplete;
  const results = await axe.run(element, { resultTypes: ["violations"] });
  return results.violations.map((violation) => `${violation.id}: ${violation.help} — ${violation.nodes.map((node) => JSON.stringify(node.target)).join(", ")}`);
}

/** The value shown beside a term of the instructions (the first section's, or `within`'s). */
function valueOf(element: QuittanceInvoices, term: string, within: ParentNode = shadow(element)): string {
  const dt = [...within.querySelectorAll("dt")].find((candidate) => text(candidate) === term);
  if (!dt) throw new Error(`no term ${term}`);
  return text(dt.nextElementSibling!.querySelector("code") ?? dt.nextElementSibling);
}

function copyButton(element: QuittanceInvoices, name: string): HTMLButtonElement {
  const found = [...shadow(element).querySelectorAll<HTMLButtonElement>('[part="copy-button"]')].find((candidate) => candidate.getAttribute("aria-label")?.includes(name));
  if (!found) throw new Error(`no copy button for ${name}`);
  return found;
}

async function transferOf(invoices: Invoice[], lang = "en"): Promise<QuittanceInvoices> {
  const element = await mountWidget({ lang });
  await waitForView(element, "list");
  await payWith(element, invoices, "bank_transfer");
  await waitForView(element, "transfer");
  return element;
}

beforeEach(() => {
  api = new FakeApi();
  api.install();
  api.config.payment_methods = ["sandbox"];
});

afterEach(() => {
  removeWidgets();
  api.uninstall();
  vi.restoreAllMocks();
});

describe("the bank transfer method", () => {
  it("should be offered beside the online methods when the invoice carries transfer instructions", async () => {
    const invoice = withTransfer({ total: 57_605 });
    api.invoices = [invoice];
    const element = await mountWidget();
    await waitForView(element, "list");
    await payWith(element, [invoice], "bank_transfer");
    await waitForView(element, "transfer");

    expect(api.calls("POST /v1/client/payments")).toHaveLength(0);
    expect(text(shadow(element).querySelector("h2"))).toBe("Bank transfer");
  });

  it("should not be offered when the merchant has no bank account (bank_transfer null)", async () => {
    const invoice = makeInvoice();
    api.invoices = [invoice];
    const element = await mountWidget();
    await waitForView(element, "list");
    await expect(payWith(element, [invoice], "bank_transfer")).rejects.toThrow("not offered");
    expect([...shadow(element).querySelectorAll<HTMLInputElement>('input[type="radio"]')].map((radio) => radio.value)).toEqual(["sandbox"]);
  });

  it("should be the one method, picked already, when the merchant accepts nothing online", async () => {
    api.config.payment_methods = [];
    const invoice = withTransfer();
    api.invoices = [invoice];
    const element = await mountWidget();
    await waitForView(element, "list");
    await payWith(element, [invoice], "bank_transfer");
    await waitForView(element, "transfer");
    expect(part(element, "transfer")).not.toBeNull();
  });

  it("should show the beneficiary, the IBAN grouped by four, the BIC, the exact reference and the amount", async () => {
    const invoice = withTransfer({ total: 57_605 });
    api.invoices = [invoice];
    serveQr(invoice);
    const element = await transferOf([invoice]);

    expect(valueOf(element, "Beneficiary")).toBe("Atelier Martin SARL");
    expect(valueOf(element, "IBAN")).toBe("FR76 3000 6000 0112 3456 7890 189");
    expect(valueOf(element, "BIC")).toBe("AGRIFRPP");
    expect(valueOf(element, "Reference")).toBe("RF42F2026000042");
    expect(valueOf(element, "Amount due")).toBe("€576.05");
    expect(text(part(element, "transfer"))).toContain("One transfer per invoice, with its exact reference");
    expect(text(part(element, "transfer"))).toContain("The invoice shows as paid once the transfer is received.");
  });

  it("should fetch the QR code with the session and show it as an image with an alt text", async () => {
    const invoice = withTransfer({ total: 57_605 });
    api.invoices = [invoice];
    serveQr(invoice);
    const element = await transferOf([invoice]);

    await vi.waitFor(() => expect(part(element, "qr")).not.toBeNull());
    const image = part(element, "qr") as HTMLImageElement;
    expect(image.getAttribute("src")).toBe(`data:image/svg+xml,${encodeURIComponent(SVG)}`);
    expect(image.alt).toContain("RF42F2026000042");
    expect(image.alt).toContain("€576.05");
    const [request] = api.calls(`GET /v1/client/invoices/${invoice.id}/transfer_qr.svg`);
    expect(request!.headers.get("authorization")).toBe(`Bearer ${SESSION}`);
    await vi.waitFor(() => expect(image.complete && image.naturalWidth > 0).toBe(true));
  });

  it("should give instructions without a QR code in another currency than the euro", async () => {
    const invoice = withTransfer({ currency: "usd", currency_exponent: 2, total: 5_000 });
    api.invoices = [invoice];
    const element = await transferOf([invoice]);

    expect(valueOf(element, "Amount due")).toBe("$50.00");
    expect(part(element, "qr")).toBeNull();
    expect(api.requests.some((request) => request.url.pathname.endsWith("transfer_qr.svg"))).toBe(false);
  });

  it("should still show the instructions when the QR code cannot be fetched", async () => {
    const invoice = withTransfer();
    api.invoices = [invoice];
    const element = await transferOf([invoice]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(part(element, "qr")).toBeNull();
    expect(valueOf(element, "Reference")).toBe("RF42F2026000042");
  });

  it("should show one transfer per invoice, each with its reference, amount and QR code, when several are selected", async () => {
    const first = withTransfer({ number: "F2026-000042", total: 12_000 }, "RF42F2026000042");
    const second = withTransfer({ number: "F2026-000043", total: 3_000 }, "RF15F2026000043");
    api.invoices = [first, second];
    serveQr(first);
    serveQr(second);
    const element = await transferOf([first, second]);

    const sections = [...shadow(element).querySelectorAll('[part="transfer-invoice"]')];
    expect(sections.map((section) => text(section.querySelector("h3")))).toEqual(["Invoice F2026-000042", "Invoice F2026-000043"]);
    expect(sections.map((section) => valueOf(element, "Reference", section))).toEqual(["RF42F2026000042", "RF15F2026000043"]);
    expect(sections.map((section) => valueOf(element, "Amount due", section))).toEqual(["€120.00", "€30.00"]);
    await vi.waitFor(() => expect(shadow(element).querySelectorAll('[part="qr"]')).toHaveLength(2));
    expect(copyButton(element, "Reference F2026-000043")).toBeTruthy();
  });

  it("should go back to the list with Back", async () => {
    const invoice = withTransfer();
    api.invoices = [invoice];
    const element = await transferOf([invoice]);
    button(element, "Back").click();
    await waitForView(element, "list");
  });
});

describe("when the transfer arrives", () => {
  it("should drop a paid invoice from the instructions, then go back to the list and announce it once all are paid", async () => {
    const first = withTransfer({ number: "F2026-000042" });
    const second = withTransfer({ number: "F2026-000043" }, "RF15F2026000043");
    api.invoices = [first, second];
    const element = await transferOf([first, second]);
    const stream = await api.stream();

    api.markPaid(first.id);
    stream.push(`id: evt_1\nevent: invoice.paid\ndata: {}\n\n`);
    await vi.waitFor(() => expect(shadow(element).querySelectorAll('[part="transfer-invoice"]')).toHaveLength(1));
    expect(text(shadow(element).querySelector('[part="transfer-invoice"] h3'))).toBe("Invoice F2026-000043");
    await vi.waitFor(() => expect(text(liveRegion(element))).toBe("Invoice F2026-000042 is paid."));

    api.markPaid(second.id);
    stream.push(`id: evt_2\nevent: invoice.paid\ndata: {}\n\n`);
    await waitForView(element, "list");
    await vi.waitFor(() => expect(text(liveRegion(element))).toBe("Invoice F2026-000043 is paid."));
  });

  it("should offer only the way back when the instructions are withdrawn while shown", async () => {
    const invoice = withTransfer();
    api.invoices = [invoice];
    const element = await transferOf([invoice]);
    const stream = await api.stream();

    api.invoices = [{ ...invoice, bank_transfer: null }];
    stream.push(`id: evt_1\nevent: invoice.updated\ndata: {}\n\n`);

    await vi.waitFor(() => expect(part(element, "transfer")).toBeNull());
    button(element, "Back").click();
    await waitForView(element, "list");
  });
});

describe("copying", () => {
  it("should copy the exact value (IBAN without spaces, reference, amount without currency) and announce it", async () => {
    const writes: string[] = [];
    vi.spyOn(navigator.clipboard, "writeText").mockImplementation(async (value) => void writes.push(value));
    const invoice = withTransfer({ total: 57_605 });
    api.invoices = [invoice];
    const element = await transferOf([invoice]);

    copyButton(element, "IBAN").click();
    await vi.waitFor(() => expect(text(liveRegion(element))).toBe("IBAN copied"));
    copyButton(element, "Reference").click();
    await vi.waitFor(() => expect(text(liveRegion(element))).toBe(`Reference ${invoice.number} copied`));
    copyButton(element, "Amount due").click();
    copyButton(element, "BIC").click();
    await vi.waitFor(() => expect(writes).toHaveLength(4));

    expect(writes).toEqual([IBAN, "RF42F2026000042", "576.05", "AGRIFRPP"]);
  });

  it("should copy the amount with a decimal comma in French and announce it in French", async () => {
    const writes: string[] = [];
    vi.spyOn(navigator.clipboard, "writeText").mockImplementation(async (value) => void writes.push(value));
    const invoice = withTransfer({ total: 57_605 });
    api.invoices = [invoice];
    const element = await transferOf([invoice], "fr");

    copyButton(element, "Reste à payer").click();

    await vi.waitFor(() => expect(text(liveRegion(element))).toBe(`Reste à payer ${invoice.number} copié`));
    expect(writes).toEqual(["576,05"]);
    expect(text(shadow(element).querySelector("h2"))).toBe("Virement bancaire");
  });

  it("should select the value and say how to copy it when the clipboard is refused", async () => {
    vi.spyOn(navigator.clipboard, "writeText").mockRejectedValue(new DOMException("denied", "NotAllowedError"));
    const invoice = withTransfer();
    api.invoices = [invoice];
    const element = await transferOf([invoice]);

    copyButton(element, "Reference").click();

    await vi.waitFor(() => expect(text(liveRegion(element))).toContain("Copy refused"));
    expect(getSelection()!.toString()).toBe("RF42F2026000042");
  });

  it("should be usable from the keyboard: Tab reaches each copy button and Enter copies", async () => {
    const writes: string[] = [];
    vi.spyOn(navigator.clipboard, "writeText").mockImplementation(async (value) => void writes.push(value));
    const invoice = withTransfer();
    api.invoices = [invoice];
    const element = await transferOf([invoice]);
    await vi.waitFor(() => expect(shadow(element).activeElement?.tagName).toBe("H2"));

    await userEvent.tab();
    expect(shadow(element).activeElement?.getAttribute("aria-label")).toBe("Copy Beneficiary");
    await userEvent.tab();
    expect(shadow(element).activeElement?.getAttribute("aria-label")).toBe("Copy IBAN");
    await userEvent.tab();
    await userEvent.tab();
    expect(shadow(element).activeElement?.getAttribute("aria-label")).toBe(`Copy Reference ${invoice.number}`);
    await userEvent.keyboard("{Enter}");

    await vi.waitFor(() => expect(writes).toEqual(["RF42F2026000042"]));
  });
});

describe("the reference elsewhere", () => {
  it("should show the transfer reference in the invoice detail", async () => {
    const invoice = withTransfer();
    api.invoices = [invoice];
    const element = await mountWidget();
    await waitForView(element, "list");
    part(element, "details-button")!.click();
    await waitForView(element, "detail");
    expect(text(part(element, "reference"))).toBe("Bank transfer · Reference RF42F2026000042");
  });
});

describe.each(["en", "fr"])("axe on the transfer instructions (%s)", (lang) => {
  it("should find no violations with one invoice and its QR code, and with several", async () => {
    const first = withTransfer({ number: "F2026-000042" });
    const second = withTransfer({ number: "F2026-000043" }, "RF15F2026000043");
    api.invoices = [first, second];
    serveQr(first);
    serveQr(second);
    const one = await transferOf([first], lang);
    await vi.waitFor(() => expect(part(one, "qr")).not.toBeNull());
    expect(await violations(one)).toEqual([]);
    removeWidgets();

    const several = await transferOf([first, second], lang);
    await vi.waitFor(() => expect(shadow(several).querySelectorAll('[part="qr"]')).toHaveLength(2));
    expect(await violations(several)).toEqual([]);
  });
});
