/**
 * CRC-32 (IEEE 802.3, the zlib / PNG polynomial), as PayPal uses it in the message it signs for a
 * webhook. WebCrypto has no CRC and the body is small, so a table-driven loop is enough.
 */

/** The reflected polynomial 0x04C11DB7; one table entry per byte value, built once per isolate. */
const TABLE: Uint32Array = (() => {
  const table = new Uint32Array(256);
  for (let byte = 0; byte < 256; byte += 1) {
    let value = byte;
    for (let bit = 0; bit < 8; bit += 1) value = value & 1 ? 0xedb88320 ^ (value >>> 1) : value >>> 1;
    table[byte] = value >>> 0;
  }
  return table;
})();

/**
 * The CRC-32 of `bytes` as an unsigned 32-bit integer (PayPal writes it in decimal).
 * @example crc32(new TextEncoder().encode("123456789")) // 3421780262
 */
export function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
