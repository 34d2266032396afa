import { LitElement, html, nothing } from "lit";
import { register, t } from "../i18n";
import { tokens, base } from "../styles";

register({ fr: { "shell.pager": "Pages", "shell.next": "Page suivante" }, en: { "shell.pager": "Pages", "shell.next": "Next page" } });

/** Cursor paging: emits `qc-page` with `detail: { cursor }`. @example html`<qc-pager .next=${last?.id} ?hasMore=${list.has_more}></qc-pager>` */
export class QcPager extends LitElement {
  static override properties = { next: {}, hasMore: { type: Boolean } };
  static override styles = [tokens, base];
  next = "";
  hasMore = false;
  override render() {
    return this.hasMore
      ? html`<nav aria-label=${t("shell.pager")}><button class="secondary" @click=${() => this.dispatchEvent(new CustomEvent("qc-page", { detail: { cursor: this.next }, bubbles: true, composed: true }))}>${t("shell.next")}</button></nav>`
      : nothing;
  }
}
if (!customElements.get("qc-pager")) customElements.define("qc-pager", QcPager);
