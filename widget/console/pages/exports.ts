/**
 * `qc-exports`: the accountant's downloads — the invoices, payments and credit notes CSV over a date
 * range, and the FEC of a fiscal year (UTF-8 or ISO-8859-15). Each button fetches the file with the
 * session cookie and saves it under the name the API gives; a refusal (4xx problem) is shown beside
 * the field it names. Reads only: the read-only session uses it fully.
 * @example
 * document.body.append(document.createElement("qc-exports"));
 */
import { css, html, LitElement, nothing } from "lit";
import { ApiError, type Problem } from "../api";
import { register, t } from "../i18n";
import { announce } from "../live";
import { setTitle } from "../router";
import { base, tokens } from "../styles";

register({
  fr: { "exports.title": "Exports comptables", "exports.csv": "Fichiers CSV", "exports.csv_help": "Bornes incluses, dates UTC, {days} jours au plus (deux ans : un premier exercice peut durer 24 mois). Sans date de début : le 1er janvier de l'année de fin. CSV RFC 4180, UTF-8 avec BOM, montants en unités avec un point.", "exports.from": "Du", "exports.to": "Au", "exports.invoices": "Factures (une ligne par ligne de facture, par date d'émission)", "exports.payments": "Paiements (une ligne par affectation, par date de réception)", "exports.credit_notes": "Avoirs (une ligne par ligne d'avoir, par date d'émission)", "exports.download_invoices": "Télécharger les factures", "exports.download_payments": "Télécharger les paiements", "exports.download_credit_notes": "Télécharger les avoirs", "exports.fec": "Fichier des écritures comptables (FEC)", "exports.fec_help": "L'exercice est l'année civile (1er janvier – 31 décembre). Le fichier porte votre SIREN (à renseigner dans les réglages) ; chaque devise autre que l'euro demande un taux de conversion. Encodage : UTF-8, ou ISO-8859-15, le jeu que cite l'article A47 A-1 du LPF (les caractères qu'il n'a pas deviennent « ? »).", "exports.year": "Exercice", "exports.encoding": "Encodage", "exports.utf8": "UTF-8 (par défaut)", "exports.latin9": "ISO-8859-15 (Latin-9)", "exports.download_fec": "Télécharger le FEC", "exports.working": "Préparation de {name}…", "exports.saved": "{name} téléchargé ({size} octets)", "exports.refused": "Refusé ({status}) : {detail}" },
  en: { "exports.title": "Accounting exports", "exports.csv": "CSV files", "exports.csv_help": "Both days included, UTC dates, at most {days} days (two years: a first fiscal year may last 24 months). Without a start day: 1 January of the end day's year. RFC 4180 CSV, UTF-8 with a BOM, amounts in major units with a dot.", "exports.from": "From", "exports.to": "To", "exports.invoices": "Invoices (one row per invoice line, by issue date)", "exports.payments": "Payments (one row per allocation, by the day received)", "exports.credit_notes": "Credit notes (one row per credit-note line, by issue date)", "exports.download_invoices": "Download invoices", "exports.download_payments": "Download payments", "exports.download_credit_notes": "Download credit notes", "exports.fec": "FEC (Fichier des écritures comptables)", "exports.fec_help": "The fiscal year is the calendar year (1 January – 31 December). The file is named after your SIREN (set it in the settings); each currency other than the euro needs a book rate. Encoding: UTF-8, or ISO-8859-15, the set article A47 A-1 LPF names (characters it lacks become “?”).", "exports.year": "Fiscal year", "exports.encoding": "Encoding", "exports.utf8": "UTF-8 (default)", "exports.latin9": "ISO-8859-15 (Latin-9)", "exports.download_fec": "Download the FEC", "exports.working": "Preparing {name}…", "exports.saved": "{name} downloaded ({size} bytes)", "exports.refused": "Refused ({status}): {detail}" },
});

/** MAX_EXPORT_DAYS of shared/schemas/csv-exports.ts (importing it would bring zod into the console bundle); the API's 422 says the same. */
const MAX_EXPORT_DAYS = 731;
const CSV_KINDS = ["invoices", "payments", "credit_notes"] as const;
const today = (): string => new Date().toISOString().slice(0, 10);

/** The file name in a `Content-Disposition: attachment; filename="…"` header. */
function fileName(response: Response, fallback: string): string {
  return /filename="([^"]+)"/.exec(response.headers.get("content-disposition") ?? "")?.[1] ?? fallback;
}

export class QcExports extends LitElement {
  static override styles = [tokens, base, css`
    section { margin-bottom: 1.5rem; }
    form { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: flex-start; }
    form > button { align-self: flex-end; }
    .kinds { list-style: none; padding: 0; margin: .75rem 0 0; display: grid; gap: .5rem; flex-basis: 100%; }
    .kinds li { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: center; }
    .field-error { margin: .25rem 0 0; max-width: 24rem; }
    .help { max-width: 48rem; }
  `];
  /** The form ("csv" | "fec") and the problem it got back. */
  private problem: { form: "csv" | "fec"; problem: Problem } | null = null;
  private status = "";
  private busy = false;

  override connectedCallback(): void {
    super.connectedCallback();
    setTitle(t("exports.title"));
  }

  /** Fetches the file with the session cookie and saves it; a 4xx becomes the form's problem. */
  private async download(form: "csv" | "fec", path: string, query: Record<string, string>, fallback: string): Promise<void> {
    // Buttons stay enabled (a disabled one would drop the keyboard focus): a second press waits for the first.
    if (this.busy) return;
    this.busy = true;
    this.problem = null;
    this.status = t("exports.working", { name: fallback });
    this.requestUpdate();
    try {
      const url = new URL(path, location.origin);
      for (const [key, value] of Object.entries(query)) if (value) url.searchParams.set(key, value);
      const response = await fetch(url, { credentials: "same-origin" });
      if (!response.ok) {
        let problem: Problem;
        try { problem = (await response.json()) as Problem; } catch { problem = { type: "about:blank", title: response.statusText, status: response.status }; }
        if (response.status === 401) window.dispatchEvent(new CustomEvent("qc-unauthorized"));
        throw new ApiError(problem);
      }
      const blob = await response.blob();
      const name = fileName(response, fallback);
      const href = URL.createObjectURL(blob);
      const anchor = Object.assign(document.createElement("a"), { href, download: name, hidden: true });
      this.renderRoot.appendChild(anchor);
      anchor.click();
      anchor.remove();
      setTimeout(() => URL.revokeObjectURL(href), 10_000);
      this.status = t("exports.saved", { name, size: blob.size });
      announce(this.status);
    } catch (caught) {
      this.status = "";
      this.problem = { form, problem: caught instanceof ApiError ? caught.problem : { type: "about:blank", title: String(caught), status: 0 } };
      this.busy = false;
      this.requestUpdate();
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>(`[aria-invalid="true"]`)?.focus();
    } finally {
      this.busy = false;
      this.requestUpdate();
    }
  }

  private csv(event: SubmitEvent): void {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    const kind = (event.submitter as HTMLButtonElement | null)?.value ?? "invoices";
    const from = String(data.get("from") ?? ""), to = String(data.get("to") ?? "");
    void this.download("csv", `/v1/exports/${kind}.csv`, { from, to }, `${kind}_${from}_${to}.csv`);
  }

  private fec(event: SubmitEvent): void {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    const year = String(data.get("year") ?? "");
    void this.download("fec", "/v1/exports/fec.txt", { year, encoding: String(data.get("encoding") ?? "utf8") }, `FEC${year}.txt`);
  }

  /** The problem of this form when it names this field (or, for `*`, any field the form has not). */
  private errorFor(form: "csv" | "fec", params: string[] | "*", own: string[] = []): string {
    const got = this.problem;
    if (!got || got.form !== form) return "";
    const param = got.problem.param ?? "";
    const matches = params === "*" ? !own.includes(param) : params.includes(param);
    if (!matches) return "";
    return `${t("exports.refused", { status: got.problem.status, detail: got.problem.detail ?? got.problem.title })}${params === "*" && param ? ` [${param}]` : ""}`;
  }

  private input(form: "csv" | "fec", name: string, label: string, attrs: { type: string; value: string; min?: string; max?: string }): unknown {
    const id = `${form}-${name}`;
    const error = this.errorFor(form, [name]);
    return html`<div><label for=${id}>${label}</label>
      <input id=${id} name=${name} type=${attrs.type} .value=${attrs.value} min=${attrs.min ?? nothing} max=${attrs.max ?? nothing} required
        aria-invalid=${error ? "true" : "false"} aria-describedby=${error ? `${id}-error` : nothing} />
      ${error ? html`<p id=${`${id}-error`} class="error field-error" role="alert" data-problem=${name}>${error}</p>` : nothing}</div>`;
  }

  override render(): unknown {
    const day = today();
    const csvOther = this.errorFor("csv", "*", ["from", "to"]);
    const fecOther = this.errorFor("fec", "*", ["year", "encoding"]);
    const year = Number(day.slice(0, 4));
    return html`<h1 tabindex="-1">${t("exports.title")}</h1>
      <div role="status" data-status>${this.status}</div>
      <section aria-labelledby="csv-title">
        <h2 id="csv-title">${t("exports.csv")}</h2>
        <p class="help muted" id="csv-help">${t("exports.csv_help", { days: MAX_EXPORT_DAYS })}</p>
        <form aria-labelledby="csv-title" aria-describedby="csv-help" @submit=${(e: SubmitEvent) => this.csv(e)}>
          ${this.input("csv", "from", t("exports.from"), { type: "date", value: `${day.slice(0, 4)}-01-01` })}
          ${this.input("csv", "to", t("exports.to"), { type: "date", value: day })}
          ${csvOther ? html`<p class="error field-error" role="alert" data-problem="csv">${csvOther}</p>` : nothing}
          <ul class="kinds">${CSV_KINDS.map((kind) => html`<li><button type="submit" class="secondary" name="kind" value=${kind} data-export=${kind}>${t(`exports.download_${kind}`)}</button><span class="muted">${t(`exports.${kind}`)}</span></li>`)}</ul>
        </form>
      </section>
      <section aria-labelledby="fec-title">
        <h2 id="fec-title">${t("exports.fec")}</h2>
        <p class="help muted" id="fec-help">${t("exports.fec_help")}</p>
        <form aria-labelledby="fec-title" aria-describedby="fec-help" @submit=${(e: SubmitEvent) => this.fec(e)}>
          ${this.input("fec", "year", t("exports.year"), { type: "number", value: String(year), min: "2000", max: "2099" })}
          <div><label for="fec-encoding">${t("exports.encoding")}</label>
            <select id="fec-encoding" name="encoding"><option value="utf8" selected>${t("exports.utf8")}</option><option value="latin9">${t("exports.latin9")}</option></select></div>
          <button type="submit" class="primary" data-export="fec">${t("exports.download_fec")}</button>
          ${fecOther ? html`<p class="error field-error" role="alert" data-problem="fec">${fecOther}</p>` : nothing}
        </form>
      </section>`;
  }
}

if (!customElements.get("qc-exports")) customElements.define("qc-exports", QcExports);
