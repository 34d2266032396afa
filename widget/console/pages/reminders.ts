/**
 * `qc-reminders`: the reminder policy editor (steps before/on/after the due date, tone, fr/en
 * templates with the variables as chips), the email signature, and a live preview of the exact
 * email a chosen invoice would get, rendered by the server (POST /v1/reminders/preview) as you type.
 * @example
 * document.body.append(document.createElement("qc-reminders"));
 */
import { css, html, LitElement, nothing } from "lit";
import { TEMPLATE_VARIABLES } from "../../../shared/reminder-variables";
import type { ReminderPolicyValue } from "../../../shared/schemas/reminders";
import { api, ApiError } from "../api";
import { register, t } from "../i18n";
import { announce } from "../live";
import { setTitle } from "../router";
import { canWrite } from "../session";
import { base, tokens } from "../styles";
import "../components/qc-email-preview";

interface Preview { subject: string; text: string; html: string; to: string }
type Lang = "fr" | "en";

register({
  fr: { "rem.title": "Relances", "rem.enabled": "Relances automatiques activées", "rem.step": "Étape {n}", "rem.offset": "Jours après l'échéance (négatif : avant)", "rem.tone": "Ton", "rem.tone.friendly": "amical", "rem.tone.neutral": "neutre", "rem.tone.firm": "ferme", "rem.tone.final": "dernier avis", "rem.subject": "Objet ({lang})", "rem.body": "Message ({lang})", "rem.insert": "Insérer {var}", "rem.add": "Ajouter une étape", "rem.remove": "Supprimer l'étape {n}", "rem.signature": "Signature des e-mails", "rem.save": "Enregistrer", "rem.saved": "Relances enregistrées", "rem.preview": "Aperçu", "rem.invoice": "Facture", "rem.of_step": "Étape prévisualisée", "rem.lang": "Langue", "rem.html": "Version HTML de l'e-mail", "rem.text": "Version texte", "rem.source": "Source HTML", "rem.to": "À : {to}", "rem.none": "Aucune facture ouverte à prévisualiser." },
  en: { "rem.title": "Reminders", "rem.enabled": "Automatic reminders on", "rem.step": "Step {n}", "rem.offset": "Days after the due date (negative: before)", "rem.tone": "Tone", "rem.tone.friendly": "friendly", "rem.tone.neutral": "neutral", "rem.tone.firm": "firm", "rem.tone.final": "final notice", "rem.subject": "Subject ({lang})", "rem.body": "Message ({lang})", "rem.insert": "Insert {var}", "rem.add": "Add a step", "rem.remove": "Remove step {n}", "rem.signature": "Email signature", "rem.save": "Save", "rem.saved": "Reminders saved", "rem.preview": "Preview", "rem.invoice": "Invoice", "rem.of_step": "Step previewed", "rem.lang": "Language", "rem.html": "The email's HTML version", "rem.text": "Text version", "rem.source": "HTML source", "rem.to": "To: {to}", "rem.none": "No open invoice to preview." },
});

export class QcReminders extends LitElement {
  static override styles = [tokens, base, css`
    fieldset { border: 1px solid var(--_l); border-radius: var(--_r); margin: 0 0 1rem; padding: .75rem; }
    textarea { width: 100%; box-sizing: border-box; min-height: 8rem; }
    input.wide { width: 100%; box-sizing: border-box; }
    .chips { display: flex; flex-wrap: wrap; gap: .25rem; margin: .25rem 0; }
    .chips button { padding: .1rem .5rem; font-size: .85rem; }
    .cols { display: grid; grid-template-columns: repeat(auto-fit, minmax(20rem, 1fr)); gap: 1.5rem; }
    pre { white-space: pre-wrap; overflow-wrap: anywhere; background: var(--_s); padding: .75rem; border-radius: var(--_r); }
  `];
  private policy: ReminderPolicyValue | null = null;
  private signature = "";
  private invoices: { id: string; number: string | null }[] = [];
  private chosen = "";
  private stepIndex = 0;
  private previewLang: Lang = "fr";
  private preview: Preview | null = null;
  private error = "";
  private previewError = "";
  private timer: ReturnType<typeof setTimeout> | undefined;

  override connectedCallback(): void {
    super.connectedCallback();
    setTitle(t("rem.title"));
    void this.load();
  }
  override disconnectedCallback(): void {
    clearTimeout(this.timer);
    super.disconnectedCallback();
  }

  private async load(): Promise<void> {
    const [settings, open] = await Promise.all([
      api<{ reminders: ReminderPolicyValue; email_signature: string }>("/v1/settings"),
      api<{ data: { id: string; number: string | null }[] }>("/v1/invoices", { query: { status: "open", limit: 20 } }),
    ]);
    this.policy = settings.reminders;
    this.signature = settings.email_signature;
    this.invoices = open.data;
    this.chosen = this.invoices[0]?.id ?? "";
    this.requestUpdate();
    this.schedulePreview();
  }

  private edit(change: (policy: ReminderPolicyValue) => void): void {
    if (!this.policy) return;
    change(this.policy);
    this.requestUpdate();
    this.schedulePreview();
  }

  private schedulePreview(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.renderPreview(), 300);
  }

  private async renderPreview(): Promise<void> {
    const step = this.policy?.steps[this.stepIndex];
    if (!this.chosen || !step) return;
    try {
      this.preview = await api<Preview>("/v1/reminders/preview", { method: "POST", body: { invoice: this.chosen, locale: this.previewLang, template: step.templates[this.previewLang], signature: this.signature } });
      this.previewError = "";
    } catch (caught) {
      this.previewError = caught instanceof ApiError ? `${caught.problem.detail ?? caught.problem.title}${caught.problem.param ? ` (${caught.problem.param})` : ""}` : String(caught);
    }
    this.requestUpdate();
  }

  private async save(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    this.error = "";
    try {
      await api("/v1/settings", { method: "PUT", body: { reminders: this.policy, email_signature: this.signature } });
      announce(t("rem.saved"));
      this.error = t("rem.saved");
    } catch (caught) {
      this.error = caught instanceof ApiError ? `${caught.problem.detail ?? caught.problem.title}${caught.problem.param ? ` (${caught.problem.param})` : ""}` : String(caught);
    }
    this.requestUpdate();
  }

  /** Inserts `{name}` at the caret of the step's body for that language. */
  private insert(index: number, lang: Lang, name: string): void {
    const area = this.renderRoot.querySelector<HTMLTextAreaElement>(`#body-${index}-${lang}`);
    const text = area?.value ?? "";
    const at = area?.selectionStart ?? text.length;
    this.edit((p) => (p.steps[index]!.templates[lang].body = `${text.slice(0, at)}{${name}}${text.slice(area?.selectionEnd ?? at)}`));
  }

  private step(step: ReminderPolicyValue["steps"][number], index: number): unknown {
    const write = canWrite();
    const n = index + 1;
    return html`<fieldset data-step=${index}><legend>${t("rem.step", { n })}</legend>
      <label for="offset-${index}">${t("rem.offset")}</label>
      <input id="offset-${index}" type="number" min="-60" max="365" ?readonly=${!write} .value=${String(step.offset_days)} @input=${(e: Event) => this.edit((p) => (p.steps[index]!.offset_days = Number((e.target as HTMLInputElement).value)))} />
      <label for="tone-${index}">${t("rem.tone")}</label>
      <select id="tone-${index}" ?disabled=${!write} @change=${(e: Event) => this.edit((p) => (p.steps[index]!.tone = (e.target as HTMLSelectElement).value as typeof step.tone))}>
        ${(["friendly", "neutral", "firm", "final"] as const).map((tone) => html`<option value=${tone} ?selected=${tone === step.tone}>${t(`rem.tone.${tone}`)}</option>`)}
      </select>
      ${(["fr", "en"] as const).map((lang) => html`
        <label for="subject-${index}-${lang}">${t("rem.subject", { lang })}</label>
        <input class="wide" id="subject-${index}-${lang}" maxlength="200" ?readonly=${!write} .value=${step.templates[lang].subject} @input=${(e: Event) => this.edit((p) => (p.steps[index]!.templates[lang].subject = (e.target as HTMLInputElement).value))} />
        <label for="body-${index}-${lang}">${t("rem.body", { lang })}</label>
        ${write ? html`<div class="chips" role="group" aria-label=${t("rem.body", { lang })}>${TEMPLATE_VARIABLES.map((name) => html`<button type="button" data-write aria-label=${t("rem.insert", { var: `{${name}}` })} @click=${() => this.insert(index, lang, name)}>{${name}}</button>`)}</div>` : nothing}
        <textarea id="body-${index}-${lang}" maxlength="5000" ?readonly=${!write} .value=${step.templates[lang].body} @input=${(e: Event) => this.edit((p) => (p.steps[index]!.templates[lang].body = (e.target as HTMLTextAreaElement).value))}></textarea>`)}
      ${write ? html`<button type="button" class="danger" data-write @click=${() => this.edit((p) => { p.steps.splice(index, 1); this.stepIndex = 0; })}>${t("rem.remove", { n })}</button>` : nothing}
    </fieldset>`;
  }

  override render(): unknown {
    const policy = this.policy;
    const write = canWrite();
    return html`<h1 tabindex="-1">${t("rem.title")}</h1>
      ${policy ? html`<div class="cols">
        <form @submit=${(e: SubmitEvent) => void this.save(e)}>
          <label class="check"><input type="checkbox" ?disabled=${!write} .checked=${policy.enabled} @change=${(e: Event) => this.edit((p) => (p.enabled = (e.target as HTMLInputElement).checked))} /> ${t("rem.enabled")}</label>
          ${policy.steps.map((step, index) => this.step(step, index))}
          ${write && policy.steps.length < 10 ? html`<button type="button" data-write @click=${() => this.edit((p) => p.steps.push(structuredClone({ ...p.steps[p.steps.length - 1]!, offset_days: Math.min(365, (p.steps.at(-1)?.offset_days ?? 0) + 7) })))}>${t("rem.add")}</button>` : nothing}
          <label for="signature">${t("rem.signature")}</label>
          <textarea id="signature" maxlength="2000" ?readonly=${!write} .value=${this.signature} @input=${(e: Event) => { this.signature = (e.target as HTMLTextAreaElement).value; this.schedulePreview(); }}></textarea>
          <div role="status">${this.error}</div>
          ${write ? html`<button type="submit" class="primary" data-write>${t("rem.save")}</button>` : nothing}
        </form>
        <section aria-labelledby="preview-title">
          <h2 id="preview-title">${t("rem.preview")}</h2>
          ${this.invoices.length === 0 ? html`<p>${t("rem.none")}</p>` : html`
          <label for="preview-invoice">${t("rem.invoice")}</label>
          <select id="preview-invoice" @change=${(e: Event) => { this.chosen = (e.target as HTMLSelectElement).value; this.schedulePreview(); }}>${this.invoices.map((i) => html`<option value=${i.id} ?selected=${i.id === this.chosen}>${i.number ?? i.id}</option>`)}</select>
          <label for="preview-step">${t("rem.of_step")}</label>
          <select id="preview-step" @change=${(e: Event) => { this.stepIndex = Number((e.target as HTMLSelectElement).value); this.schedulePreview(); }}>${policy.steps.map((s, i) => html`<option value=${i} ?selected=${i === this.stepIndex}>${t("rem.step", { n: i + 1 })} (${s.offset_days})</option>`)}</select>
          <label for="preview-lang">${t("rem.lang")}</label>
          <select id="preview-lang" @change=${(e: Event) => { this.previewLang = (e.target as HTMLSelectElement).value as Lang; this.schedulePreview(); }}><option value="fr" ?selected=${this.previewLang === "fr"}>Français</option><option value="en" ?selected=${this.previewLang === "en"}>English</option></select>
          ${this.previewError ? html`<p role="alert" class="error">${this.previewError}</p>` : nothing}
          ${this.preview ? html`<p>${t("rem.to", { to: this.preview.to })}</p><p><strong data-preview-subject>${this.preview.subject}</strong></p>
            <h3>${t("rem.text")}</h3><pre data-preview-text>${this.preview.text}</pre>
            <h3 id="preview-html-title">${t("rem.html")}</h3><qc-email-preview data-preview-html role="document" aria-labelledby="preview-html-title" .html=${this.preview.html}></qc-email-preview>
            <details><summary>${t("rem.source")}</summary><pre class="source">${this.preview.html}</pre></details>` : nothing}`}
        </section>
      </div>` : nothing}`;
  }
}

if (!customElements.get("qc-reminders")) customElements.define("qc-reminders", QcReminders);
