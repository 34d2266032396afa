/**
 * `qc-dashboard`: outstanding and overdue per currency, DSO, collected this month vs last, the
 * ageing and cash-in charts (each with a data table as text alternative) and today's activity,
 * refreshed (debounced) on live events.
 * @example
 * document.body.append(document.createElement("qc-dashboard"));
 */
import { css, html, LitElement } from "lit";
import type { Chart } from "chart.js";
import type { AgingReportBody } from "../../../shared/schemas/aging";
import type { CollectionsReport } from "../../../shared/schemas/collections";
import { drawBars } from "../components/overview-charts";
import { announce, api, live, money, register, t } from "../components/overview-shell";

register({
  fr: { "dashboard.title": "Tableau de bord", "dashboard.outstanding": "Encours", "dashboard.overdue": "En retard", "dashboard.dso": "DSO (jours)", "dashboard.month": "Encaissé ce mois", "dashboard.last": "Mois dernier", "dashboard.aging": "Balance âgée", "dashboard.cash": "Encaissements et prévision", "dashboard.activity": "Activité du jour", "dashboard.updated": "Totaux mis à jour", "dashboard.paid": "{number} payée — {amount}", "dashboard.opened": "relance ouverte par {name}" },
  en: { "dashboard.title": "Dashboard", "dashboard.outstanding": "Outstanding", "dashboard.overdue": "Overdue", "dashboard.dso": "DSO (days)", "dashboard.month": "Collected this month", "dashboard.last": "Last month", "dashboard.aging": "Ageing", "dashboard.cash": "Cash in and forecast", "dashboard.activity": "Today's activity", "dashboard.updated": "Totals updated", "dashboard.paid": "{number} paid — {amount}", "dashboard.opened": "reminder opened by {name}" },
});

interface LiveEvent { type: string; data: Record<string, unknown> }

/** One human sentence for an event, or null for events the activity does not show. */
function sentence(event: LiveEvent): string | null {
  const d = event.data;
  const str = (k: string): string => (typeof d[k] === "string" ? (d[k] as string) : "");
  if (event.type === "invoice.paid" || event.type === "payment.succeeded") {
    const amount = typeof d["amount"] === "number" ? money(d["amount"] as number, str("currency") || "eur") : "";
    return t("dashboard.paid", { number: str("number") || str("invoice"), amount });
  }
  if (event.type === "reminder.opened") return t("dashboard.opened", { name: str("customer_name") || str("customer") });
  return null;
}

export class QcDashboard extends LitElement {
  static override styles = css`
    :host { display: block; padding: 1rem; }
    .cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(12rem, 1fr)); gap: 1rem; }
    .card { border: 1px solid currentColor; border-radius: 0.5rem; padding: 0.75rem; }
    .chart { position: relative; height: 16rem; max-width: 100%; }
    .sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
  `;
  private aging: AgingReportBody | null = null;
  private collections: CollectionsReport | null = null;
  private activity: string[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private charts: { aging?: Chart; cash?: Chart } = {};
  private readonly onEvent = (e: Event): void => {
    const line = sentence((e as CustomEvent<LiveEvent>).detail);
    if (line) this.activity = [line, ...this.activity].slice(0, 20);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.load(true), 250);
  };

  override connectedCallback(): void {
    super.connectedCallback();
    document.title = t("dashboard.title");
    live.addEventListener("event", this.onEvent);
    void this.load(false);
  }
  override disconnectedCallback(): void {
    live.removeEventListener("event", this.onEvent);
    clearTimeout(this.timer);
    super.disconnectedCallback();
  }

  private async load(announceIt: boolean): Promise<void> {
    const today = new Date().toISOString().slice(0, 10);
    const from = new Date(Date.now() - 56 * 86_400_000).toISOString().slice(0, 10);
    [this.aging, this.collections] = await Promise.all([
      api<AgingReportBody>("/v1/reports/aging", { query: { by: "currency" } }),
      api<CollectionsReport>("/v1/reports/collections", { query: { from, to: today, interval: "week" } }),
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
    if (this.aging && agingCanvas) {
      const keys = this.aging.buckets.map((b) => b.key);
      this.charts.aging = drawBars(agingCanvas, keys, this.aging.currencies.map((c) => ({ label: c.currency.toUpperCase(), data: keys.map((k) => (c.buckets[k] ?? 0) / 100) })), this.charts.aging);
    }
    if (this.collections && cashCanvas) {
      const c = this.collections;
      const labels = [...c.periods.map((p) => p.period), ...c.forecast.weeks.map((w) => w.week)];
      const datasets = c.currencies.map((cur) => ({
        label: cur.toUpperCase(),
        data: [...c.periods.map((p) => (p.currencies.find((x) => x.currency === cur)?.cash_received.net ?? 0) / 100), ...c.forecast.weeks.map((w) => (w.currencies.find((x) => x.currency === cur)?.expected ?? 0) / 100)],
      }));
      this.charts.cash = drawBars(cashCanvas, labels, datasets, this.charts.cash);
    }
  }

  override render(): unknown {
    const a = this.aging;
    const overdue = (c: AgingReportBody["currencies"][number]): number => c.total - (c.buckets["current"] ?? 0);
    return html`<h1 tabindex="-1">${t("dashboard.title")}</h1>
      <section class="cards" aria-label=${t("dashboard.outstanding")}>
        ${a?.currencies.map((c) => html`<div class="card" data-currency=${c.currency}>
          <p>${t("dashboard.outstanding")}: <strong>${money(c.total, c.currency)}</strong></p>
          <p>${t("dashboard.overdue")}: <strong data-overdue>${money(overdue(c), c.currency)}</strong></p>
          <p>${t("dashboard.dso")}: ${this.collections?.summary.find((s) => s.currency === c.currency)?.dso ?? "—"}</p>
        </div>`)}
      </section>
      <h2>${t("dashboard.aging")}</h2>
      <div class="chart"><canvas id="aging" role="img" aria-label=${t("dashboard.aging")}></canvas></div>
      <table class="sr-only"><caption>${t("dashboard.aging")}</caption>
        ${a?.currencies.map((c) => html`<tr><th scope="row">${c.currency.toUpperCase()}</th>${a.buckets.map((b) => html`<td>${b.key}: ${money(c.buckets[b.key] ?? 0, c.currency)}</td>`)}</tr>`)}
      </table>
      <h2>${t("dashboard.cash")}</h2>
      <div class="chart"><canvas id="cash" role="img" aria-label=${t("dashboard.cash")}></canvas></div>
      <h2>${t("dashboard.activity")}</h2>
      <ul>${this.activity.map((line) => html`<li>${line}</li>`)}</ul>`;
  }
}

if (!customElements.get("qc-dashboard")) customElements.define("qc-dashboard", QcDashboard);
