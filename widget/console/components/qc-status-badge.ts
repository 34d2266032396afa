import { LitElement, html } from "lit";
import { t } from "../i18n";
import { tokens, base } from "../styles";

/** An invoice status as a badge. @example html`<qc-status-badge status="paid"></qc-status-badge>` */
export class QcStatusBadge extends LitElement {
  static override properties = { status: {} };
  static override styles = [tokens, base];
  status = "";
  override render() {
    const text = t(`status.${this.status}`);
    return html`<span class="badge ${this.status}">${text === `status.${this.status}` ? this.status : text}</span>`;
  }
}
if (!customElements.get("qc-status-badge")) customElements.define("qc-status-badge", QcStatusBadge);
