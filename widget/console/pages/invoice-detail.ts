/**
 * `qc-invoice-detail`: one invoice — lines, payments, credit notes, PDF — and its reminder timeline
 * (planned, sent, opened, clicked, viewed, paid, each with its time; why one did not go out), with
 * the actions remind now, pause/resume, promise to pay, credit note, void. Live: refetched on events.
 * @example
 * Object.assign(document.createElement("qc-invoice-detail"), { params: { id: "inv_1" } });
 */
import { css, html, LitElement, nothing } from "lit";
import type { z } from "zod";
import type { InvoiceSchema } from "../../../shared/schemas/invoices";
import type { ReminderSchema } from "../../../shared/schemas/reminders";
import { currencyExponent, isCurrency } from "../../../shared/currencies";
import { decimalToMinor } from "../../../shared/minor-units";
import { api, ApiError } from "../api";
import { date, dateTime, money, register, t } from "../i18n";
import { announce, LiveRefresh } from "../live";
import { link, setTitle } from "../router";
import { canWrite } from "../session";
import { base, tokens } from "../styles";
import "../components/qc-status-badge";

type Invoice = z.infer<typeof InvoiceSchema>;
type Reminder = z.infer<typeof ReminderSchema>;
interface Timeline { data: Reminder[]; paid_at: string | null; settings: { paused: boolean; promise_until: string | null; steps: number[] | null } }

register({
  fr: { "detail.title": "Facture {number}", "detail.draft": "Brouillon", "detail.customer": "Client", "detail.due": "Échéance", "detail.lines": "Lignes", "detail.description": "Désignation", "detail.qty": "Qté", "detail.unit": "Prix unitaire HT", "detail.vat": "TVA", "detail.line_total": "Total TTC", "detail.total": "Total TTC", "detail.paid": "Payé", "detail.credited": "Avoirs", "detail.amount_due": "Reste dû", "detail.payments": "Paiements", "detail.credit_notes": "Avoirs", "detail.pdf": "Télécharger le PDF (Factur-X)", "detail.timeline": "Relances", "detail.planned": "Prévue le {day}", "detail.sent": "Envoyée", "detail.opened": "Ouverte", "detail.clicked": "Lien cliqué", "detail.viewed": "Facture consultée", "detail.paid_at": "Facture payée", "detail.skipped": "Non envoyée : {reason}", "detail.failed": "Échec d'envoi", "detail.queued": "En file d'envoi", "detail.paused": "Relances en pause.", "detail.promise": "Promesse de paiement jusqu'au {day} : relances suspendues.", "detail.no_email": "Pas d'adresse e-mail : aucune relance ne peut partir.", "detail.none": "Aucune relance.", "detail.step": "Étape J{offset}", "detail.manual": "Relance manuelle", "detail.remind": "Relancer maintenant", "detail.reminded": "Relance envoyée", "detail.pause": "Mettre en pause", "detail.resume": "Reprendre les relances", "detail.promise_date": "Promesse de paiement jusqu'au", "detail.promise_save": "Enregistrer la promesse", "detail.credit": "Émettre un avoir", "detail.credit_amount": "Montant TTC (vide : tout le reste)", "detail.credit_reason": "Motif", "detail.void": "Annuler la facture", "detail.void_confirm": "Annuler définitivement cette facture ?", "detail.done": "Fait", "detail.actions": "Actions" },
  en: { "detail.title": "Invoice {number}", "detail.draft": "Draft", "detail.customer": "Customer", "detail.due": "Due", "detail.lines": "Lines", "detail.description": "Description", "detail.qty": "Qty", "detail.unit": "Unit price excl. VAT", "detail.vat": "VAT", "detail.line_total": "Total incl. VAT", "detail.total": "Total incl. VAT", "detail.paid": "Paid", "detail.credited": "Credit notes", "detail.amount_due": "Amount due", "detail.payments": "Payments", "detail.credit_notes": "Credit notes", "detail.pdf": "Download the PDF (Factur-X)", "detail.timeline": "Reminders", "detail.planned": "Planned for {day}", "detail.sent": "Sent", "detail.opened": "Opened", "detail.clicked": "Link clicked", "detail.viewed": "Invoice viewed", "detail.paid_at": "Invoice paid", "detail.skipped": "Not sent: {reason}", "detail.failed": "Sending failed", "detail.queued": "Queued", "detail.paused": "Reminders paused.", "detail.promise": "Promise to pay until {day}: reminders held.", "detail.no_email": "No email address: no reminder can go out.", "detail.none": "No reminders.", "detail.step": "Step D{offset}", "detail.manual": "Manual reminder", "detail.remind": "Remind now", "detail.reminded": "Reminder sent", "detail.pause": "Pause reminders", "detail.resume": "Resume reminders", "detail.promise_date": "Promise to pay until", "detail.promise_save": "Save the promise", "detail.credit": "Issue a credit note", "detail.credit_amount": "Amount incl. VAT (empty: all that remains)", "detail.credit_reason": "Reason", "detail.void": "Void the invoice", "detail.void_confirm": "Void this invoice for good?", "detail.done": "Done", "detail.actions": "Actions" },
});

export class QcInvoiceDetail extends LitElement {
  static override styles = [tokens, base, css`
    .scroll { overflow-x: auto; }
    ol.timeline { list-style: none; padding: 0; }
    ol.timeline > li { border-left: 3px solid var(--_l); padding: .25rem 0 .5rem .75rem; margin-bottom: .5rem; }
    ol.timeline ul { margin: .25rem 0 0; padding-left: 1rem; }
    .actions { display: flex; flex-wrap: wrap; gap: .75rem; align-items: end; }
    .actions form { display: flex; flex-wrap: wrap; gap: .5rem; align-items: end; }
  `];
  params: Record<string, string> = {};
  private invoice: Invoice | null = null;
  private timeline: Timeline | null = null;
  private customer: { name: string; email: string } | null = null;
  private message = "";
  private error = "";
  // Any change that may touch this invoice (its reminders' opens carry the reminder, not always the invoice).
  private readonly refresh = new LiveRefresh(this, (event) => /^(invoice|payment|credit_note|reminder)\./.test(event.type), () => this.load());

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  private get invoiceId(): string { return encodeURIComponent(this.params.id ?? ""); }

  private async load(): Promise<void> {
    try {
      this.invoice = await api<Invoice>(`/v1/invoices/${this.invoiceId}`);
      [this.timeline, this.customer] = await Promise.all([
        this.invoice.status === "draft" ? Promise.resolve(null) : api<Timeline>(`/v1/invoices/${this.invoiceId}/reminders`),
        api<{ name: string; email: string }>(`/v1/customers/${encodeURIComponent(this.invoice.customer)}`),
      ]);
      setTitle(t("detail.title", { number: this.invoice.number ?? t("detail.draft") }));
    } catch (caught) {
      this.error = caught instanceof ApiError ? (caught.problem.detail ?? caught.problem.title) : String(caught);
    }
    this.requestUpdate();
  }

  /** Runs one action, says what happened, reloads. */
  private async act(run: () => Promise<unknown>, done: string): Promise<void> {
    this.error = "";
    try {
      await run();
      this.message = done;
      announce(done);
      await this.load();
    } catch (caught) {
      this.error = caught instanceof ApiError ? `${caught.problem.detail ?? caught.problem.title}${caught.problem.param ? ` (${caught.problem.param})` : ""}` : String(caught);
      this.requestUpdate();
    }
  }

  private settings(body: Record<string, unknown>): Promise<unknown> {
    return api(`/v1/invoices/${this.invoiceId}/reminder_settings`, { method: "PUT", body });
  }

  private step(reminder: Reminder): unknown {
    const moments: [string | null, string][] = [[reminder.sent_at, "detail.sent"], [reminder.opened_at, "detail.opened"], [reminder.clicked_at, "detail.clicked"], [reminder.viewed_at, "detail.viewed"]];
    const title = reminder.manual || reminder.step === null ? t("detail.manual") : t("detail.step", { offset: reminder.step >= 0 ? `+${reminder.step}` : reminder.step });
    return html`<li data-reminder=${reminder.id} data-status=${reminder.status}><strong>${title}</strong> — ${t("detail.planned", { day: date(reminder.send_on) })}
      <ul>
        ${moments.filter(([at]) => at).map(([at, key]) => html`<li data-moment=${key.slice(7)}>${t(key)} · <time datetime=${at!}>${dateTime(at!)}</time></li>`)}
        ${reminder.status === "skipped" ? html`<li>${t("detail.skipped", { reason: reminder.skip_reason ?? "" })}</li>` : nothing}
        ${reminder.status === "failed" ? html`<li class="error">${t("detail.failed")}</li>` : nothing}
        ${reminder.status === "queued" || reminder.status === "sending" ? html`<li>${t("detail.queued")}</li>` : nothing}
      </ul></li>`;
  }

  private actions(invoice: Invoice): unknown {
    if (!canWrite()) return nothing;
    const payable = invoice.amount_due > 0 && (invoice.status === "open" || invoice.status === "partially_paid");
    const s = this.timeline?.settings;
    return html`<h2>${t("detail.actions")}</h2><div class="actions">
      ${payable ? html`<button class="primary" data-write @click=${() => void this.act(() => api(`/v1/invoices/${this.invoiceId}/remind`, { method: "POST", idempotent: true, body: {} }), t("detail.reminded"))}>${t("detail.remind")}</button>
        <button class="secondary" data-write @click=${() => void this.act(() => this.settings({ paused: !s?.paused }), t("detail.done"))}>${s?.paused ? t("detail.resume") : t("detail.pause")}</button>
        <form @submit=${(e: SubmitEvent) => { e.preventDefault(); const day = String(new FormData(e.target as HTMLFormElement).get("promise") ?? ""); void this.act(() => this.settings({ promise_until: day || null }), t("detail.done")); }}>
          <div><label for="promise">${t("detail.promise_date")}</label><input id="promise" name="promise" type="date" data-write .value=${s?.promise_until ?? ""} /></div>
          <button type="submit" data-write>${t("detail.promise_save")}</button>
        </form>` : nothing}
      ${invoice.status !== "draft" && invoice.status !== "void" ? html`<form @submit=${(e: SubmitEvent) => this.credit(e, invoice)}>
          <div><label for="credit-amount">${t("detail.credit_amount")}</label><input id="credit-amount" name="amount" inputmode="decimal" size="10" data-write /></div>
          <div><label for="credit-reason">${t("detail.credit_reason")}</label><input id="credit-reason" name="reason" required maxlength="500" data-write /></div>
          <button type="submit" data-write>${t("detail.credit")}</button>
        </form>` : nothing}
      ${invoice.status === "open" && invoice.amount_paid === 0 ? html`<button class="danger" data-write @click=${() => { if (confirm(t("detail.void_confirm"))) void this.act(() => api(`/v1/invoices/${this.invoiceId}/void`, { method: "POST", idempotent: true, body: {} }), t("detail.done")); }}>${t("detail.void")}</button>` : nothing}
    </div>`;
  }

  private credit(event: SubmitEvent, invoice: Invoice): void {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    const text = String(form.get("amount") ?? "").trim();
    const code = invoice.currency.toLowerCase();
    const amount = text ? decimalToMinor(text, isCurrency(code) ? currencyExponent(code) : 2) : undefined;
    if (amount === null) { this.error = `${t("detail.credit_amount")} (amount)`; this.requestUpdate(); return; }
    void this.act(() => api(`/v1/invoices/${this.invoiceId}/credit_notes`, { method: "POST", idempotent: true, body: { reason: String(form.get("reason") ?? ""), ...(amount !== undefined ? { amount } : {}) } }), t("detail.done"));
  }

  override render(): unknown {
    const invoice = this.invoice;
    if (!invoice) return html`<h1 tabindex="-1">${t("detail.title", { number: "" })}</h1>${this.error ? html`<p role="alert" class="error">${this.error}</p>` : nothing}`;
    const cur = invoice.currency;
    const s = this.timeline?.settings;
    return html`<h1 tabindex="-1">${t("detail.title", { number: invoice.number ?? t("detail.draft") })} <qc-status-badge status=${invoice.overdue ? "overdue" : invoice.status}></qc-status-badge></h1>
      <p>${t("detail.customer")} : <a href=${link(`/console/customers/${invoice.customer}`)}>${this.customer?.name ?? invoice.customer}</a>${invoice.due_date ? html` · ${t("detail.due")} ${date(invoice.due_date)}` : nothing}</p>
      <p>${t("detail.total")} ${money(invoice.total, cur)} · ${t("detail.paid")} ${money(invoice.amount_paid, cur)} · ${t("detail.credited")} ${money(invoice.amount_credited, cur)} · <strong data-amount-due>${t("detail.amount_due")} ${money(invoice.amount_due, cur)}</strong></p>
      ${invoice.number ? html`<p><a href=${`/v1/invoices/${this.invoiceId}/pdf`} download>${t("detail.pdf")}</a></p>` : nothing}
      <div role="status">${this.message}</div>${this.error ? html`<p role="alert" class="error">${this.error}</p>` : nothing}
      ${this.actions(invoice)}
      <h2>${t("detail.timeline")}</h2>
      ${s?.paused ? html`<p data-held="paused">${t("detail.paused")}</p>` : nothing}
      ${s?.promise_until && s.promise_until >= new Date().toISOString().slice(0, 10) ? html`<p data-held="promise">${t("detail.promise", { day: date(s.promise_until) })}</p>` : nothing}
      ${this.customer && !this.customer.email ? html`<p data-held="email">${t("detail.no_email")}</p>` : nothing}
      ${this.timeline && this.timeline.data.length ? html`<ol class="timeline">${this.timeline.data.map((r) => this.step(r))}
        ${this.timeline.paid_at ? html`<li data-moment="paid"><strong>${t("detail.paid_at")}</strong> · <time datetime=${this.timeline.paid_at}>${dateTime(this.timeline.paid_at)}</time></li>` : nothing}</ol>` : html`<p>${t("detail.none")}</p>`}
      <h2>${t("detail.lines")}</h2>
      <div class="scroll" tabindex="0" role="region" aria-label=${t("detail.lines")}><table class="table">
        <thead><tr><th scope="col">${t("detail.description")}</th><th scope="col" class="num">${t("detail.qty")}</th><th scope="col" class="num">${t("detail.unit")}</th><th scope="col" class="num">${t("detail.vat")}</th><th scope="col" class="num">${t("detail.line_total")}</th></tr></thead>
        <tbody>${invoice.lines.map((line) => html`<tr><td>${line.description}</td><td class="num">${line.quantity}</td><td class="num">${money(line.unit_amount, cur)}</td><td class="num">${line.tax_rate / 100} %</td><td class="num">${money(line.amount_total, cur)}</td></tr>`)}</tbody>
      </table></div>
      <h2>${t("detail.payments")}</h2>
      ${invoice.payments.length ? html`<ul>${invoice.payments.map((p) => html`<li>${money(p.amount, cur)} · ${p.method} · ${p.status}</li>`)}</ul>` : html`<p>—</p>`}
      <h2>${t("detail.credit_notes")}</h2>
      ${invoice.credit_notes.length ? html`<ul>${invoice.credit_notes.map((c) => html`<li>${c.number} · ${date(c.issued_on)} · ${money(c.total, cur)} · <a href=${`/v1/credit_notes/${encodeURIComponent(c.id)}/pdf`} download>PDF</a></li>`)}</ul>` : html`<p>—</p>`}`;
  }
}

if (!customElements.get("qc-invoice-detail")) customElements.define("qc-invoice-detail", QcInvoiceDetail);
