/**
 * The part of the widget a client needs only once they act: the pay flow (its controller and steps)
 * and the invoice detail, with their words, styles and focus handling. It is its own chunk
 * (`widget/flow-<hash>.js`), loaded by `loadFlow()` in flow-loader.ts; it imports Lit and the shared
 * helpers back from widget.js, so nothing is shipped twice. The provider SDKs stay out of it too:
 * they load only when the client picks that method.
 */
import { adoptStyles, type LitElement } from "lit";
import { FocusController, type FocusHost } from "./controllers/focus";
import { PayFlowController, type PayFlowHost } from "./controllers/pay-flow";
import type { SelectionController } from "./controllers/selection";
import { flowStyles } from "./flow.styles";

export { detailView } from "./views/detail";
export { methodView, outcomeView, payingView } from "./views/pay-flow";
export type { PayFlowController };

/** Gives an element what the flow's views need (their styles beside its own, focus that follows the view) and its pay flow. */
export function attachFlow(host: PayFlowHost & FocusHost & LitElement, list: SelectionController): PayFlowController {
  adoptStyles(host.renderRoot as ShadowRoot, [...(host.constructor as typeof LitElement).elementStyles, flowStyles]);
  new FocusController(host);
  // The pay flow tells of a success with the public event; the list hears it as the page does.
  host.addEventListener("quittance-payment-succeeded", () => {
    list.select(new Set());
    list.refresh();
  });
  return new PayFlowController(host, list);
}
