/**
 * `qc-dashboard`: outstanding and overdue per currency, DSO, collected this month vs last, the
 * ageing and cash-in charts (each with a data table as text alternative) and today's activity,
 * refreshed (debounced) on live events.
 * @example
 * document.body.append(document.createElement("qc-dashboard"));
 */
import { css, html, LitElement, nothing } from "lit";
import type { Chart } from "chart.js";
import type { AgingReportBody } from "../../../shared/schemas/aging";
import type { CollectionsReport } from "../../../shared/schemas/collections";
import { drawBars } from "../components/overview-charts";
import { currencyExponent, isCurrency } from "../../../shared/currencies";
import { api } from "../api";
import { money, register, t } from "../i18n";
import { setTitle } from "../router";
import { base, tokens } from "../styles";
import { announce, LiveRefresh } from "../live";

register({
  fr: { "dashboard.title": "Tableau de bord", "dashboard.outstanding": "Encours", "dashboard.overdue": "En retard", "dashboard.dso": "DSO (jours)", "dashboard.month": "Encaissé ce mois", "dashboard.vs": "(mois dernier : {amount})", "dashboard.forecast": "prévision", "dashboard.aging": "Balance âgée", "dashboard.cash": "Encaissements et prévision", "dashboard.activity": "Activité en direct", "dashboard.quiet": "Les paiements, relances ouvertes et factures émises s'afficheront ici dès qu'ils arrivent.", "dashboard.colon": " : ", "dashboard.updated": "Totaux mis à jour", "dashboard.paid": "{number} payée — {amount}", "dashboard.opened": "relance ouverte par {name}", "dashboard.payment": "Paiement reçu — {amount} ({method})", "dashboard.method.card": "carte", "dashboard.method.bank_transfer": "virement", "dashboard.method.cheque": "chèque", "dashboard.method.cash": "espèces", "dashboard.method.other": "autre", "dashboard.method.paypal": "PayPal", "dashboard.method.stripe_checkout": "Stripe Checkout", "dashboard.method.sandbox": "carte de test" },
  en: { "dashboard.title": "Dashboard", "dashboard.outstanding": "Outstanding", "dashboard.overdue": "Overdue", "dashboard.dso": "DSO (days)", "dashboard.month": "Collected this month", "dashboard.vs": "(last month: {amount})", "dashboard.forecast": "forecast", "dashboard.aging": "Ageing", "dashboard.cash": "Cash in and forecast", "dashboard.activity": "Live activity", "dashboard.quiet": "Payments, opened reminders and issued invoices show here the moment they happen.", "dashboard.colon": ": ", "dashboard.updated": "Totals updated", "dashboard.paid": "{number} paid — {amount}", "dashboard.opened": "reminder opened by {name}", "dashboard.payment": "Payment received — {amount} ({method})", "dashboard.method.card": "card", "dashboard.method.bank_transfer": "bank transfer", "dashboard.method.cheque": "cheque", "dashboard.method.cash": "cash", "dashboard.method.other": "other", "dashboard.method.paypal": "PayPal", "dashboard.method.stripe_checkout": "Stripe Checkout", "dashboard.method.sandbox": "test card" },
});

/** A chart's value in major units (the chart only draws it; the figures shown as text stay integers formatted by money()). */
function major(minor: number, currency: string): number {
  const code = currency.toLowerCase();
  return minor / 10 ** (isCurrency(code) ? currencyExponent(code) : 2);
}

interface LiveEvent { type: string; data: Record<string, unknown> }

/** One human sentence for an event, or null for events the activity does not show. */
function sentence(event: LiveEvent): string | null {
  const d = event.data;
  const str = (k: string): string => (typeof d[k] === "string" ? (d[k] as string) : "");
  const amount = (k: string): string => (typeof d[k] === "number" ? money(d[k] as number, str("currency") || "eur") : "");
  if (event.type === "invoice.paid") return t("dashboard.paid", { number: str("number"), amount: amount("total") });
  if (event.type === "payment.succeeded") return t("dashboard.payment", { amount: amount("amount"), method: t(`dashboard.method.${str("method")}`) });
  if (event.type === "reminder.opened") return t("dashboard.opened", { name: str("customer_name") || str("customer") });
  return null;
}

export class QcDashboard extends LitElement {
  static override styles = [tokens, base, css`
    :host { display: block; }
    .cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(12rem, 1fr)); gap: 1rem; }
    .card { border: 1px solid currentColor; border-radius: 0.5rem; padding: 0.75rem; }
    .chart { position: relative; height: 16rem; max-width: 100%; }
  `];
  private aging: AgingReportBody | null = null;
  private collections: CollectionsReport | null = null;
  private months: CollectionsReport | null = null;
  private activity: string[] = [];
  private charts: { aging?: Chart; cash?: Chart } = {};
  // Every event may move a figure; those that make a sentence go on the activity list at once.
  private readonly refresh = new LiveRefresh(this, () => true, () => this.load(true), (event) => {
    const line = sentence(event as LiveEvent);
    if (line) this.activity = [line, ...this.activity].slice(0, 20);
  });

  override connectedCallback(): void {
    super.connectedCallback();
    setTitle(t("dashboard.title"));
    void this.load(false);
  }

  private async load(announceIt: boolean): Promise<void> {
    const today = new Date().toISOString().slice(0, 10);
    const from = new Date(Date.now() - 56 * 86_400_000).toISOString().slice(0, 10);
    const now = new Date();
    const lastMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1)).toISOString().slice(0, 10);
    [this.aging, this.collections, this.months] = await Promise.all([
      api<AgingReportBody>("/v1/reports/aging", { query: { by: "currency" } }),
      api<CollectionsReport>("/v1/reports/collections", { query: { from, to: today, interval: "week" } }),
      api<CollectionsReport>("/v1/reports/collections", { query: { from: lastMonth, to: today, interval: "month" } }),
    ]);
    this.requestUpdate();
    await this.updateComplete;
    this.drawCharts();
    if (announceIt) announce(t("dashboard.updated"));
  }

  private drawCharts(): void {
    const root = this.renderRoot as ShadowRoot;
    const agingCanvas = root.querySelector<HTMLCanvasElement>("#aging");
    const cashCanvas = root.querySelector<HTMLCanvasElement>("#cash");
    const style = getComputedStyle(this);
    const accent = style.getPropertyValue("--_a").trim() || "#1f4fd1";
    const muted = style.getPropertyValue("--_m").trim() || "#545b66";
    const charted = this.chartCurrency();
    if (this.aging && agingCanvas && charted) {
      const keys = this.aging.buckets.map((b) => b.key);
      const c = this.aging.currencies.find((entry) => entry.currency === charted)!;
      this.charts.aging = drawBars(agingCanvas, keys, [{ label: charted.toUpperCase(), data: keys.map((k) => major(c.buckets[k] ?? 0, charted)), backgroundColor: keys.map((k) => (k === "current" ? muted : accent)) }], this.charts.aging, muted);
    }
    if (this.collections && cashCanvas) {
      const c = this.collections;
      const labels = [...c.periods.map((p) => p.period), ...c.forecast.weeks.map((w) => w.week)];
      const datasets = c.currencies.filter((cur) => cur === charted).map((cur) => ({
        label: cur.toUpperCase(),
        backgroundColor: [...c.periods.map(() => accent), ...c.forecast.weeks.map(() => muted)],
        data: [...c.periods.map((p) => major(p.currencies.find((x) => x.currency === cur)?.cash_received.net ?? 0, cur)), ...c.forecast.weeks.map((w) => major(w.currencies.find((x) => x.currency === cur)?.expected ?? 0, cur))],
      }));
      this.charts.cash = drawBars(cashCanvas, labels, datasets, this.charts.cash, muted);
    }
  }

  /** The charts draw one currency (amounts of different currencies share no axis): EUR when the merchant has some, else its first. */
  private chartCurrency(): string | undefined {
    const currencies = this.aging?.currencies ?? [];
    return [...currencies].sort((x, y) => (x.currency === "eur" ? -1 : y.currency === "eur" ? 1 : 0))[0]?.currency;
  }

  /** Cash received (net of refunds) in last month's and this month's period of the monthly report. */
  private collected(currency: string): { last: number; current: number } {
    const periods = this.months?.periods ?? [];
    const net = (index: number) => periods[index]?.currencies.find((entry) => entry.currency === currency)?.cash_received.net ?? 0;
    return { last: net(periods.length - 2), current: net(periods.length - 1) };
  }

  /** The cash-in chart's figures as a table, for screen readers. */
  private cashTable(): unknown {
    const c = this.collections;
    const cur = this.chartCurrency();
    if (!c || !cur) return nothing;
    const rows = [
      ...c.periods.map((p) => [p.period, p.currencies.find((x) => x.currency === cur)?.cash_received.net ?? 0] as const),
      ...c.forecast.weeks.map((w) => [`${w.week} (${t("dashboard.forecast")})`, w.currencies.find((x) => x.currency === cur)?.expected ?? 0] as const),
    ];
    return html`<table class="sr-only"><caption>${t("dashboard.cash")}</caption>${rows.map(([label, amount]) => html`<tr><th scope="row">${label}</th><td>${money(amount, cur)}</td></tr>`)}</table>`;
  }

  override render(): unknown {
    const a = this.aging;
    const overdue = (c: AgingReportBody["currencies"][number]): number => c.total - (c.buckets["current"] ?? 0);
    return html`<h1 tabindex="-1">${t("dashboard.title")}</h1>
      <section class="cards" aria-label=${t("dashboard.outstanding")}>
        ${a?.currencies.map((c) => html`<div class="card" data-currency=${c.currency}>
          <p>${t("dashboard.outstanding")}${t("dashboard.colon")}<strong data-outstanding>${money(c.total, c.currency)}</strong></p>
          <p>${t("dashboard.overdue")}${t("dashboard.colon")}<strong data-overdue>${money(overdue(c), c.currency)}</strong></p>
          <p>${t("dashboard.month")}${t("dashboard.colon")}<strong data-collected>${money(this.collected(c.currency).current, c.currency)}</strong>
            ${t("dashboard.vs", { amount: money(this.collected(c.currency).last, c.currency) })}</p>
          <p>${t("dashboard.dso")}${t("dashboard.colon")}${this.collections?.summary.find((s) => s.currency === c.currency)?.dso ?? "—"}</p>
        </div>`)}
      </section>
      <h2>${t("dashboard.aging")} (${this.chartCurrency()?.toUpperCase() ?? ""})</h2>
      <div class="chart"><canvas id="aging" role="img" aria-label=${t("dashboard.aging")}></canvas></div>
      <table class="sr-only"><caption>${t("dashboard.aging")}</caption>
        ${a?.currencies.map((c) => html`<tr><th scope="row">${c.currency.toUpperCase()}</th>${a.buckets.map((b) => html`<td>${b.key}: ${money(c.buckets[b.key] ?? 0, c.currency)}</td>`)}</tr>`)}
      </table>
      <h2>${t("dashboard.cash")} (${this.chartCurrency()?.toUpperCase() ?? ""})</h2>
      <div class="chart"><canvas id="cash" role="img" aria-label=${t("dashboard.cash")}></canvas></div>
      ${this.cashTable()}
      <h2>${t("dashboard.activity")}</h2>
      ${this.activity.length ? html`<ul>${this.activity.map((line) => html`<li>${line}</li>`)}</ul>` : html`<p class="muted">${t("dashboard.quiet")}</p>`}`;
  }
}

if (!customElements.get("qc-dashboard")) customElements.define("qc-dashboard", QcDashboard);
