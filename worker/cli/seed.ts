/**
 * The demo merchant's data, created through the public API (so every invoice, payment and event is
 * exactly what a real integration would produce): customers and invoices in every state — draft,
 * open, overdue, partially paid, paid, void — in EUR, JPY (no decimals) and KWD (three decimals).
 * The seller's and customers' data are complete enough for valid Factur-X e-invoices (SIREN, SIRET,
 * VAT numbers, addresses, the bank account, the category of operation); the KWD invoice has none,
 * as no EN 16931 e-invoice can carry three decimals (409 einvoice_not_expressible).
 */
import { addDays, utcDay } from "../../shared/status";

type Json = Record<string, unknown>;

export interface SeedResult {
  customers: Record<string, string>;
  invoices: Record<string, string>;
}

export async function seedDemo(baseUrl: string, secretKey: string, now = new Date()): Promise<SeedResult> {
  async function call(method: string, path: string, body?: Json): Promise<Json> {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${secretKey}`, "content-type": "application/json" },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const json = (await response.json()) as Json;
    if (!response.ok) throw new Error(`${method} ${path} → ${response.status} ${JSON.stringify(json)}`);
    return json;
  }
  const today = utcDay(now);

  await call("PUT", "/v1/settings", {
    payment_methods: ["sandbox", "card", "stripe_checkout", "paypal"],
    seller: {
      legal_name: "Atelier Quittance SARL",
      legal_form: "SARL",
      share_capital: "10 000 €",
      siren: "123456789",
      siret: "12345678900017",
      rcs: "RCS Lyon",
      vat_number: "FR32123456789",
      address: { line1: "12 rue de la République", postal_code: "69002", city: "Lyon", country: "FR" },
    },
    email_signature: "Camille Martin\nAtelier Quittance — 04 72 00 00 00",
    allowed_origins: ["http://localhost:8787", "http://127.0.0.1:5173"],
    // Book rates (EUR per unit) so the FEC can convert the demo's JPY and KWD invoices (and the JPY e-invoices state their VAT in euros).
    accounting: { exchange_rates: { jpy: "0.0062", kwd: "2.95" } },
    bank_account: { iban: "FR7630006000011234567890189", bic: "AGRIFRPP", account_name: "Atelier Quittance SARL" },
    // Flour (goods) with its delivery (a service): billing frame M1.
    einvoicing: { operation_category: "mixed", vat_on_debits: false },
  });

  const martin = await call("POST", "/v1/customers", {
    name: "Boulangerie Martin SAS",
    email: "compta@boulangerie-martin.example",
    locale: "fr",
    external_id: "demo-martin",
    siren: "987654321",
    siret: "98765432100015",
    vat_number: "FR45987654321",
    address: { line1: "3 place Bellecour", postal_code: "69002", city: "Lyon", country: "FR" },
  });
  const nakamura = await call("POST", "/v1/customers", {
    name: "Studio Nakamura",
    email: "billing@nakamura.example",
    locale: "en",
    external_id: "demo-nakamura",
    address: { line1: "1-2-3 Jingumae", postal_code: "150-0001", city: "Tokyo", country: "JP" },
  });
  const alsabah = await call("POST", "/v1/customers", {
    name: "Al-Sabah Trading",
    email: "accounts@alsabah.example",
    locale: "en",
    external_id: "demo-alsabah",
    address: { line1: "Al-Shuhada Street 4", postal_code: "13001", city: "Kuwait City", country: "KW" },
  });

  const invoice = (customer: Json, currency: string, lines: Json[], extra: Json = {}) =>
    call("POST", "/v1/invoices", { customer: customer.id, currency, lines, issue: true, ...extra });
  const bread = (quantity: number) => [
    { description: "Farine T65 — sac de 25 kg", quantity, unit_amount: 3450, tax_rate: 550 },
    { description: "Livraison", quantity: 1, unit_amount: 2500, tax_rate: 2000 },
  ];

  const open = await invoice(martin, "eur", bread(4), { net_days: 30, memo: "Livraison du lundi" });
  const overdue = await invoice(martin, "eur", bread(6), { due_date: addDays(today, -12) });
  const longOverdue = await invoice(martin, "eur", [{ description: "Four à sole — entretien annuel", quantity: 1, unit_amount: 48_000, tax_rate: 2000 }], {
    due_date: addDays(today, -45),
  });
  const partial = await invoice(martin, "eur", bread(10), { due_date: addDays(today, 10) });
  await call("POST", "/v1/payments", {
    method: "bank_transfer",
    amount: 20_000,
    currency: "eur",
    reference: "VIR MARTIN 0042",
    allocations: [{ invoice: partial.id, amount: 20_000 }],
  });
  const paid = await invoice(martin, "eur", bread(2), { net_days: 15 });
  await call("POST", "/v1/payments", {
    method: "cheque",
    amount: paid.total as number,
    currency: "eur",
    reference: "CHQ 1234567",
    allocations: [{ invoice: paid.id, amount: paid.total }],
  });
  const voided = await invoice(martin, "eur", bread(1));
  await call("POST", `/v1/invoices/${voided.id}/void`);
  const draft = await call("POST", "/v1/invoices", { customer: martin.id, currency: "eur", lines: bread(3) });

  const yenOpen = await invoice(nakamura, "jpy", [{ description: "Photo shoot — half day", quantity: 1, unit_amount: 85_000, tax_rate: 1000 }], { net_days: 30 });
  const yenPaid = await invoice(nakamura, "jpy", [{ description: "Prints, A3", quantity: 12, unit_amount: 1_500, tax_rate: 1000 }], { net_days: 30 });
  await call("POST", "/v1/payments", {
    method: "bank_transfer",
    amount: yenPaid.total as number,
    currency: "jpy",
    allocations: [{ invoice: yenPaid.id, amount: yenPaid.total }],
  });
  const dinar = await invoice(alsabah, "kwd", [{ description: "Consulting day", quantity: 2, unit_amount: 150_250 }], { due_date: addDays(today, -3) });

  const ids = (entries: Record<string, Json>) => Object.fromEntries(Object.entries(entries).map(([name, value]) => [name, String(value.id)]));
  return {
    customers: ids({ martin, nakamura, alsabah }),
    invoices: ids({ open, overdue, long_overdue: longOverdue, partially_paid: partial, paid, void: voided, draft, jpy_open: yenOpen, jpy_paid: yenPaid, kwd_overdue: dinar }),
  };
}
