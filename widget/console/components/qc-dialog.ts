import { LitElement, html } from "lit";
import { tokens, base } from "../styles";

/** A modal `<dialog>` (focus trapped by the browser, Escape closes; emits `qc-close`). @example html`<qc-dialog label="…" ?open=${this.open}>…</qc-dialog>` */
export class QcDialog extends LitElement {
  static override properties = { open: { type: Boolean }, label: {} };
  static override styles = [tokens, base];
  open = false;
  label = "";
  override updated() {
    const dialog = this.renderRoot.querySelector("dialog");
    if (!dialog) return;
    if (this.open && !dialog.open) dialog.showModal();
    if (!this.open && dialog.open) dialog.close();
  }
  override render() {
    return html`<dialog aria-label=${this.label} @close=${() => { this.open = false; this.dispatchEvent(new CustomEvent("qc-close", { bubbles: true, composed: true })); }}><slot></slot></dialog>`;
  }
}
if (!customElements.get("qc-dialog")) customElements.define("qc-dialog", QcDialog);
