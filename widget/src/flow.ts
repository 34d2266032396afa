/**
 * The part of the widget a client needs only once they act: the pay flow (its controller and steps)
 * and the invoice detail. It is its own chunk (`widget/flow-<hash>.js`), loaded by `loadFlow()` in
 * flow-loader.ts; it imports Lit and the shared helpers back from widget.js, so nothing is shipped
 * twice. The provider SDKs stay out of it too: they load only when the client picks that method.
 */
export { PayFlowController } from "./controllers/pay-flow";
export { flowStyles } from "./flow.styles";
export { detailView } from "./views/detail";
export { methodView, outcomeView, payingView } from "./views/pay-flow";
