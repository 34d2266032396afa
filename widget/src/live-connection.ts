/**
 * What the list does once it is on screen: the live connection listens to the client stream for as
 * long as a session lives (until `signal` aborts) and calls `changed` once per burst of invoice or
 * payment events (debounced 150 ms, so three events make one reload); `refreshList` is that reload
 * (also after a payment). This chunk is fetched once the list is shown.
 */
import type { ClientApi } from "./api";
import { payable, type SelectionController } from "./controllers/selection";
import type { Locale } from "./i18n";
import { openClientStream } from "./stream";
import type { Session, Ui, View } from "./view";

const NOW_PAID: Record<Locale, (number: string) => string> = {
  fr: (number) => `La facture ${number} est payée.`,
  en: (number) => `Invoice ${number} is paid.`,
};

/** What a reload needs from the element: its language, what it shows, its live region. */
export interface RefreshHost extends Pick<Ui, "locale"> {
  readonly view: View;
  announce(text: string): void;
}

/**
 * Reloads the invoices (once a session is loaded), keeps only what is still payable in the
 * selection, announces the invoices that turned paid meanwhile, and closes the method picker or
 * the transfer instructions (`closeFlow`) when nothing chosen is left to pay. A failed reload leaves the list as it was.
 */
export async function refreshList(host: RefreshHost, list: SelectionController, session: Session | undefined, closeFlow: () => void): Promise<void> {
  if (!session) return;
  const before = new Map(list.invoices.map((invoice) => [invoice.id, invoice.status]));
  try {
    list.show(await session.api.invoices(session.signal));
  } catch {
    return;
  }
  list.select(new Set([...list.selected].filter((id) => payable(list.invoices.find((invoice) => invoice.id === id)))));
  const nowPaid = list.invoices.filter((invoice) => invoice.status === "paid" && before.get(invoice.id) !== "paid" && before.has(invoice.id));
  if (nowPaid.length > 0) host.announce(nowPaid.map((invoice) => NOW_PAID[host.locale](invoice.number ?? "")).join(" "));
  // Everything chosen was paid elsewhere (or the transfer arrived) while the method picker or the
  // transfer instructions were open: there is nothing left to pay.
  if ((host.view.kind === "method" || host.view.kind === "transfer") && list.selected.size === 0) closeFlow();
}

export function listenLive(api: ClientApi, signal: AbortSignal, changed: () => void): void {
  let refreshTimer: ReturnType<typeof setTimeout> | undefined;
  openClientStream(
    api,
    ({ event }) => {
      if (!event.startsWith("invoice.") && !event.startsWith("payment.")) return;
      clearTimeout(refreshTimer);
      refreshTimer = setTimeout(changed, 150);
    },
    signal,
  );
}
