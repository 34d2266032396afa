// The dev-only stream of the demo merchant's events (a real back office uses GET /v1/events/stream with its key).
const rows = document.getElementById("events");
const connection = document.getElementById("connection");
const source = new EventSource("/dev/events/stream");
source.onopen = () => (connection.textContent = "Live: connected.");
source.onerror = () => (connection.textContent = "Reconnecting…");
source.onmessage = () => undefined;
/** Minor units → "248,39 €" for display (the API's amounts are integers in the currency's minor unit). */
const money = (amount, currency) => {
  if (amount === undefined || amount === null || !currency) return "";
  const format = new Intl.NumberFormat(undefined, { style: "currency", currency: currency.toUpperCase() });
  const digits = format.resolvedOptions().maximumFractionDigits;
  const text = String(Math.abs(amount)).padStart(digits + 1, "0");
  const decimal = digits === 0 ? text : `${text.slice(0, -digits)}.${text.slice(-digits)}`;
  return format.format(`${amount < 0 ? "-" : ""}${decimal}`);
};
const show = (message) => {
  const event = JSON.parse(message.data);
  const row = document.createElement("tr");
  row.dataset.type = event.type;
  row.dataset.invoice = event.invoice ?? "";
  const cells = [new Date(event.created).toLocaleTimeString(), event.type, event.data.number ?? event.invoice ?? "", event.data.status ?? "", money(event.data.amount_due, event.data.currency)];
  for (const value of cells) {
    const cell = document.createElement("td");
    cell.textContent = String(value);
    row.append(cell);
  }
  rows.prepend(row);
};
for (const type of ["invoice.payment_processing", "invoice.paid", "invoice.partially_paid", "invoice.reopened", "invoice.issued", "invoice.created", "invoice.voided", "payment.succeeded", "payment.failed", "payment.refunded", "payment.disputed", "customer.created", "settings.updated"]) {
  source.addEventListener(type, show);
}
