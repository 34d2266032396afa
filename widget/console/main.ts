/** The console's entry: signs in (link in the fragment, or a pasted key) and shows the routed page. */
import { LitElement, html } from "lit";
import { api } from "./api";
import { register, t } from "./i18n";
import { setSession, session, type ConsoleSession } from "./session";
import { match, loadPage, navigate } from "./router";
import { startLive } from "./live";
import { tokens, base } from "./styles";
import "./components/qc-status-badge";

register({ fr: { "shell.signin": "Se connecter", "shell.key": "Clé secrète ou clé en lecture seule", "shell.unavailable": "Page pas encore disponible", "shell.next": "Suivant", "shell.pager": "Pages" }, en: { "shell.signin": "Sign in", "shell.key": "Secret key or read-only key", "shell.unavailable": "Page not available yet", "shell.next": "Next", "shell.pager": "Pages" } });

class QcApp extends LitElement {
  static override properties = { ready: { state: true }, error: { state: true } };
  static override styles = [tokens, base];
  ready = false;
  error = "";
  override async connectedCallback() {
    super.connectedCallback();
    window.addEventListener("qc-navigate", () => void this.show());
    window.addEventListener("popstate", () => void this.show());
    const link = /#link=(qcl_[\w-]+)/.exec(location.hash)?.[1];
    try {
      setSession(link ? await api<ConsoleSession>("/v1/console/session", { method: "POST", body: { link } }) : await api<ConsoleSession>("/v1/console/session"));
      if (link) history.replaceState(null, "", "/console");
      startLive();
    } catch { setSession(undefined); }
    this.ready = true;
    await this.show();
  }
  async show() {
    const m = match(location.pathname, location.search);
    const main = this.renderRoot.querySelector("main");
    if (!main || !m) return;
    main.replaceChildren();
    if (m.route.file && (await loadPage(m.route))) {
      const el = document.createElement(m.route.element) as HTMLElement & { params?: unknown; query?: unknown };
      el.params = m.params;
      el.query = m.query;
      main.append(el);
    } else if (m.route.file) main.innerHTML = `<h1 tabindex="-1">${t("shell.unavailable")}</h1>`;
  }
  async signIn(event: SubmitEvent) {
    event.preventDefault();
    const key = new FormData(event.target as HTMLFormElement).get("key");
    try {
      setSession(await api<ConsoleSession>("/v1/console/session", { method: "POST", body: { key } }));
      startLive();
      this.requestUpdate();
      navigate("/console");
    } catch (e) { this.error = (e as Error).message; }
  }
  override render() {
    if (!this.ready) return html``;
    let signedIn = true;
    try { session(); } catch { signedIn = false; }
    if (!signedIn) return html`<main><h1>Quittance</h1><form @submit=${this.signIn}><label for="key">${t("shell.key")}</label><input id="key" name="key" type="password" autocomplete="off" required><button class="primary">${t("shell.signin")}</button></form><p role="alert" class="error">${this.error}</p></main>`;
    return html`<header><strong>${session().merchant.name}</strong></header><main id="main"></main>`;
  }
}
if (!customElements.get("qc-app")) customElements.define("qc-app", QcApp);
