/**
 * Stand-ins for the shell's exports (widget/console/api.ts, i18n.ts, session.ts, live.ts) while the
 * console-shell branch has no commit yet. Once merged, replace this file's body by re-exports:
 * `export { api } from "../api"; export { money, t, register } from "../i18n"; …`.
 * @example
 * const report = await api<{ object: string }>("/v1/reports/aging", { query: { by: "currency" } });
 */
import { currencyExponent, isCurrency } from "../../../shared/currencies";
import { formatMinorUnits } from "../../../shared/minor-units";

/** Same-origin GET/POST with the console cookie; throws on non-2xx. @example await api("/v1/customers") */
export async function api<T>(path: string, init: { method?: string; body?: unknown; query?: Record<string, string | number | boolean | undefined> } = {}): Promise<T> {
  const url = new URL(path, location.origin);
  for (const [key, value] of Object.entries(init.query ?? {})) if (value !== undefined) url.searchParams.set(key, String(value));
  const method = init.method ?? "GET";
  const headers: Record<string, string> = method === "GET" ? {} : { "quittance-console": "1", "content-type": "application/json" };
  const response = await fetch(url, { method, headers, credentials: "same-origin", body: init.body === undefined ? undefined : JSON.stringify(init.body) });
  if (!response.ok) throw new Error(`${response.status} ${path}`);
  return (await response.json()) as T;
}

/** Current language. @example lang() === "fr" */
export function lang(): "fr" | "en" {
  return navigator.language.toLowerCase().startsWith("en") ? "en" : "fr";
}

const strings: { fr: Record<string, string>; en: Record<string, string> } = { fr: {}, en: {} };
/** Registers a page's strings. @example register({ fr: { "a": "A" }, en: { "a": "A" } }) */
export function register(dict: { fr: Record<string, string>; en: Record<string, string> }): void {
  Object.assign(strings.fr, dict.fr);
  Object.assign(strings.en, dict.en);
}
/** Translates with `{name}` interpolation. @example t("dashboard.title") */
export function t(key: string, vars: Record<string, string | number> = {}): string {
  return (strings[lang()][key] ?? key).replace(/\{(\w+)\}/g, (_, name: string) => String(vars[name] ?? ""));
}
/** Formats integer minor units. @example money(57600, "eur") // "576,00 €" */
export function money(minor: number, currency: string): string {
  const code = currency.toLowerCase();
  return formatMinorUnits(minor, isCurrency(code) ? currencyExponent(code) : 2, code.toUpperCase(), lang() === "fr" ? "fr-FR" : "en-GB");
}
/** Whether the session may write (the shell's session.ts decides once merged). @example canWrite() */
export function canWrite(): boolean {
  return true;
}
/** The live stream (shell's live.ts once merged). @example live.addEventListener("event", onEvent) */
export const live: EventTarget = new EventTarget();
/** Polite announcement (shell's live region once merged). @example announce("Totaux mis à jour") */
export function announce(message: string): void {
  document.dispatchEvent(new CustomEvent("qc-announce", { detail: message }));
}
