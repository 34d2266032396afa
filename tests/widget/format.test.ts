import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { formatMoney } from "../../shared/money";
import { formatDate, formatMinorUnits } from "../../widget/src/format";
import { formatRate } from "../../widget/src/format-figures";
import { button, FakeApi, makeInvoice, mountWidget, part, parts, removeWidgets, text, waitForView } from "./support";

/** French groups thousands with a narrow no-break space; a plain no-break space goes before the currency and "%". */
const NNBSP = "\u202f";
const NBSP = "\u00a0";

describe("formatMoney", () => {
  it.each([
    // [amount in minor units, currency, locale, expected]
    [123_456, "jpy", "en", "¥123,456"],
    [123_456, "jpy", "fr", `123${NNBSP}456${NBSP}JPY`],
    [0, "jpy", "en", "¥0"],
    [123_456, "eur", "en", "€1,234.56"],
    [123_456, "eur", "fr", `1${NNBSP}234,56${NBSP}€`],
    [5, "eur", "en", "€0.05"],
    [5, "eur", "fr", `0,05${NBSP}€`],
    [-5, "eur", "en", "-€0.05"],
    [1_234_567, "kwd", "en", `KWD${NBSP}1,234.567`],
    [1_234_567, "kwd", "fr", `1${NNBSP}234,567${NBSP}KWD`],
    [5, "kwd", "en", `KWD${NBSP}0.005`],
    [5, "kwd", "fr", `0,005${NBSP}KWD`],
    [1_000, "kwd", "fr", `1,000${NBSP}KWD`],
  ] as const)("should write %i %s for %s readers as %j when formatted", (amount, currency, locale, expected) => {
    expect(formatMoney(amount, currency, locale)).toBe(expected);
  });

  it.each([
    [123_456, 0, "jpy", "en", "¥123,456"],
    [123_456, 2, "eur", "fr", `1${NNBSP}234,56${NBSP}€`],
    [-5, 2, "eur", "en", "-€0.05"],
    [5, 3, "kwd", "fr", `0,005${NBSP}KWD`],
    [99_999_999_999, 2, "eur", "en", "€999,999,999.99"],
    // The exponent the API sends wins over Intl's own idea of the currency's decimals (0 for LAK in CLDR, 2 in ISO 4217).
    [123_456, 2, "lak", "en", `LAK${NBSP}1,234.56`],
  ] as const)("should write %i with exponent %i in %s for %s readers as %j when the widget formats it", (amount, exponent, currency, locale, expected) => {
    expect(formatMinorUnits(amount, exponent, currency, locale)).toBe(expected);
  });

  it("should accept the currency in upper case when the API sends it so", () => {
    expect(formatMoney(1999, "EUR", "en")).toBe("€19.99");
  });

  it("should keep every digit of a large amount when it exceeds float precision in major units", () => {
    expect(formatMoney(99_999_999_999, "eur", "en")).toBe("€999,999,999.99");
  });
});

describe("formatDate", () => {
  it.each([
    ["2026-03-05", "en", "Mar 5, 2026"],
    ["2026-03-05", "fr", "5 mars 2026"],
    ["2026-12-31", "en", "Dec 31, 2026"],
    ["2026-12-31", "fr", "31 déc. 2026"],
    ["2026-01-01", "en", "Jan 1, 2026"],
    ["2026-01-01", "fr", "1 janv. 2026"],
  ] as const)("should write %s for %s readers as %j when formatted", (day, locale, expected) => {
    expect(formatDate(day, locale)).toBe(expected);
  });
});

describe("formatRate", () => {
  it.each([
    [2000, "en", "20%"],
    [2000, "fr", `20${NBSP}%`],
    [550, "en", "5.5%"],
    [550, "fr", `5,5${NBSP}%`],
  ] as const)("should write %i basis points for %s readers as %j when formatted", (basisPoints, locale, expected) => {
    expect(formatRate(basisPoints, locale)).toBe(expected);
  });
});

describe("in the widget", () => {
  let api: FakeApi;

  beforeEach(() => {
    api = new FakeApi();
    api.install();
    api.invoices = [
      makeInvoice({ number: "F-JPY", total: 123_456, currency: "jpy", due_date: "2026-03-05" }),
      makeInvoice({ number: "F-EUR", total: 123_456, currency: "eur", due_date: "2026-12-31" }),
      makeInvoice({ number: "F-KWD", total: 1_234_567, currency: "kwd", due_date: "2026-01-01" }),
    ];
  });

  afterEach(() => {
    removeWidgets();
    api.uninstall();
  });

  function rows(element: Parameters<typeof parts>[0]): string[][] {
    return parts(element, "invoice").map((row) => [text(row.querySelector(".meta")), text(row.querySelector(".amount"))]);
  }

  it("should show amounts with each currency's decimals and English dates when lang is en", async () => {
    const element = await mountWidget({ lang: "en" });
    await waitForView(element, "list");

    expect(rows(element)).toEqual([
      ["Due Mar 5, 2026", "¥123,456"],
      ["Due Dec 31, 2026", "€1,234.56"],
      ["Due Jan 1, 2026", `KWD${NBSP}1,234.567`],
    ]);
  });

  it("should show amounts with each currency's decimals and French dates when lang is fr", async () => {
    const element = await mountWidget({ lang: "fr" });
    await waitForView(element, "list");

    expect(rows(element)).toEqual([
      ["Échéance le 5 mars 2026", `123${NNBSP}456${NBSP}JPY`],
      ["Échéance le 31 déc. 2026", `1${NNBSP}234,56${NBSP}€`],
      ["Échéance le 1 janv. 2026", `1${NNBSP}234,567${NBSP}KWD`],
    ]);
  });

  it("should follow the page's language when the element has no lang attribute", async () => {
    const wrapper = document.createElement("div");
    wrapper.lang = "fr-FR";
    document.body.append(wrapper);
    const element = document.createElement("quittance-invoices");
    element.setAttribute("session", "cs_test_session");
    element.setAttribute("api-base", "https://api.quittance.test");
    wrapper.append(element);
    await waitForView(element, "list");

    expect(text(parts(element, "invoice")[1]!.querySelector(".amount"))).toBe(`1${NNBSP}234,56${NBSP}€`);
    expect(part(element, "base")?.getAttribute("lang")).toBe("fr");
    wrapper.remove();
  });

  it("should format the detail's dates, rates and 3-decimal totals in French when lang is fr", async () => {
    const element = await mountWidget({ lang: "fr" });
    await waitForView(element, "list");
    parts(element, "details-button")[2]!.click();
    await waitForView(element, "detail");

    const dialog = part(element, "dialog")!;
    expect(text(dialog.querySelector("h2"))).toBe("Facture F-KWD");
    expect(text(dialog.querySelector(".meta"))).toBe("Émise le 3 févr. 2026 · Échéance 1 janv. 2026");
    expect([...part(element, "totals")!.children].map((node) => text(node))).toEqual([
      "Total HT", `1${NNBSP}028,806${NBSP}KWD`,
      `TVA 20${NBSP}%`, `205,761${NBSP}KWD`,
      "Total TTC", `1${NNBSP}234,567${NBSP}KWD`,
      "Déjà payé", `0,000${NBSP}KWD`,
      "Reste à payer", `1${NNBSP}234,567${NBSP}KWD`,
    ]);
    button(element, "Fermer").click();
    await waitForView(element, "list");
  });
});
