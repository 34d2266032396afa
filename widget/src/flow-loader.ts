/**
 * Loads the pay flow and detail chunk (flow.ts) once per page, on demand: the element starts it
 * when the client points at or focuses a pay or detail control, so it is usually there by the
 * click. `import()` resolves against this module's own URL (widget.js's, whatever page embeds it),
 * so the chunk comes from the widget's origin, under the same CORS headers and CSP source.
 */
export type FlowChunk = typeof import("./flow");

let loading: Promise<FlowChunk> | undefined;

/** The chunk, fetched once; a failed fetch is forgotten so the next action tries again. */
export function loadFlow(): Promise<FlowChunk> {
  return (loading ??= import("./flow").catch((error: unknown) => {
    loading = undefined;
    throw error;
  }));
}
