import { XMLParser } from "fast-xml-parser";
import { camtFile } from "../tests/support/statement-files.ts";
const entries = Array.from({ length: 5000 }, (_, i) => ({ amount: "120.00", ref: `REF${i}`, structuredRef: "RF18539007547034", unstructured: `Facture F2026-${String(i).padStart(6, "0")} paiement client`, payerName: "Client SAS numero " + i, payerIban: "FR7630006000011234567890189" }));
const xml = camtFile(entries);
for (const [name, opts] of Object.entries({ noEntities: { processEntities: false }, entitiesObj: { processEntities: { enabled: true, maxEntityCount: 0 } }, trimFalse: { trimValues: false }, preserve: { preserveOrder: true } })) {
  const t = performance.now();
  try { new XMLParser({ ignoreAttributes: false, parseTagValue: false, ...(opts as object) }).parse(xml); console.log(name, (performance.now() - t).toFixed(0)); } catch (e) { console.log(name, String(e)); }
}
