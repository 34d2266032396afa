/**
 * A small ICC v2 sRGB display profile built in code (no npm package ships one), for the PDF/A output
 * intent: header, tag table, and desc, cprt, wtpt (D50), rXYZ/gXYZ/bXYZ (the sRGB primaries adapted
 * to D50, as in the IEC 61966-2.1 profiles) and one shared 1024-entry sRGB tone curve for r/g/bTRC.
 */

export const SRGB_PROFILE_NAME = "sRGB IEC61966-2.1";

const D50: [number, number, number] = [0.9642, 1.0, 0.8249];
const RED: [number, number, number] = [0.4361, 0.2225, 0.0139];
const GREEN: [number, number, number] = [0.3851, 0.7169, 0.0971];
const BLUE: [number, number, number] = [0.1431, 0.0606, 0.7141];
const CURVE_POINTS = 1024;

const ascii = (text: string) => [...text].map((char) => char.charCodeAt(0) & 0x7f);
const pad4 = (bytes: number[]) => { while (bytes.length % 4) bytes.push(0); return bytes; };
const u32 = (value: number) => [(value >>> 24) & 255, (value >>> 16) & 255, (value >>> 8) & 255, value & 255];
const u16 = (value: number) => [(value >>> 8) & 255, value & 255];
const s15f16 = (value: number) => u32(Math.round(value * 65536) >>> 0);

function textDescription(text: string): number[] {
  const chars = [...ascii(text), 0];
  // 'desc', reserved, ASCII count + string, Unicode language + count (none), ScriptCode code + count + 67 bytes.
  return pad4([...ascii("desc"), ...u32(0), ...u32(chars.length), ...chars, ...u32(0), ...u32(0), ...u16(0), 0, ...new Array<number>(67).fill(0)]);
}

function textType(text: string): number[] {
  return pad4([...ascii("text"), ...u32(0), ...ascii(text), 0]);
}

function xyz([x, y, z]: [number, number, number]): number[] {
  return [...ascii("XYZ "), ...u32(0), ...s15f16(x), ...s15f16(y), ...s15f16(z)];
}

function srgbCurve(): number[] {
  const out = [...ascii("curv"), ...u32(0), ...u32(CURVE_POINTS)];
  for (let i = 0; i < CURVE_POINTS; i++) {
    const v = i / (CURVE_POINTS - 1);
    const linear = v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    out.push(...u16(Math.round(linear * 65535)));
  }
  return pad4(out);
}

/** The profile's bytes (about 2.5 KB). */
export function srgbIccProfile(): Uint8Array {
  const curve = srgbCurve();
  const tags: [string, number[]][] = [
    ["desc", textDescription(SRGB_PROFILE_NAME)],
    ["cprt", textType("No copyright, use freely")],
    ["wtpt", xyz(D50)],
    ["rXYZ", xyz(RED)],
    ["gXYZ", xyz(GREEN)],
    ["bXYZ", xyz(BLUE)],
    ["rTRC", curve],
    ["gTRC", curve],
    ["bTRC", curve],
  ];
  const tableSize = 4 + tags.length * 12;
  let offset = 128 + tableSize;
  const table: number[] = [...u32(tags.length)];
  const data: number[] = [];
  let curveOffset = -1;
  for (const [signature, bytes] of tags) {
    const shared = bytes === curve && curveOffset >= 0;
    const at = shared ? curveOffset : offset;
    table.push(...ascii(signature), ...u32(at), ...u32(bytes.length));
    if (shared) continue;
    if (bytes === curve) curveOffset = at;
    data.push(...bytes);
    offset += bytes.length;
  }
  const size = 128 + table.length + data.length;
  const header = [
    ...u32(size), ...u32(0), // size, preferred CMM
    2, 0x10, 0, 0, // version 2.1.0
    ...ascii("mntr"), ...ascii("RGB "), ...ascii("XYZ "),
    ...u16(2026), ...u16(1), ...u16(1), ...u16(0), ...u16(0), ...u16(0), // date and time
    ...ascii("acsp"), ...u32(0), ...u32(0), ...u32(0), ...u32(0), // signature, platform, flags, manufacturer, model
    ...u32(0), ...u32(0), ...u32(0), // attributes (8 bytes), rendering intent (perceptual)
    ...s15f16(D50[0]), ...s15f16(D50[1]), ...s15f16(D50[2]), // PCS illuminant
    ...u32(0), // creator
  ];
  while (header.length < 128) header.push(0); // profile id (v2: zero) and reserved bytes
  return Uint8Array.from([...header, ...table, ...data]);
}
