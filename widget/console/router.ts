/// <reference types="vite/client" />
/** History-API routing under /console; pages are found by file name (a page not merged yet shows "not available"). */

export interface Route { pattern: string; file: string; element: string }

/** The whole route table (most specific first where patterns overlap). */
export const ROUTES: Route[] = [
  { pattern: "/console", file: "dashboard", element: "qc-dashboard" },
  { pattern: "/console/invoices", file: "invoices", element: "qc-invoices" },
  { pattern: "/console/invoices/new", file: "invoice-new", element: "qc-invoice-new" },
  { pattern: "/console/invoices/:id", file: "invoice-detail", element: "qc-invoice-detail" },
  { pattern: "/console/customers", file: "customers", element: "qc-customers" },
  { pattern: "/console/customers/:id", file: "customer-detail", element: "qc-customer-detail" },
  { pattern: "/console/statements", file: "statements", element: "qc-statements" },
  { pattern: "/console/statements/:id", file: "statement-detail", element: "qc-statement-detail" },
  { pattern: "/console/exports", file: "exports", element: "qc-exports" },
  { pattern: "/console/reminders", file: "reminders", element: "qc-reminders" },
  { pattern: "/console/settings", file: "settings", element: "qc-settings" },
  { pattern: "/console/sign-in", file: "", element: "qc-sign-in" },
];

const pages = import.meta.glob("./pages/*.ts");

export interface Match { route: Route; params: Record<string, string>; query: URLSearchParams }

/** @example match("/console/invoices/inv_1")?.params.id === "inv_1" */
export function match(pathname: string, search = ""): Match | undefined {
  const path = pathname.replace(/\/+$/, "") || "/console";
  const parts = path.split("/");
  for (const route of ROUTES) {
    const want = route.pattern.split("/");
    if (want.length !== parts.length) continue;
    const params: Record<string, string> = {};
    if (want.every((w, i) => (w.startsWith(":") ? ((params[w.slice(1)] = decodeURIComponent(parts[i] ?? "")), true) : w === parts[i]))) {
      return { route, params, query: new URLSearchParams(search) };
    }
  }
  return undefined;
}

/** Whether this build has the page (the nav lists only those). @example pageAvailable("invoices") */
export function pageAvailable(file: string): boolean {
  return `./pages/${file}.ts` in pages;
}

/** Loads a page's module; false when that page is not in this build. @example await loadPage(route) */
export async function loadPage(route: Route): Promise<boolean> {
  const load = pages[`./pages/${route.file}.ts`];
  if (!load) return false;
  await load();
  return true;
}

/** The href of a console path. @example html`<a href=${link("/console/invoices")}>` */
export function link(path: string): string {
  return path.startsWith("/console") ? path : `/console${path.startsWith("/") ? "" : "/"}${path}`;
}

/** Goes to a console path (pushes history; `replace` for a filter tweak). @example navigate("/console/invoices?status=open") */
export function navigate(path: string, options: { replace?: boolean } = {}): void {
  const href = link(path);
  if (options.replace) history.replaceState(null, "", href);
  else history.pushState(null, "", href);
  window.dispatchEvent(new CustomEvent("qc-navigate"));
}

/** The page's document title. @example setTitle(t("invoices.title")) */
export function setTitle(text: string): void {
  document.title = `${text} — Quittance`;
}
