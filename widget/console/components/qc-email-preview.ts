/**
 * `<qc-email-preview>`: an email's HTML part shown as it will render, in a shadow root of its own so
 * that its `<style>` stays inside it. Safe with the console's CSP: markup set through innerHTML runs
 * no `<script>`, and the CSP (no 'unsafe-inline' script) refuses inline handlers. Its links are not
 * followed from the preview (they are the email's tracked links; a preview's record nothing anyway).
 * @example html`<qc-email-preview .html=${preview.html} aria-label="HTML"></qc-email-preview>`
 */
export class QcEmailPreview extends HTMLElement {
  readonly #root = this.attachShadow({ mode: "open" });
  #html = "";

  constructor() {
    super();
    this.#root.addEventListener("click", (event) => {
      if (event.composedPath().some((node) => node instanceof HTMLAnchorElement)) event.preventDefault();
    });
  }

  get html(): string {
    return this.#html;
  }

  set html(value: string) {
    if (value === this.#html) return;
    this.#html = value;
    // An email is written for a white page, whatever the console's theme.
    this.#root.innerHTML = `<style>:host{display:block;background:#fff;color:#1a1a1a;color-scheme:light;border:1px solid #c4c8cf;border-radius:.5rem;padding:1rem;overflow:auto}</style>${value}`;
  }
}
if (!customElements.get("qc-email-preview")) customElements.define("qc-email-preview", QcEmailPreview);
