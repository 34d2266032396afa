import { LitElement, html } from "lit";
import { register, t } from "../i18n";
import { tokens, base } from "../styles";

register({
  fr: { "status.draft": "Brouillon", "status.open": "À payer", "status.partially_paid": "Payée en partie", "status.paid": "Payée", "status.void": "Annulée", "status.uncollectible": "Irrécouvrable", "status.overdue": "En retard" },
  en: { "status.draft": "Draft", "status.open": "Open", "status.partially_paid": "Partly paid", "status.paid": "Paid", "status.void": "Void", "status.uncollectible": "Uncollectible", "status.overdue": "Overdue" },
});

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
