/**
 * `qc-statement-detail`: one imported bank statement — its counts, and its lines filtered by
 * status (all, matched, with a suggestion, unmatched, ignored, duplicate; kept in the address bar),
 * each with its payer, references and outcome. The owner confirms a suggested invoice, allocates an
 * unmatched line by hand (qc-statement-allocate) or ignores it.
 * @example
 * Object.assign(document.createElement("qc-statement-detail"), { params: { id: "bst_1" } });
 */
import { css, html, LitElement, nothing } from "lit";
import type { BankStatement, StatementLine } from "../../../shared/schemas/bank-statements";
import { api, ApiError } from "../api";
import { date, dateTime, money, register, t } from "../i18n";
import { announce, LiveRefresh } from "../live";
import { link, setTitle } from "../router";
import { canWrite } from "../session";
import { base, tokens } from "../styles";
import "../components/statement-allocate";

type Summary = Omit<BankStatement, "lines">;
interface Lines { data: StatementLine[]; has_more: boolean; next: number | null }
/** The filters: the API's line statuses, plus "suggested" (unmatched lines with a suggestion). */
const FILTERS = ["all", "matched", "suggested", "unmatched", "ignored", "duplicate"] as const;
type Filter = (typeof FILTERS)[number];

register({
  fr: { "sd.title": "Relevé du {date}", "sd.account": "Compte", "sd.format": "Format", "sd.period": "Période", "sd.filter": "Lignes à afficher", "sd.f.all": "Toutes", "sd.f.matched": "Rapprochées", "sd.f.suggested": "Avec suggestion", "sd.f.unmatched": "À traiter", "sd.f.ignored": "Ignorées", "sd.f.duplicate": "Doublons", "sd.s.matched": "rapprochée", "sd.s.unmatched": "à traiter", "sd.s.ignored": "ignorée", "sd.s.duplicate": "déjà importée", "sd.line": "Ligne {n}", "sd.debit": "débit", "sd.from": "De {payer}", "sd.ref": "Référence : {ref}", "sd.memo": "Libellé : {text}", "sd.bank_ref": "Réf. banque : {ref}", "sd.method.reference": "par la référence", "sd.method.invoice_number": "par le numéro de facture", "sd.method.amount_and_payer": "par le montant et le payeur", "sd.method.manual": "à la main", "sd.paid": "{amount} sur", "sd.credit": "{amount} laissé en avoir du client", "sd.matched_by": "Rapprochée {method}", "sd.suggestions": "Suggestions", "sd.confirm": "Confirmer {number}", "sd.confirm_label": "Confirmer {number} (ligne {n})", "sd.by_hand": "Affecter à la main", "sd.close_hand": "Fermer l'affectation", "sd.ignore": "Ignorer", "sd.ignore_label": "Ignorer (ligne {n})", "sd.confirmed": "Ligne {n} rapprochée", "sd.ignored_done": "Ligne {n} ignorée", "sd.none": "Aucune ligne dans ce filtre.", "sd.more": "Lignes suivantes", "sd.back": "Tous les relevés", "sd.updated": "Relevé mis à jour", "sd.reason.ignored by hand": "ignorée à la main", "sd.reason.zero amount": "montant nul", "sd.reason.amount not in a supported currency": "devise non prise en charge" },
  en: { "sd.title": "Statement of {date}", "sd.account": "Account", "sd.format": "Format", "sd.period": "Period", "sd.filter": "Lines to show", "sd.f.all": "All", "sd.f.matched": "Matched", "sd.f.suggested": "With a suggestion", "sd.f.unmatched": "To review", "sd.f.ignored": "Ignored", "sd.f.duplicate": "Duplicates", "sd.s.matched": "matched", "sd.s.unmatched": "to review", "sd.s.ignored": "ignored", "sd.s.duplicate": "already imported", "sd.line": "Line {n}", "sd.debit": "debit", "sd.from": "From {payer}", "sd.ref": "Reference: {ref}", "sd.memo": "Memo: {text}", "sd.bank_ref": "Bank ref.: {ref}", "sd.method.reference": "by the reference", "sd.method.invoice_number": "by the invoice number", "sd.method.amount_and_payer": "by amount and payer", "sd.method.manual": "by hand", "sd.paid": "{amount} on", "sd.credit": "{amount} left as the customer's credit", "sd.matched_by": "Matched {method}", "sd.suggestions": "Suggestions", "sd.confirm": "Confirm {number}", "sd.confirm_label": "Confirm {number} (line {n})", "sd.by_hand": "Allocate by hand", "sd.close_hand": "Close the allocation", "sd.ignore": "Ignore", "sd.ignore_label": "Ignore (line {n})", "sd.confirmed": "Line {n} matched", "sd.ignored_done": "Line {n} ignored", "sd.none": "No line in this filter.", "sd.more": "More lines", "sd.back": "All statements", "sd.updated": "Statement updated", "sd.reason.ignored by hand": "ignored by hand", "sd.reason.zero amount": "zero amount", "sd.reason.amount not in a supported currency": "currency not supported" },
});

const BADGE: Record<StatementLine["status"], string> = { matched: "paid", unmatched: "open", ignored: "draft", duplicate: "draft" };

export class QcStatementDetail extends LitElement {
  static override styles = [tokens, base, css`
    dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; margin: 0 0 1rem; }
    dl.facts dt { font-weight: 600; } dl.facts dd { margin: 0; overflow-wrap: anywhere; }
    nav.filters ul { list-style: none; padding: 0; margin: 0 0 1rem; display: flex; flex-wrap: wrap; gap: .5rem; }
    nav.filters a { display: inline-block; padding: .3rem .75rem; border: 1px solid var(--_l); border-radius: 999px; text-decoration: none; }
    nav.filters a[aria-current=page] { background: var(--_a); color: var(--_at); border-color: var(--_a); }
    ol.lines { list-style: none; padding: 0; margin: 0; display: grid; gap: .75rem; }
    .head { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: baseline; }
    .head h2 { margin: 0; font-size: 1rem; }
    .amount { font-variant-numeric: tabular-nums; font-weight: 600; }
    .mono { font-family: ui-monospace, monospace; overflow-wrap: anywhere; }
    ul.plain { margin: .25rem 0; padding-left: 1.25rem; }
    .actions { display: flex; flex-wrap: wrap; gap: .5rem; margin-top: .5rem; align-items: center; }
    p { margin: .25rem 0; }
  `];
  params: Record<string, string> = {};
  query = new URLSearchParams();
  private statement: Summary | null = null;
  private lines: StatementLine[] = [];
  private next: number | null = null;
  private numbers = new Map<string, string>();
  private handOpen = new Set<number>();
  private lineErrors = new Map<number, string>();
  private error = "";
  private message = "";
  private readonly refresh = new LiveRefresh(this, (event) => /^(payment|invoice)\./.test(event.type), () => this.refreshShown());

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load(false);
  }

  private get statementId(): string { return encodeURIComponent(this.params.id ?? ""); }
  private get filter(): Filter {
    const wanted = this.query.get("status");
    return (FILTERS as readonly string[]).includes(wanted ?? "") ? (wanted as Filter) : "all";
  }

  private async page(after: number | null): Promise<Lines> {
    const filter = this.filter;
    const status = filter === "all" ? undefined : filter === "suggested" ? "unmatched" : filter;
    const page = await api<Lines>(`/v1/bank_statements/${this.statementId}/lines`, { query: { limit: 100, status, starting_after: after ?? undefined } });
    return filter === "suggested" ? { ...page, data: page.data.filter((line) => line.suggestions.length > 0) } : page;
  }

  private async load(announceIt: boolean): Promise<void> {
    try {
      const [statement, page] = await Promise.all([api<BankStatement>(`/v1/bank_statements/${this.statementId}`, { query: { lines_limit: 0 } }), this.page(null)]);
      this.statement = statement;
      this.lines = page.data;
      this.next = page.has_more ? page.next : null;
      setTitle(t("sd.title", { date: dateTime(statement.created) }));
      await this.loadNumbers();
    } catch (caught) {
      this.error = caught instanceof ApiError ? caught.problem.detail ?? caught.problem.title : String(caught);
    }
    this.requestUpdate();
    if (announceIt) announce(t("sd.updated"));
  }

  /**
   * A live refresh: the lines on screen get their fresh state (a line just confirmed stays in view,
   * even under a filter it no longer fits, until the filter is chosen again) and the counts move.
   */
  private async refreshShown(): Promise<void> {
    const first = this.lines[0]?.line;
    const last = this.lines.at(-1)?.line;
    if (first === undefined || last === undefined || last - first >= 500) return this.load(true);
    try {
      const [statement, page] = await Promise.all([
        api<BankStatement>(`/v1/bank_statements/${this.statementId}`, { query: { lines_limit: 0 } }),
        api<Lines>(`/v1/bank_statements/${this.statementId}/lines`, { query: { limit: last - first + 1, starting_after: first - 1 } }),
      ]);
      const fresh = new Map(page.data.map((line) => [line.line, line]));
      this.statement = statement;
      this.lines = this.lines.map((line) => fresh.get(line.line) ?? line);
      await this.loadNumbers();
    } catch { /* the next event or visit refreshes */ }
    this.requestUpdate();
    announce(t("sd.updated"));
  }

  private async more(): Promise<void> {
    const page = await this.page(this.next);
    this.lines = [...this.lines, ...page.data];
    this.next = page.has_more ? page.next : null;
    await this.loadNumbers();
    this.requestUpdate();
  }

  /** The invoice numbers the matched lines' allocations name (the lines carry ids only). */
  private async loadNumbers(): Promise<void> {
    const missing = [...new Set(this.lines.flatMap((line) => line.allocations.map((allocation) => allocation.invoice)))].filter((id) => !this.numbers.has(id));
    await Promise.all(missing.map(async (id) => {
      try { this.numbers.set(id, (await api<{ number: string | null }>(`/v1/invoices/${encodeURIComponent(id)}`)).number ?? id); } catch { this.numbers.set(id, id); }
    }));
  }

  private async replaced(updated: StatementLine, text: string): Promise<void> {
    this.lines = this.lines.map((line) => (line.line === updated.line ? updated : line));
    this.handOpen.delete(updated.line);
    this.message = text;
    announce(text);
    await this.loadNumbers();
    try { this.statement = await api<BankStatement>(`/v1/bank_statements/${this.statementId}`, { query: { lines_limit: 0 } }); } catch { /* counts refresh on the next load */ }
    this.requestUpdate();
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>(`[data-line="${updated.line}"] h2`)?.focus();
  }

  private async write(line: StatementLine, action: "allocate" | "ignore", body: unknown, done: string): Promise<void> {
    this.lineErrors.delete(line.line);
    try {
      const updated = await api<StatementLine>(`/v1/bank_statements/${this.statementId}/lines/${line.line}/${action}`, { method: "POST", idempotent: true, body });
      await this.replaced(updated, t(done, { n: line.line }));
    } catch (caught) {
      this.lineErrors.set(line.line, caught instanceof ApiError ? caught.problem.detail ?? caught.problem.title : String(caught));
      this.requestUpdate();
    }
  }

  private outcome(line: StatementLine): unknown {
    if (line.status === "matched") {
      return html`<p>${t("sd.matched_by", { method: t(`sd.method.${line.match_method ?? "manual"}`) })}</p>
        <ul class="plain">${line.allocations.map((allocation) => html`<li>${t("sd.paid", { amount: money(allocation.amount, line.currency) })} <a href=${link(`/console/invoices/${allocation.invoice}`)}>${this.numbers.get(allocation.invoice) ?? allocation.invoice}</a></li>`)}
          ${line.amount_unallocated > 0 ? html`<li>${t("sd.credit", { amount: money(line.amount_unallocated, line.currency) })}</li>` : nothing}</ul>`;
    }
    // A debit says so in its heading; other reasons the server writes in English are translated when known.
    if (line.status === "ignored" && line.ignored_reason && line.ignored_reason !== "debit") {
      const known = t(`sd.reason.${line.ignored_reason}`);
      return html`<p class="muted" data-reason>${known === `sd.reason.${line.ignored_reason}` ? line.ignored_reason : known}</p>`;
    }
    return nothing;
  }

  private suggestions(line: StatementLine): unknown {
    if (line.status !== "unmatched" || line.suggestions.length === 0) return nothing;
    const write = canWrite();
    return html`<h3 class="sr-only">${t("sd.suggestions")}</h3><ul class="plain" aria-label=${t("sd.suggestions")}>${line.suggestions.map((suggestion) => html`<li data-suggestion=${suggestion.invoice}>
      <a href=${link(`/console/invoices/${suggestion.invoice}`)}>${suggestion.number}</a> — ${money(suggestion.amount_due, line.currency)} <span class="muted">(${suggestion.reason})</span>
      ${write ? html` <button type="button" class="primary" data-write data-confirm=${suggestion.invoice} aria-label=${t("sd.confirm_label", { n: line.line, number: suggestion.number })}
        @click=${() => void this.write(line, "allocate", { invoice: suggestion.invoice }, "sd.confirmed")}>${t("sd.confirm", { number: suggestion.number })}</button>` : nothing}
    </li>`)}</ul>`;
  }

  private line(line: StatementLine): unknown {
    const write = canWrite() && line.status === "unmatched";
    const open = this.handOpen.has(line.line);
    const error = this.lineErrors.get(line.line);
    return html`<li class="card" data-line=${line.line} data-status=${line.status}>
      <div class="head">
        <h2 tabindex="-1">${t("sd.line", { n: line.line })}</h2>
        <span class="amount">${line.direction === "debit" ? "−" : ""}${money(line.amount, line.currency)}</span>
        <span>${line.booking_date ? date(line.booking_date) : line.value_date ? date(line.value_date) : ""}</span>
        <span class="badge ${BADGE[line.status]}">${t(`sd.s.${line.status}`)}</span>
        ${line.direction === "debit" ? html`<span class="muted">${t("sd.debit")}</span>` : nothing}
      </div>
      ${line.payer_name || line.payer_iban ? html`<p>${t("sd.from", { payer: [line.payer_name, line.payer_iban].filter(Boolean).join(" · ") })}</p>` : nothing}
      ${line.structured_reference ? html`<p class="mono">${t("sd.ref", { ref: line.structured_reference })}</p>` : nothing}
      ${line.remittance_information ? html`<p>${t("sd.memo", { text: line.remittance_information })}</p>` : nothing}
      <p class="muted mono">${t("sd.bank_ref", { ref: line.entry_reference })}</p>
      ${this.outcome(line)}
      ${this.suggestions(line)}
      ${write ? html`<div class="actions">
        <button type="button" class="secondary" data-write aria-expanded=${open ? "true" : "false"} @click=${() => { if (open) this.handOpen.delete(line.line); else this.handOpen.add(line.line); this.requestUpdate(); }}>${open ? t("sd.close_hand") : t("sd.by_hand")}</button>
        <button type="button" class="danger" data-write data-ignore aria-label=${t("sd.ignore_label", { n: line.line })} @click=${() => void this.write(line, "ignore", {}, "sd.ignored_done")}>${t("sd.ignore")}</button>
      </div>` : nothing}
      ${error ? html`<p class="error" role="alert">${error}</p>` : nothing}
      ${write && open ? html`<qc-statement-allocate .statement=${this.params.id ?? ""} .line=${line} @qc-allocated=${(e: CustomEvent<{ line: StatementLine }>) => void this.replaced(e.detail.line, t("sd.confirmed", { n: line.line }))}></qc-statement-allocate>` : nothing}
    </li>`;
  }

  private filters(): unknown {
    const counts = this.statement?.counts;
    const count = (filter: Filter): string => {
      if (!counts || filter === "suggested") return "";
      return ` (${filter === "all" ? counts.lines : counts[filter]})`;
    };
    return html`<nav class="filters" aria-label=${t("sd.filter")}><ul>${FILTERS.map((filter) => html`<li>
      <a href=${link(`/console/statements/${this.params.id ?? ""}${filter === "all" ? "" : `?status=${filter}`}`)} aria-current=${filter === this.filter ? "page" : nothing}>${t(`sd.f.${filter}`)}${count(filter)}</a></li>`)}</ul></nav>`;
  }

  override render(): unknown {
    const s = this.statement;
    if (!s) return html`<h1 tabindex="-1">${t("sd.title", { date: "" })}</h1>${this.error ? html`<p role="alert" class="error">${this.error}</p>` : nothing}`;
    return html`<p><a href=${link("/console/statements")}>${t("sd.back")}</a></p>
      <h1 tabindex="-1">${t("sd.title", { date: dateTime(s.created) })}</h1>
      <dl class="facts">
        <dt>${t("sd.account")}</dt><dd class="mono">${s.account}</dd>
        <dt>${t("sd.format")}</dt><dd>${s.format}${s.message_id ? html` · <span class="mono">${s.message_id}</span>` : nothing}</dd>
        <dt>${t("sd.period")}</dt><dd>${s.period_start ? date(s.period_start.slice(0, 10)) : "…"} – ${s.period_end ? date(s.period_end.slice(0, 10)) : "…"}</dd>
      </dl>
      ${this.filters()}
      <div role="status" data-message>${this.message}</div>
      ${this.error ? html`<p role="alert" class="error">${this.error}</p>` : nothing}
      ${this.lines.length ? html`<ol class="lines">${this.lines.map((line) => this.line(line))}</ol>` : html`<p>${t("sd.none")}</p>`}
      ${this.next !== null ? html`<p><button type="button" class="secondary" @click=${() => void this.more()}>${t("sd.more")}</button></p>` : nothing}`;
  }
}

if (!customElements.get("qc-statement-detail")) customElements.define("qc-statement-detail", QcStatementDetail);
