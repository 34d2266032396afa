/**
 * Makes a pdf-lib document a PDF/A-3b Factur-X invoice: `factur-x.xml` embedded (text/xml, Params
 * with Size and dates) with `/AFRelationship /Alternative` (what the Factur-X specification asks of the
 * EN 16931 profile: the XML is an equivalent rendering of the visible invoice) and listed both in the
 * catalog's `/AF` and its Names/EmbeddedFiles; an sRGB ICC output intent (/GTS_PDFA1); XMP metadata
 * (pdfaid part 3 conformance B, the Factur-X extension schema and its PDF/A description, and the same
 * title, author, producer and dates as the Info dictionary); a trailer /ID. Nothing is encrypted, no
 * JavaScript, no transparency (the layout draws opaque colours only).
 */
import { AFRelationship, PDFArray, PDFDocument, PDFHexString, PDFName, PDFString } from "pdf-lib";
import { SRGB_PROFILE_NAME, srgbIccProfile } from "./icc";

export const FACTURX_FILE_NAME = "factur-x.xml";
export const PRODUCER = "Quittance";

export type PdfAOptions = { xml: string; title: string; author: string; language: string; now: Date; id: string };

export async function makePdfA(pdf: PDFDocument, options: PdfAOptions): Promise<void> {
  const now = new Date(Math.floor(options.now.getTime() / 1000) * 1000); // PDF dates carry whole seconds
  pdf.setTitle(options.title);
  pdf.setAuthor(options.author);
  pdf.setProducer(PRODUCER);
  pdf.setCreator(PRODUCER);
  pdf.setCreationDate(now);
  pdf.setModificationDate(now);
  const context = pdf.context;
  const catalog = pdf.catalog;
  catalog.set(PDFName.of("Lang"), PDFString.of(options.language));

  // The XML attachment.
  const xmlBytes = new TextEncoder().encode(options.xml);
  const file = context.flateStream(xmlBytes, {
    Type: "EmbeddedFile",
    Subtype: "text/xml",
    Params: { Size: xmlBytes.length, CreationDate: PDFString.fromDate(now), ModDate: PDFString.fromDate(now) },
  });
  const fileRef = context.register(file);
  const spec = context.obj({
    Type: "Filespec",
    F: PDFString.of(FACTURX_FILE_NAME),
    UF: PDFHexString.fromText(FACTURX_FILE_NAME),
    EF: { F: fileRef, UF: fileRef },
    Desc: PDFHexString.fromText("Factur-X invoice (EN 16931)"),
    AFRelationship: AFRelationship.Alternative,
  });
  const specRef = context.register(spec);
  const names = context.obj({ EmbeddedFiles: { Names: [PDFString.of(FACTURX_FILE_NAME), specRef] } });
  catalog.set(PDFName.of("Names"), context.register(names));
  const af = PDFArray.withContext(context);
  af.push(specRef);
  catalog.set(PDFName.of("AF"), af);

  // The output intent: everything is drawn in DeviceRGB, meant as sRGB.
  const icc = context.flateStream(srgbIccProfile(), { N: 3 });
  const intent = context.obj({
    Type: "OutputIntent",
    S: "GTS_PDFA1",
    OutputConditionIdentifier: PDFString.of(SRGB_PROFILE_NAME),
    Info: PDFString.of(SRGB_PROFILE_NAME),
    DestOutputProfile: context.register(icc),
  });
  catalog.set(PDFName.of("OutputIntents"), context.obj([context.register(intent)]));

  // XMP, uncompressed (PDF/A wants it readable without filters).
  const metadata = context.stream(new TextEncoder().encode(xmp({ ...options, now })), { Type: "Metadata", Subtype: "XML" });
  catalog.set(PDFName.of("Metadata"), context.register(metadata));

  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`${options.id}:${now.toISOString()}`)));
  const id = PDFHexString.of([...digest.slice(0, 16)].map((byte) => byte.toString(16).padStart(2, "0")).join(""));
  context.trailerInfo.ID = context.obj([id, id]);
}

const escapeXml = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

const FX_PROPERTIES: [string, string][] = [
  ["DocumentFileName", "The name of the embedded XML document"],
  ["DocumentType", "The type of the hybrid document in capital letters, e.g. INVOICE or ORDER"],
  ["Version", "The actual version of the standard applying to the embedded XML document"],
  ["ConformanceLevel", "The conformance level of the embedded XML document"],
];

/** The XMP packet: the same title, author, producer and dates as the Info dictionary. */
export function xmp(options: PdfAOptions): string {
  const date = options.now.toISOString().replace(/\.\d{3}Z$/, "Z");
  const properties = FX_PROPERTIES.map(([name, description]) => `
              <rdf:li rdf:parseType="Resource">
                <pdfaProperty:name>${name}</pdfaProperty:name>
                <pdfaProperty:valueType>Text</pdfaProperty:valueType>
                <pdfaProperty:category>external</pdfaProperty:category>
                <pdfaProperty:description>${description}</pdfaProperty:description>
              </rdf:li>`).join("");
  return `<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
  <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
    <rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">
      <pdfaid:part>3</pdfaid:part>
      <pdfaid:conformance>B</pdfaid:conformance>
    </rdf:Description>
    <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">
      <dc:format>application/pdf</dc:format>
      <dc:title><rdf:Alt><rdf:li xml:lang="x-default">${escapeXml(options.title)}</rdf:li></rdf:Alt></dc:title>
      <dc:creator><rdf:Seq><rdf:li>${escapeXml(options.author)}</rdf:li></rdf:Seq></dc:creator>
    </rdf:Description>
    <rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/">
      <xmp:CreatorTool>${PRODUCER}</xmp:CreatorTool>
      <xmp:CreateDate>${date}</xmp:CreateDate>
      <xmp:ModifyDate>${date}</xmp:ModifyDate>
      <xmp:MetadataDate>${date}</xmp:MetadataDate>
    </rdf:Description>
    <rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">
      <pdf:Producer>${PRODUCER}</pdf:Producer>
    </rdf:Description>
    <rdf:Description rdf:about="" xmlns:fx="urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#">
      <fx:DocumentType>INVOICE</fx:DocumentType>
      <fx:DocumentFileName>${FACTURX_FILE_NAME}</fx:DocumentFileName>
      <fx:Version>1.0</fx:Version>
      <fx:ConformanceLevel>EN 16931</fx:ConformanceLevel>
    </rdf:Description>
    <rdf:Description rdf:about="" xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/" xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#" xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">
      <pdfaExtension:schemas>
        <rdf:Bag>
          <rdf:li rdf:parseType="Resource">
            <pdfaSchema:schema>Factur-X PDFA Extension Schema</pdfaSchema:schema>
            <pdfaSchema:namespaceURI>urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#</pdfaSchema:namespaceURI>
            <pdfaSchema:prefix>fx</pdfaSchema:prefix>
            <pdfaSchema:property>
              <rdf:Seq>${properties}
              </rdf:Seq>
            </pdfaSchema:property>
          </rdf:li>
        </rdf:Bag>
      </pdfaExtension:schemas>
    </rdf:Description>
  </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>`;
}
