/**
 * `qc-settings-webhooks`: the merchant's webhook endpoints on the settings page — list, create (URL
 * and event types), enable/disable, rotate the signing secret (the new one shown once), delete
 * (confirmed in a qc-dialog), and each endpoint's delivery log with "redeliver".
 * @example html`<qc-settings-webhooks></qc-settings-webhooks>`
 */
import { css, html, LitElement, nothing } from "lit";
import { EVENT_TYPES } from "../../../shared/event-types";
import { api, ApiError } from "../api";
import { dateTime, register, t } from "../i18n";
import { announce } from "../live";
import { canWrite } from "../session";
import { base, tokens } from "../styles";
import { field, fieldError, otherErrors, problemErrors, type FieldErrors } from "./settings-fields";
import "./qc-dialog";

interface Endpoint { id: string; url: string; events: string[] | null; status: "active" | "disabled"; consecutive_failures: number; created: string; disabled_at: string | null }
interface Attempt { attempt: number; status_code: number | null; error: string | null; duration_ms: number; created: string }
interface Delivery { id: string; event: string; event_type: string; status: string; attempts: number; last_status_code: number | null; next_attempt_at: string | null; attempt_log: Attempt[]; created: string }

const TYPES = [...new Set(EVENT_TYPES)];

register({
  fr: { "wh.title": "Webhooks", "wh.none": "Aucun point de terminaison.", "wh.url": "URL", "wh.events": "Événements", "wh.all": "Tous les événements", "wh.some": "Seulement ceux-ci", "wh.create": "Ajouter le point de terminaison", "wh.new": "Nouveau point de terminaison", "wh.status.active": "actif", "wh.status.disabled": "désactivé", "wh.failures": "{n} échec(s) consécutif(s)", "wh.enable": "Réactiver", "wh.disable": "Désactiver", "wh.rotate": "Renouveler le secret", "wh.delete": "Supprimer", "wh.log": "Journal des envois", "wh.hide_log": "Masquer le journal", "wh.secret": "Secret de signature de {url} — affiché une seule fois, copiez-le maintenant :", "wh.secret_done": "C'est noté", "wh.confirm": "Supprimer le point de terminaison {url} et son journal ?", "wh.cancel": "Annuler", "wh.confirm_delete": "Supprimer définitivement", "wh.created": "Point de terminaison ajouté", "wh.rotated": "Nouveau secret créé", "wh.deleted": "Point de terminaison supprimé", "wh.enabled": "Point de terminaison réactivé", "wh.disabled": "Point de terminaison désactivé", "wh.no_delivery": "Aucun envoi pour l'instant.", "wh.event": "Événement", "wh.dstatus": "État", "wh.attempts": "Tentatives", "wh.code": "Dernier code", "wh.when": "Créé", "wh.redeliver": "Renvoyer", "wh.redeliver_one": "Renvoyer {event}", "wh.redelivered": "Envoi {event} relancé", "wh.d.pending": "en attente", "wh.d.retrying": "nouvel essai prévu", "wh.d.succeeded": "réussi", "wh.d.failed": "échoué", "wh.d.skipped": "ignoré", "wh.attempt": "Essai {n} : {result}, {ms} ms", "wh.actions": "Actions sur {url}" },
  en: { "wh.title": "Webhooks", "wh.none": "No endpoint.", "wh.url": "URL", "wh.events": "Events", "wh.all": "All events", "wh.some": "Only these", "wh.create": "Add the endpoint", "wh.new": "New endpoint", "wh.status.active": "active", "wh.status.disabled": "disabled", "wh.failures": "{n} consecutive failure(s)", "wh.enable": "Enable", "wh.disable": "Disable", "wh.rotate": "Rotate the secret", "wh.delete": "Delete", "wh.log": "Delivery log", "wh.hide_log": "Hide the log", "wh.secret": "Signing secret of {url} — shown only once, copy it now:", "wh.secret_done": "Done", "wh.confirm": "Delete the endpoint {url} and its log?", "wh.cancel": "Cancel", "wh.confirm_delete": "Delete for good", "wh.created": "Endpoint added", "wh.rotated": "New secret issued", "wh.deleted": "Endpoint deleted", "wh.enabled": "Endpoint enabled", "wh.disabled": "Endpoint disabled", "wh.no_delivery": "No delivery yet.", "wh.event": "Event", "wh.dstatus": "Status", "wh.attempts": "Attempts", "wh.code": "Last code", "wh.when": "Created", "wh.redeliver": "Redeliver", "wh.redeliver_one": "Redeliver {event}", "wh.redelivered": "Delivery {event} queued again", "wh.d.pending": "pending", "wh.d.retrying": "retry planned", "wh.d.succeeded": "succeeded", "wh.d.failed": "failed", "wh.d.skipped": "skipped", "wh.attempt": "Attempt {n}: {result}, {ms} ms", "wh.actions": "Actions on {url}" },
});

const message = (caught: unknown): string => (caught instanceof ApiError ? caught.problem.detail ?? caught.problem.title : String(caught));

export class QcSettingsWebhooks extends LitElement {
  static override styles = [tokens, base, css`
    ul.endpoints { list-style: none; padding: 0; margin: 0; display: grid; gap: .75rem; }
    .head { display: flex; flex-wrap: wrap; gap: .5rem; align-items: baseline; justify-content: space-between; }
    .url { font-family: ui-monospace, monospace; overflow-wrap: anywhere; }
    .actions { display: flex; flex-wrap: wrap; gap: .5rem; margin-top: .5rem; }
    .types { columns: 14rem; margin: .25rem 0; }
    .types label, .check { font-weight: 400; display: flex; gap: .4rem; align-items: center; margin: .15rem 0; }
    fieldset { border: 1px solid var(--_l); border-radius: var(--_r); padding: .5rem .75rem; margin: .5rem 0; }
    code.secret { display: block; padding: .5rem; background: var(--_b); border: 1px solid var(--_l); border-radius: var(--_r); overflow-wrap: anywhere; user-select: all; }
    .scroll { overflow-x: auto; }
    input[type=url] { width: 100%; box-sizing: border-box; }
    h2 { margin-top: 0; }
    ul.attempts { list-style: none; padding: 0; margin: .25rem 0 0; font-size: .9rem; }
    .event-id { font-size: .85rem; overflow-wrap: anywhere; }
  `];
  private endpoints: Endpoint[] | null = null;
  private deliveries = new Map<string, Delivery[]>();
  private secret: { url: string; value: string } | null = null;
  private confirmDelete: Endpoint | null = null;
  private allEvents = true;
  private errors: FieldErrors = new Map();
  private rowErrors = new Map<string, string>();
  private status = "";

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  private async load(): Promise<void> {
    try {
      this.endpoints = (await api<{ data: Endpoint[] }>("/v1/webhook_endpoints", { query: { limit: 100 } })).data;
    } catch (caught) {
      this.endpoints = [];
      this.errors = new Map([["", message(caught)]]);
    }
    this.requestUpdate();
  }

  private done(text: string): void {
    this.status = text;
    announce(text);
    this.requestUpdate();
  }

  private async create(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    const events = data.getAll("events").map(String);
    const body = { url: String(data.get("url") ?? "").trim(), ...(this.allEvents ? {} : { events }) };
    this.errors = new Map();
    try {
      const created = await api<Endpoint & { secret: string }>("/v1/webhook_endpoints", { method: "POST", idempotent: true, body });
      this.secret = { url: created.url, value: created.secret };
      form.reset();
      this.allEvents = true;
      this.done(t("wh.created"));
      await this.load();
    } catch (caught) {
      this.errors = problemErrors(caught, ["url", "events"]);
      this.requestUpdate();
    }
  }

  /** One endpoint action; its error stays on that endpoint's row. */
  private async act(endpoint: Endpoint, run: () => Promise<void>): Promise<void> {
    this.rowErrors.delete(endpoint.id);
    try {
      await run();
    } catch (caught) {
      this.rowErrors.set(endpoint.id, message(caught));
    }
    await this.load();
  }

  private rotate(endpoint: Endpoint): Promise<void> {
    return this.act(endpoint, async () => {
      const rotated = await api<Endpoint & { secret: string }>(`/v1/webhook_endpoints/${encodeURIComponent(endpoint.id)}/rotate_secret`, { method: "POST", idempotent: true });
      this.secret = { url: rotated.url, value: rotated.secret };
      this.done(t("wh.rotated"));
    });
  }

  private toggle(endpoint: Endpoint): Promise<void> {
    const action = endpoint.status === "active" ? "disable" : "enable";
    return this.act(endpoint, async () => {
      await api(`/v1/webhook_endpoints/${encodeURIComponent(endpoint.id)}/${action}`, { method: "POST", idempotent: true });
      this.done(t(action === "enable" ? "wh.enabled" : "wh.disabled"));
    });
  }

  private async deleteEndpoint(endpoint: Endpoint): Promise<void> {
    this.confirmDelete = null;
    await this.act(endpoint, async () => {
      await api(`/v1/webhook_endpoints/${encodeURIComponent(endpoint.id)}`, { method: "DELETE" });
      this.deliveries.delete(endpoint.id);
      this.done(t("wh.deleted"));
    });
    this.renderRoot.querySelector<HTMLElement>("#wh-title")?.focus();
  }

  private async toggleLog(endpoint: Endpoint): Promise<void> {
    if (this.deliveries.has(endpoint.id)) {
      this.deliveries.delete(endpoint.id);
      this.requestUpdate();
      return;
    }
    await this.loadLog(endpoint);
  }

  private async loadLog(endpoint: Endpoint): Promise<void> {
    try {
      this.deliveries.set(endpoint.id, (await api<{ data: Delivery[] }>(`/v1/webhook_endpoints/${encodeURIComponent(endpoint.id)}/deliveries`, { query: { limit: 20 } })).data);
    } catch (caught) {
      this.rowErrors.set(endpoint.id, message(caught));
    }
    this.requestUpdate();
  }

  private async redeliver(endpoint: Endpoint, delivery: Delivery): Promise<void> {
    this.rowErrors.delete(endpoint.id);
    try {
      await api(`/v1/webhook_endpoints/${encodeURIComponent(endpoint.id)}/deliveries/${encodeURIComponent(delivery.id)}/redeliver`, { method: "POST", idempotent: true });
      this.done(t("wh.redelivered", { event: delivery.event_type }));
    } catch (caught) {
      this.rowErrors.set(endpoint.id, message(caught));
    }
    await this.loadLog(endpoint);
  }

  private log(endpoint: Endpoint, deliveries: Delivery[]): unknown {
    const write = canWrite() && endpoint.status === "active";
    if (deliveries.length === 0) return html`<p class="muted">${t("wh.no_delivery")}</p>`;
    return html`<div class="scroll" role="region" tabindex="0" aria-label=${`${t("wh.log")} — ${endpoint.url}`}><table class="table" data-deliveries=${endpoint.id}>
      <thead><tr><th scope="col">${t("wh.event")}</th><th scope="col">${t("wh.dstatus")}</th><th scope="col" class="num">${t("wh.attempts")}</th><th scope="col">${t("wh.when")}</th>${write ? html`<td></td>` : nothing}</tr></thead>
      <tbody>${deliveries.map((delivery) => html`<tr data-delivery=${delivery.id}>
        <th scope="row">${delivery.event_type}<br /><span class="muted event-id">${delivery.event}</span></th>
        <td>${t(`wh.d.${delivery.status}`)}${delivery.last_status_code !== null ? html` (${delivery.last_status_code})` : nothing}
          ${delivery.attempt_log.length ? html`<ul class="muted attempts">${delivery.attempt_log.map((attempt) => html`<li>${t("wh.attempt", { n: attempt.attempt, result: attempt.status_code !== null ? String(attempt.status_code) : attempt.error ?? "—", ms: attempt.duration_ms })}</li>`)}</ul>` : nothing}</td>
        <td class="num">${delivery.attempts}</td>
        <td>${dateTime(delivery.created)}</td>
        ${write ? html`<td><button type="button" class="secondary" data-write aria-label=${t("wh.redeliver_one", { event: delivery.event_type })} @click=${() => void this.redeliver(endpoint, delivery)}>${t("wh.redeliver")}</button></td>` : nothing}
      </tr>`)}</tbody>
    </table></div>`;
  }

  private endpoint(endpoint: Endpoint): unknown {
    const write = canWrite();
    const deliveries = this.deliveries.get(endpoint.id);
    const error = this.rowErrors.get(endpoint.id);
    return html`<li class="card" data-endpoint=${endpoint.id}>
      <div class="head"><span class="url">${endpoint.url}</span>
        <span class="badge ${endpoint.status === "active" ? "paid" : "draft"}">${t(`wh.status.${endpoint.status}`)}</span></div>
      <p class="muted">${endpoint.events === null ? t("wh.all") : endpoint.events.join(", ")}${endpoint.consecutive_failures > 0 ? html` — ${t("wh.failures", { n: endpoint.consecutive_failures })}` : nothing}</p>
      <div class="actions" role="group" aria-label=${t("wh.actions", { url: endpoint.url })}>
        <button type="button" aria-expanded=${deliveries ? "true" : "false"} @click=${() => void this.toggleLog(endpoint)}>${deliveries ? t("wh.hide_log") : t("wh.log")}</button>
        ${write ? html`
          <button type="button" class="secondary" data-write data-action="toggle" @click=${() => void this.toggle(endpoint)}>${endpoint.status === "active" ? t("wh.disable") : t("wh.enable")}</button>
          <button type="button" class="secondary" data-write data-action="rotate" @click=${() => void this.rotate(endpoint)}>${t("wh.rotate")}</button>
          <button type="button" class="danger" data-write data-action="delete" @click=${() => { this.confirmDelete = endpoint; this.requestUpdate(); }}>${t("wh.delete")}</button>` : nothing}
      </div>
      ${error ? html`<p class="error" role="alert">${error}</p>` : nothing}
      ${deliveries ? this.log(endpoint, deliveries) : nothing}
    </li>`;
  }

  private createForm(): unknown {
    const errors = this.errors;
    return html`<form class="card" novalidate @submit=${(e: SubmitEvent) => void this.create(e)} aria-labelledby="wh-new">
      <h3 id="wh-new">${t("wh.new")}</h3>
      ${field("url", t("wh.url"), { value: "", errors, readonly: false, type: "url", maxlength: 2000, placeholder: "https://example.com/hooks", inputmode: "url" })}
      <fieldset><legend>${t("wh.events")}</legend>
        <label class="check"><input type="radio" name="scope" value="all" .checked=${this.allEvents} @change=${() => { this.allEvents = true; this.requestUpdate(); }} />${t("wh.all")}</label>
        <label class="check"><input type="radio" name="scope" value="some" .checked=${!this.allEvents} @change=${() => { this.allEvents = false; this.requestUpdate(); }} />${t("wh.some")}</label>
        ${this.allEvents ? nothing : html`<div class="types">${TYPES.map((type) => html`<label><input type="checkbox" name="events" value=${type} />${type}</label>`)}</div>`}
        ${fieldError("events", errors)}
      </fieldset>
      ${otherErrors(errors, ["url", "events"]).map((text) => html`<p class="error" role="alert">${text}</p>`)}
      <button type="submit" class="primary" data-write>${t("wh.create")}</button>
    </form>`;
  }

  override render(): unknown {
    const write = canWrite();
    const list = this.endpoints;
    return html`<h2 id="wh-title" tabindex="-1">${t("wh.title")}</h2>
      <div role="status">${this.status}</div>
      ${this.secret ? html`<div class="card" data-secret-box>
        <p>${t("wh.secret", { url: this.secret.url })}</p>
        <code class="secret" data-secret>${this.secret.value}</code>
        <p><button type="button" @click=${() => { this.secret = null; this.requestUpdate(); }}>${t("wh.secret_done")}</button></p>
      </div>` : nothing}
      ${list && list.length === 0 ? html`<p>${t("wh.none")}</p>` : nothing}
      ${list?.length ? html`<ul class="endpoints">${list.map((endpoint) => this.endpoint(endpoint))}</ul>` : nothing}
      ${write ? this.createForm() : nothing}
      ${write ? html`<qc-dialog label=${t("wh.delete")} ?open=${this.confirmDelete !== null} @qc-close=${() => { this.confirmDelete = null; this.requestUpdate(); }}>
        <p>${t("wh.confirm", { url: this.confirmDelete?.url ?? "" })}</p>
        <div class="actions">
          <button type="button" @click=${() => { this.confirmDelete = null; this.requestUpdate(); }}>${t("wh.cancel")}</button>
          <button type="button" class="danger" data-write data-confirm-delete @click=${() => this.confirmDelete && void this.deleteEndpoint(this.confirmDelete)}>${t("wh.confirm_delete")}</button>
        </div>
      </qc-dialog>` : nothing}`;
  }
}

if (!customElements.get("qc-settings-webhooks")) customElements.define("qc-settings-webhooks", QcSettingsWebhooks);

declare global {
  interface HTMLElementTagNameMap { "qc-settings-webhooks": QcSettingsWebhooks }
}
