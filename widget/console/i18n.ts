/** The console's languages: each page registers its own strings. */
import { isCurrency, currencyExponent } from "../../shared/currencies";
import { formatMinorUnits } from "../../shared/minor-units";

export type Lang = "fr" | "en";
const KEY = "quittance-console-lang";
const dicts: Record<Lang, Record<string, string>> = { fr: {}, en: {} };
let current: Lang | undefined;

/** The language in use. @example lang() === "fr" */
export function lang(): Lang {
  if (current) return current;
  let saved: string | null = null;
  try { saved = localStorage.getItem(KEY); } catch { /* storage blocked */ }
  current = saved === "fr" || saved === "en" ? saved : navigator.language.toLowerCase().startsWith("en") ? "en" : "fr";
  return current;
}

/** Switches language (saved) and tells the app (`qc-lang` on window). @example setLang("en") */
export function setLang(l: Lang): void {
  current = l;
  try { localStorage.setItem(KEY, l); } catch { /* storage blocked */ }
  document.documentElement.lang = l;
  window.dispatchEvent(new CustomEvent("qc-lang", { detail: l }));
}

/** Adds strings. @example register({ fr: { "invoices.title": "Factures" }, en: { "invoices.title": "Invoices" } }) */
export function register(dict: { fr: Record<string, string>; en: Record<string, string> }): void {
  Object.assign(dicts.fr, dict.fr);
  Object.assign(dicts.en, dict.en);
}

/** A string, `{name}` filled in. @example t("invoices.count", { n: 3 }) */
export function t(key: string, vars?: Record<string, string | number>): string {
  const text = dicts[lang()][key] ?? dicts.fr[key] ?? key;
  return vars ? text.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m)) : text;
}

const locale = (): string => (lang() === "fr" ? "fr-FR" : "en-GB");

/** Minor units → text. @example money(57600, "EUR") // "576,00 €" */
export function money(minor: number, currency: string): string {
  const code = currency.toLowerCase();
  return formatMinorUnits(minor, isCurrency(code) ? currencyExponent(code) : 2, code.toUpperCase(), locale());
}

/** @example date("2026-12-02") // "2 déc. 2026" */
export function date(iso: string): string {
  const d = new Date(iso.length === 10 ? `${iso}T00:00:00Z` : iso);
  return new Intl.DateTimeFormat(locale(), { dateStyle: "medium", timeZone: iso.length === 10 ? "UTC" : undefined }).format(d);
}

/** @example dateTime("2026-12-02T10:00:00Z") */
export function dateTime(iso: string): string {
  return new Intl.DateTimeFormat(locale(), { dateStyle: "medium", timeStyle: "short" }).format(new Date(iso));
}

/** @example relativeTime(new Date(Date.now() - 60000).toISOString()) // "il y a 1 minute" */
export function relativeTime(iso: string): string {
  const seconds = Math.round((new Date(iso).getTime() - Date.now()) / 1000);
  const rtf = new Intl.RelativeTimeFormat(locale(), { numeric: "auto" });
  const abs = Math.abs(seconds);
  if (abs < 60) return rtf.format(seconds, "second");
  if (abs < 3600) return rtf.format(Math.round(seconds / 60), "minute");
  if (abs < 86400) return rtf.format(Math.round(seconds / 3600), "hour");
  return rtf.format(Math.round(seconds / 86400), "day");
}
