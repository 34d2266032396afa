/** Byte buffers. */

/**
 * Joins chunks into one buffer of `total` bytes (their summed length).
 * @example concatBytes([a, b], a.byteLength + b.byteLength)
 */
export function concatBytes(chunks: readonly Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}
