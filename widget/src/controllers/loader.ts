/**
 * A small stand-in for @lit/task (adding it would touch package.json and the bundle): runs an async
 * job with an AbortSignal, aborting the previous run when a new one starts and when the host leaves
 * the page, and running again when it comes back. The result or error of an aborted run is dropped.
 */
import type { ReactiveController, ReactiveControllerHost } from "lit";

export class LoaderController<T> implements ReactiveController {
  /** The last run's result; undefined while a run is pending or after it failed. */
  value: T | undefined;
  /** Set when the last run failed. */
  failure: { error: unknown } | undefined;
  #host: ReactiveControllerHost;
  #job: (signal: AbortSignal) => Promise<T>;
  #lifetime: AbortController | undefined;

  constructor(host: ReactiveControllerHost, job: (signal: AbortSignal) => Promise<T>) {
    this.#host = host;
    this.#job = job;
    host.addController(this);
  }

  hostConnected(): void {
    void this.run();
  }

  hostDisconnected(): void {
    this.#lifetime?.abort();
  }

  /** Starts over: aborts the run in flight, shows pending, then the new result or failure. */
  async run(): Promise<void> {
    this.#lifetime?.abort();
    const { signal } = (this.#lifetime = new AbortController());
    this.value = this.failure = undefined;
    this.#host.requestUpdate();
    try {
      const value = await this.#job(signal);
      if (!signal.aborted) this.value = value;
    } catch (error) {
      if (!signal.aborted) this.failure = { error };
    }
    this.#host.requestUpdate();
  }
}
