/**
 * WOFF 1.0 → TrueType (the sfnt inside), with the platform's zlib (DecompressionStream). fontkit
 * reads WOFF itself, but inflates tables with a JavaScript inflater on every access: about half a
 * second a PDF. The fonts are unpacked once per isolate instead and fontkit reads plain TrueType.
 */

async function inflate(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream("deflate"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

export async function woffToSfnt(woff: Uint8Array): Promise<Uint8Array> {
  const view = new DataView(woff.buffer, woff.byteOffset, woff.byteLength);
  if (view.getUint32(0) !== 0x774f4646) throw new Error("not a WOFF 1.0 file"); // "wOFF"
  const flavor = view.getUint32(4);
  const count = view.getUint16(12);
  const tables = await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const at = 44 + i * 20;
      const [tag, offset, compLength, origLength, checksum] = [view.getUint32(at), view.getUint32(at + 4), view.getUint32(at + 8), view.getUint32(at + 12), view.getUint32(at + 16)];
      const raw = woff.subarray(offset, offset + compLength);
      const data = compLength < origLength ? await inflate(raw) : raw;
      if (data.length !== origLength) throw new Error("a WOFF table does not inflate to its declared length");
      return { tag, checksum, data };
    }),
  );
  const headerSize = 12 + count * 16;
  const size = tables.reduce((sum, table) => sum + ((table.data.length + 3) & ~3), headerSize);
  const out = new Uint8Array(size);
  const sfnt = new DataView(out.buffer);
  let power = 1;
  let log = 0;
  while (power * 2 <= count) { power *= 2; log++; }
  sfnt.setUint32(0, flavor);
  sfnt.setUint16(4, count);
  sfnt.setUint16(6, power * 16);
  sfnt.setUint16(8, log);
  sfnt.setUint16(10, count * 16 - power * 16);
  let offset = headerSize;
  for (const [i, table] of tables.entries()) {
    const at = 12 + i * 16;
    sfnt.setUint32(at, table.tag);
    sfnt.setUint32(at + 4, table.checksum);
    sfnt.setUint32(at + 8, offset);
    sfnt.setUint32(at + 12, table.data.length);
    out.set(table.data, offset);
    offset += (table.data.length + 3) & ~3;
  }
  return out;
}
