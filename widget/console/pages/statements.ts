/**
 * `qc-statements`: the imported bank statements (newest first, cursor paging) with their counts
 * per line status, and for the owner the import of a camt.053 / camt.054 / OFX file, sent as the
 * raw body; the result (matched, unmatched…) is shown with a link to the statement.
 * @example
 * document.body.append(document.createElement("qc-statements"));
 */
import { css, html, LitElement, nothing } from "lit";
import type { BankStatement } from "../../../shared/schemas/bank-statements";
import { api, ApiError } from "../api";
import { date, dateTime, register, t } from "../i18n";
import { announce, LiveRefresh } from "../live";
import { link, navigate, setTitle } from "../router";
import { canWrite } from "../session";
import { base, tokens } from "../styles";
import { STATEMENT_ACCEPT, uploadStatement } from "../components/statements-upload";
import "../components/qc-pager";

type Summary = Omit<BankStatement, "lines">;
interface List { data: Summary[]; has_more: boolean; next: string | null }

register({
  fr: { "stm.title": "Relevés bancaires", "stm.import": "Importer un relevé", "stm.file": "Fichier du relevé (camt.053, camt.054 ou OFX)", "stm.file_hint": "Les virements reçus qui correspondent à une facture ouverte deviennent des paiements.", "stm.send": "Importer", "stm.sending": "Import en cours…", "stm.choose": "Choisissez un fichier.", "stm.done": "Relevé importé : {matched} rapprochée(s), {unmatched} à traiter, {ignored} ignorée(s), {duplicate} déjà importée(s)", "stm.open": "Voir le relevé", "stm.created": "Importé le", "stm.account": "Compte", "stm.period": "Période", "stm.format": "Format", "stm.lines": "Lignes", "stm.matched": "Rapprochées", "stm.unmatched": "À traiter", "stm.ignored": "Ignorées", "stm.duplicate": "Doublons", "stm.importing": "import inachevé", "stm.empty": "Aucun relevé importé.", "stm.first": "Première page", "stm.updated": "Liste mise à jour", "stm.view": "Relevé du {date}" },
  en: { "stm.title": "Bank statements", "stm.import": "Import a statement", "stm.file": "Statement file (camt.053, camt.054 or OFX)", "stm.file_hint": "Transfers received that match an open invoice become payments.", "stm.send": "Import", "stm.sending": "Importing…", "stm.choose": "Choose a file.", "stm.done": "Statement imported: {matched} matched, {unmatched} to review, {ignored} ignored, {duplicate} already imported", "stm.open": "Open the statement", "stm.created": "Imported", "stm.account": "Account", "stm.period": "Period", "stm.format": "Format", "stm.lines": "Lines", "stm.matched": "Matched", "stm.unmatched": "To review", "stm.ignored": "Ignored", "stm.duplicate": "Duplicates", "stm.importing": "import unfinished", "stm.empty": "No statement imported.", "stm.first": "First page", "stm.updated": "List updated", "stm.view": "Statement of {date}" },
});

export class QcStatements extends LitElement {
  static override styles = [tokens, base, css`
    .scroll { overflow-x: auto; }
    form.import { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: end; margin-bottom: 1rem; }
    form.import .hint { display: block; font-size: .9rem; }
    .mono { font-family: ui-monospace, monospace; overflow-wrap: anywhere; }
  `];
  query = new URLSearchParams();
  private list: List | null = null;
  private error = "";
  private result: BankStatement | null = null;
  private busy = false;
  // Another tab's import or allocation changes the counts.
  private readonly refresh = new LiveRefresh(this, (event) => /^(payment|invoice)\./.test(event.type), () => this.load(true));

  override connectedCallback(): void {
    super.connectedCallback();
    setTitle(t("stm.title"));
    void this.load(false);
  }

  private async load(announceIt: boolean): Promise<void> {
    try {
      this.list = await api<List>("/v1/bank_statements", { query: { limit: 20, starting_after: this.query.get("starting_after") ?? undefined } });
    } catch (caught) {
      this.error = caught instanceof ApiError ? caught.problem.detail ?? caught.problem.title : String(caught);
      this.list = { data: [], has_more: false, next: null };
    }
    this.requestUpdate();
    if (announceIt) announce(t("stm.updated"));
  }

  private async upload(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const input = this.renderRoot.querySelector<HTMLInputElement>("#statement-file");
    const file = input?.files?.[0];
    this.error = "";
    this.result = null;
    if (!file) {
      this.error = t("stm.choose");
      this.requestUpdate();
      input?.focus();
      return;
    }
    this.busy = true;
    this.requestUpdate();
    try {
      this.result = await uploadStatement<BankStatement>(file);
      announce(this.doneText(this.result));
      if (input) input.value = "";
      await this.load(false);
    } catch (caught) {
      this.error = caught instanceof ApiError ? `${caught.problem.detail ?? caught.problem.title}` : String(caught);
      input?.focus();
    }
    this.busy = false;
    this.requestUpdate();
  }

  private doneText(statement: BankStatement): string {
    const c = statement.counts;
    return t("stm.done", { matched: c.matched, unmatched: c.unmatched, ignored: c.ignored, duplicate: c.duplicate });
  }

  private go(next: URLSearchParams): void {
    this.query = next;
    const search = next.toString();
    navigate(`/console/statements${search ? `?${search}` : ""}`, { replace: true });
  }

  private importForm(): unknown {
    return html`<form class="import card" novalidate @submit=${(e: SubmitEvent) => void this.upload(e)} aria-labelledby="import-title">
      <h2 id="import-title" class="sr-only">${t("stm.import")}</h2>
      <div>
        <label for="statement-file">${t("stm.file")}</label>
        <span class="muted hint" id="statement-hint">${t("stm.file_hint")}</span>
        <input id="statement-file" type="file" accept=${STATEMENT_ACCEPT} data-write aria-describedby="statement-hint${this.error ? " statement-error" : ""}" aria-invalid=${this.error ? "true" : "false"} />
      </div>
      <button type="submit" class="primary" data-write ?disabled=${this.busy}>${this.busy ? t("stm.sending") : t("stm.send")}</button>
      ${this.error ? html`<p class="error" role="alert" id="statement-error">${this.error}</p>` : nothing}
    </form>`;
  }

  private row(statement: Summary): unknown {
    const c = statement.counts;
    const period = statement.period_start || statement.period_end ? `${statement.period_start ? date(statement.period_start.slice(0, 10)) : "…"} – ${statement.period_end ? date(statement.period_end.slice(0, 10)) : "…"}` : "—";
    return html`<tr data-statement=${statement.id}>
      <th scope="row"><a href=${link(`/console/statements/${statement.id}`)} aria-label=${t("stm.view", { date: dateTime(statement.created) })}>${dateTime(statement.created)}</a>
        ${statement.status === "importing" ? html`<br /><span class="badge overdue">${t("stm.importing")}</span>` : nothing}</th>
      <td>${statement.format}</td>
      <td class="mono">${statement.account}</td>
      <td>${period}</td>
      <td class="num">${c.lines}</td><td class="num">${c.matched}</td><td class="num">${c.unmatched}</td><td class="num">${c.ignored}</td><td class="num">${c.duplicate}</td>
    </tr>`;
  }

  override render(): unknown {
    const rows = this.list?.data ?? [];
    return html`<h1 tabindex="-1">${t("stm.title")}</h1>
      ${canWrite() ? this.importForm() : this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      <div role="status" data-result>${this.result ? html`<p>${this.doneText(this.result)} — <a href=${link(`/console/statements/${this.result.id}`)}>${t("stm.open")}</a></p>` : nothing}</div>
      <div class="scroll" tabindex="0" role="region" aria-label=${t("stm.title")}>
        <table class="table">
          <thead><tr><th scope="col">${t("stm.created")}</th><th scope="col">${t("stm.format")}</th><th scope="col">${t("stm.account")}</th><th scope="col">${t("stm.period")}</th>
            <th scope="col" class="num">${t("stm.lines")}</th><th scope="col" class="num">${t("stm.matched")}</th><th scope="col" class="num">${t("stm.unmatched")}</th><th scope="col" class="num">${t("stm.ignored")}</th><th scope="col" class="num">${t("stm.duplicate")}</th></tr></thead>
          <tbody>${rows.map((statement) => this.row(statement))}</tbody>
        </table>
      </div>
      ${this.list && rows.length === 0 ? html`<p>${t("stm.empty")}</p>` : nothing}
      ${this.query.get("starting_after") ? html`<button class="secondary" @click=${() => this.go(new URLSearchParams())}>${t("stm.first")}</button>` : nothing}
      <qc-pager .next=${this.list?.next ?? ""} ?hasMore=${this.list?.has_more ?? false} @qc-page=${(e: CustomEvent<{ cursor: string }>) => this.go(new URLSearchParams({ starting_after: e.detail.cursor }))}></qc-pager>`;
  }
}

if (!customElements.get("qc-statements")) customElements.define("qc-statements", QcStatements);
