/**
 * Moves focus to a new view's heading (`[data-autofocus]`) so keyboard and screen-reader users
 * follow along. Only the detail's and the pay flow's views have one (the list, loading and error
 * views do not: nothing moves there), so this travels with them in the flow's chunk.
 */
import type { ReactiveController, ReactiveElement } from "lit";

export interface FocusHost extends ReactiveElement {
  /** What the element shows now; focus follows when it changes. */
  readonly view: unknown;
}

export class FocusController implements ReactiveController {
  #host: FocusHost;
  /** The view last rendered. */
  #shown: unknown;

  constructor(host: FocusHost) {
    this.#host = host;
    host.addController(this);
  }

  hostUpdated(): void {
    const host = this.#host;
    if (host.view === this.#shown) return;
    this.#shown = host.view;
    void host.updateComplete.then(() => host.renderRoot.querySelector<HTMLElement>("[data-autofocus]")?.focus());
  }
}
