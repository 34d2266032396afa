/** While the session loads, and when it could not be loaded. Pure rendering. */
import { html, type TemplateResult } from "lit";
import type { Strings } from "../i18n";

export function loadingView(t: Strings): TemplateResult {
  return html`<div class="skeleton" part="loading" aria-busy="true"><span class="visually-hidden">${t.loading}</span><div></div><div></div><div></div></div>`;
}

export function errorView(t: Strings, message: string, retry: () => void): TemplateResult {
  return html`<div class="panel" part="error" role="alert"><p>${t.error}</p><p class="meta">${message}</p><button @click=${retry}>${t.retry}</button></div>`;
}
