/**
 * The console's entry, `<qc-app>`: signs in (a one-time link in the URL's fragment, or a pasted
 * key), then lays out the header (merchant, read-only badge, live indicator, language, sign-out),
 * the navigation of the pages this build has, the routed page and a polite live region.
 */
import { LitElement, html, css, nothing } from "lit";
import { api, ApiError } from "./api";
import { lang, register, setLang, t } from "./i18n";
import { canWrite, setSession, session, type ConsoleSession } from "./session";
import { match, loadPage, navigate, pageAvailable, setTitle } from "./router";
import { live, startLive, stopLive, liveStatus } from "./live";
import { tokens, base } from "./styles";
import "./components/qc-status-badge";

register({
  fr: {
    "shell.signin": "Se connecter", "shell.signin.title": "Console marchand", "shell.key": "Clé secrète, ou clé en lecture seule du comptable",
    "shell.key.help": "Collée une fois : la console ouvre une session (cookie HttpOnly) et ne garde pas la clé.",
    "shell.unavailable": "Page pas encore disponible", "shell.signout": "Se déconnecter", "shell.readonly": "Lecture seule — comptable",
    "shell.live.open": "En direct", "shell.live.reconnecting": "Reconnexion…", "shell.skip": "Aller au contenu", "shell.nav": "Console",
    "shell.lang": "English", "nav.dashboard": "Tableau de bord", "nav.invoices": "Factures", "nav.customers": "Clients", "nav.reminders": "Relances",
    "nav.statements": "Relevés bancaires", "nav.exports": "Exports", "nav.settings": "Réglages", "shell.expired": "Lien de connexion inconnu, déjà utilisé ou expiré.",
  },
  en: {
    "shell.signin": "Sign in", "shell.signin.title": "Merchant console", "shell.key": "Secret key, or the accountant's read-only key",
    "shell.key.help": "Pasted once: the console opens a session (an HttpOnly cookie) and does not keep the key.",
    "shell.unavailable": "Page not available yet", "shell.signout": "Sign out", "shell.readonly": "Read-only — accountant",
    "shell.live.open": "Live", "shell.live.reconnecting": "Reconnecting…", "shell.skip": "Skip to content", "shell.nav": "Console",
    "shell.lang": "Français", "nav.dashboard": "Dashboard", "nav.invoices": "Invoices", "nav.customers": "Customers", "nav.reminders": "Reminders",
    "nav.statements": "Bank statements", "nav.exports": "Exports", "nav.settings": "Settings", "shell.expired": "This sign-in link is unknown, used or expired.",
  },
});

const NAV = [["/console", "dashboard"], ["/console/invoices", "invoices"], ["/console/customers", "customers"], ["/console/reminders", "reminders"], ["/console/statements", "statements"], ["/console/exports", "exports"], ["/console/settings", "settings"]] as const;

class QcApp extends LitElement {
  static override properties = { ready: { state: true }, error: { state: true }, liveState: { state: true }, said: { state: true } };
  static override styles = [tokens, base, css`
    :host { display: block; min-height: 100vh; background: var(--_b); color: var(--_t); font-family: var(--_f, system-ui, sans-serif); }
    header { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: center; padding: .75rem 1rem; border-bottom: 1px solid var(--_l); }
    header strong { font-size: 1.1rem; margin-right: auto; }
    nav ul { display: flex; flex-wrap: wrap; gap: .25rem 1rem; list-style: none; margin: 0; padding: .5rem 1rem; border-bottom: 1px solid var(--_l); }
    nav a { color: var(--_a); }
    nav a[aria-current="page"] { font-weight: 700; color: var(--_t); }
    main { padding: 1rem; max-width: 72rem; margin: 0 auto; }
    .skip { position: absolute; left: -100vw; }
    .skip:focus { left: 1rem; top: .5rem; background: var(--_s); padding: .5rem; z-index: 1; }
    .ro { border: 1px solid var(--_l); border-radius: 999px; padding: .1rem .6rem; }
    form.signin { display: grid; gap: .5rem; max-width: 32rem; }
    .error { color: var(--_d); }
  `];
  ready = false;
  error = "";
  liveState = liveStatus();
  said = "";

  override async connectedCallback() {
    super.connectedCallback();
    window.addEventListener("qc-navigate", () => void this.show());
    window.addEventListener("popstate", () => void this.show());
    // One place turns same-origin console links into in-app navigation (pages write plain <a href>).
    document.addEventListener("click", (event) => {
      if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
      const anchor = event.composedPath().find((node): node is HTMLAnchorElement => node instanceof HTMLAnchorElement);
      if (!anchor || anchor.getAttribute("href")?.startsWith("#") || anchor.target || anchor.hasAttribute("download") || anchor.origin !== location.origin || !/^\/console(\/|$)/.test(anchor.pathname)) return;
      event.preventDefault();
      navigate(anchor.pathname + anchor.search);
    });
    window.addEventListener("qc-unauthorized", () => { stopLive(); setSession(undefined); this.requestUpdate(); });
    window.addEventListener("qc-announce", (event) => { this.said = ""; requestAnimationFrame(() => (this.said = (event as CustomEvent<string>).detail)); });
    live.addEventListener("status", (event) => (this.liveState = (event as CustomEvent<"open" | "reconnecting">).detail));
    const link = /#link=(qcl_[\w-]+)/.exec(location.hash)?.[1];
    try {
      // The link leaves the address bar at once; a link made for a page (…/console/invoices#link=…) stays on it.
      if (link) history.replaceState(null, "", location.pathname.startsWith("/console/sign-in") ? "/console" : location.pathname + location.search);
      setSession(link ? await api<ConsoleSession>("/v1/console/session", { method: "POST", body: { link } }) : await api<ConsoleSession>("/v1/console/session"));
      startLive();
    } catch (caught) {
      setSession(undefined);
      if (link && caught instanceof ApiError) this.error = t("shell.expired");
    }
    this.ready = true;
    await this.updateComplete;
    await this.show();
  }

  private signedIn(): boolean {
    try { session(); return true; } catch { return false; }
  }

  async show() {
    this.requestUpdate();
    await this.updateComplete;
    const main = this.renderRoot.querySelector("main");
    if (!main || !this.signedIn()) return;
    if (location.pathname.startsWith("/console/sign-in")) history.replaceState(null, "", "/console");
    const m = match(location.pathname, location.search);
    main.replaceChildren();
    if (m?.route.file && (await loadPage(m.route))) {
      const el = document.createElement(m.route.element) as HTMLElement & { params?: unknown; query?: unknown };
      el.params = m.params;
      el.query = m.query;
      main.append(el);
      await (el as unknown as LitElement).updateComplete;
      const heading = el.shadowRoot?.querySelector("h1") ?? null;
      if (heading) { heading.setAttribute("tabindex", "-1"); heading.focus(); }
    } else {
      setTitle(t("shell.unavailable"));
      const heading = Object.assign(document.createElement("h1"), { textContent: t("shell.unavailable"), tabIndex: -1 });
      main.append(heading);
    }
  }

  async signIn(event: SubmitEvent) {
    event.preventDefault();
    const key = String(new FormData(event.target as HTMLFormElement).get("key") ?? "").trim();
    try {
      setSession(await api<ConsoleSession>("/v1/console/session", { method: "POST", body: { key } }));
      this.error = "";
      startLive();
      navigate(location.pathname.startsWith("/console/sign-in") ? "/console" : location.pathname + location.search, { replace: true });
    } catch (caught) {
      this.error = caught instanceof ApiError ? caught.problem.detail ?? caught.problem.title : String(caught);
    }
  }

  async signOut() {
    await api("/v1/console/session", { method: "DELETE" }).catch(() => undefined);
    stopLive();
    setSession(undefined);
    history.replaceState(null, "", "/console");
    this.requestUpdate();
  }

  switchLang() {
    setLang(lang() === "fr" ? "en" : "fr");
    document.documentElement.lang = lang();
    void this.show();
  }

  override render() {
    if (!this.ready) return nothing;
    document.documentElement.lang = lang();
    const region = html`<div role="status" aria-live="polite" class="sr-only">${this.said}</div>`;
    const langButton = html`<button class="secondary" lang=${lang() === "fr" ? "en" : "fr"} @click=${this.switchLang}>${t("shell.lang")}</button>`;
    if (!this.signedIn()) {
      setTitle(t("shell.signin.title"));
      return html`<header><strong>Quittance</strong>${langButton}</header><main id="main"><h1>${t("shell.signin.title")}</h1>
        <form class="signin" @submit=${this.signIn}><label for="key">${t("shell.key")}</label>
        <input id="key" name="key" type="password" autocomplete="off" required aria-describedby="key-help ${this.error ? "key-error" : ""}">
        <p id="key-help">${t("shell.key.help")}</p><button class="primary">${t("shell.signin")}</button></form>
        ${this.error ? html`<p id="key-error" role="alert" class="error">${this.error}</p>` : nothing}</main>${region}`;
    }
    const current = match(location.pathname, "")?.route.pattern.split("/").slice(0, 3).join("/");
    return html`<a class="skip" href="#main" @click=${(event: Event) => { event.preventDefault(); (this.renderRoot.querySelector("main") as HTMLElement).focus(); }}>${t("shell.skip")}</a>
      <header><strong>${session().merchant.name}</strong>
        ${canWrite() ? nothing : html`<span class="ro">${t("shell.readonly")}</span>`}
        <span class="live" data-live=${this.liveState}>${this.liveState === "open" ? "● " : "○ "}${t(`shell.live.${this.liveState}`)}</span>
        ${langButton}<button class="secondary" @click=${this.signOut}>${t("shell.signout")}</button></header>
      <nav aria-label=${t("shell.nav")}><ul>${NAV.filter(([, file]) => pageAvailable(file)).map(([path, file]) => html`<li><a href=${path} aria-current=${current === path ? "page" : nothing}>${t(`nav.${file}`)}</a></li>`)}</ul></nav>
      <main id="main" tabindex="-1"></main>${region}`;
  }
}
if (!customElements.get("qc-app")) customElements.define("qc-app", QcApp);
