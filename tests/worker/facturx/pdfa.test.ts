/**
 * What the validator's partial PDF/A check cannot see: the ICC profile parsed back field by field,
 * the XMP agreeing with the Info dictionary, the attachment's dictionaries, the trailer /ID, no
 * transparency or JavaScript anywhere.
 */
import { describe, expect, it } from "vitest";
import { decodePDFRawStream, PDFArray, PDFDict, PDFDocument, PDFHexString, PDFName, PDFRawStream, PDFString } from "pdf-lib";
import { srgbIccProfile } from "../../../worker/facturx/icc";
import { invoicePdf } from "../../../worker/facturx/pdf";
import { eurInvoice, PLACEHOLDER_XML } from "./pdf-fixtures";

const sig = (view: DataView, at: number) => String.fromCharCode(...new Uint8Array(view.buffer, view.byteOffset + at, 4));
const s15 = (view: DataView, at: number) => view.getInt32(at) / 65536;

describe("the sRGB ICC profile", () => {
  it("parses back as a v2 RGB display profile with its nine tags inside the file, primaries summing to the D50 white", () => {
    const bytes = srgbIccProfile();
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    expect(view.getUint32(0)).toBe(bytes.length);
    expect(view.getUint8(8)).toBe(2); // major version
    expect([sig(view, 12), sig(view, 16), sig(view, 20), sig(view, 36)]).toEqual(["mntr", "RGB ", "XYZ ", "acsp"]);
    expect([s15(view, 68), s15(view, 72), s15(view, 76)].map((v) => v.toFixed(4))).toEqual(["0.9642", "1.0000", "0.8249"]);
    const count = view.getUint32(128);
    const tags = new Map<string, { offset: number; size: number; type: string }>();
    for (let i = 0; i < count; i++) {
      const at = 132 + i * 12;
      const offset = view.getUint32(at + 4);
      const size = view.getUint32(at + 8);
      expect(offset % 4).toBe(0);
      expect(offset + size).toBeLessThanOrEqual(bytes.length);
      tags.set(sig(view, at), { offset, size, type: sig(view, offset) });
    }
    expect([...tags.keys()].sort()).toEqual(["bTRC", "bXYZ", "cprt", "desc", "gTRC", "gXYZ", "rTRC", "rXYZ", "wtpt"]);
    expect(tags.get("desc")!.type).toBe("desc");
    expect(tags.get("cprt")!.type).toBe("text");
    for (const name of ["wtpt", "rXYZ", "gXYZ", "bXYZ"]) expect(tags.get(name)!.type).toBe("XYZ ");
    const xyz = (name: string) => [0, 1, 2].map((i) => s15(view, tags.get(name)!.offset + 8 + i * 4));
    const sum = [0, 1, 2].map((i) => xyz("rXYZ")[i]! + xyz("gXYZ")[i]! + xyz("bXYZ")[i]!);
    expect(sum.map((v) => v.toFixed(3))).toEqual(xyz("wtpt").map((v) => v.toFixed(3)));
    const curve = tags.get("rTRC")!;
    expect(curve.type).toBe("curv");
    const points = view.getUint32(curve.offset + 8);
    const values = Array.from({ length: points }, (_, i) => view.getUint16(curve.offset + 12 + i * 2));
    expect(values[0]).toBe(0);
    expect(values[points - 1]).toBe(65535);
    expect(values.every((v, i) => i === 0 || v >= values[i - 1]!)).toBe(true);
    // sRGB mid-grey 0.5 is about 21.4 % linear light.
    expect(values[Math.round((points - 1) / 2)]! / 65535).toBeCloseTo(0.214, 2);
    const descLength = view.getUint32(tags.get("desc")!.offset + 8);
    expect(new TextDecoder().decode(bytes.slice(tags.get("desc")!.offset + 12, tags.get("desc")!.offset + 12 + descLength - 1))).toBe("sRGB IEC61966-2.1");
  });
});

describe("the PDF/A-3 dictionaries", () => {
  it("has XMP matching the Info dictionary, factur-x.xml as an Alternative in /AF and EmbeddedFiles, an output intent, a trailer /ID", async () => {
    const now = new Date("2026-11-24T10:11:12.345Z");
    const bytes = await invoicePdf(eurInvoice(), PLACEHOLDER_XML, now);
    const pdf = await PDFDocument.load(bytes, { updateMetadata: false });
    expect(pdf.getProducer()).toBe("Quittance");
    expect(pdf.getTitle()).toBe("Facture F-2026-0042");
    expect(pdf.getCreationDate()?.toISOString()).toBe("2026-11-24T10:11:12.000Z");
    const catalog = pdf.catalog;
    const xmp = new TextDecoder().decode((catalog.lookup(PDFName.of("Metadata")) as PDFRawStream).getContents());
    expect((catalog.lookup(PDFName.of("Metadata")) as PDFRawStream).dict.get(PDFName.of("Filter"))).toBeUndefined();
    expect(xmp).toContain("<pdf:Producer>Quittance</pdf:Producer>");
    expect(xmp).toContain('<rdf:li xml:lang="x-default">Facture F-2026-0042</rdf:li>');
    expect(xmp).toContain("<xmp:CreateDate>2026-11-24T10:11:12Z</xmp:CreateDate>");
    expect(xmp).toContain("<xmp:ModifyDate>2026-11-24T10:11:12Z</xmp:ModifyDate>");
    expect(xmp).toContain("<pdfaid:part>3</pdfaid:part>");
    expect(xmp).toContain("<fx:ConformanceLevel>EN 16931</fx:ConformanceLevel>");
    const af = catalog.lookup(PDFName.of("AF"), PDFArray);
    const spec = af.lookup(0, PDFDict);
    expect(spec.get(PDFName.of("AFRelationship"))).toBe(PDFName.of("Alternative"));
    expect((spec.lookup(PDFName.of("F")) as PDFString).decodeText()).toBe("factur-x.xml");
    const file = spec.lookup(PDFName.of("EF"), PDFDict).lookup(PDFName.of("F")) as PDFRawStream;
    expect(file.dict.get(PDFName.of("Subtype"))).toBe(PDFName.of("text/xml"));
    const params = file.dict.lookup(PDFName.of("Params"), PDFDict);
    expect(params.get(PDFName.of("Size"))?.toString()).toBe(String(new TextEncoder().encode(PLACEHOLDER_XML).length));
    expect(params.get(PDFName.of("ModDate"))).toBeDefined();
    expect(new TextDecoder().decode(decodePDFRawStream(file).decode())).toBe(PLACEHOLDER_XML);
    const names = catalog.lookup(PDFName.of("Names"), PDFDict).lookup(PDFName.of("EmbeddedFiles"), PDFDict).lookup(PDFName.of("Names"), PDFArray);
    expect(names.get(1)).toEqual(af.get(0));
    const intent = catalog.lookup(PDFName.of("OutputIntents"), PDFArray).lookup(0, PDFDict);
    expect(intent.get(PDFName.of("S"))).toBe(PDFName.of("GTS_PDFA1"));
    const id = pdf.context.trailerInfo.ID as PDFArray;
    expect((id.get(0) as PDFHexString).asString()).toMatch(/^[0-9a-f]{32}$/);
    const raw = new TextDecoder("latin1").decode(bytes);
    for (const forbidden of ["/Encrypt", "/JavaScript", "/JS ", "/SMask", "/Group", "/CA ", "/ca "]) expect(raw).not.toContain(forbidden);
    expect(raw.startsWith("%PDF-1.7")).toBe(true);
  });
});
