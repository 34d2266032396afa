/**
 * The absolute links of an issued document's e-invoice files, as `invoice.issued` and
 * `credit_note.issued` carry them (webhooks too): the Factur-X PDF and its CII XML. Both answer a
 * merchant key (secret or read-only), so a merchant's system fetches them and hands them to its
 * approved platform (plateforme agréée).
 */
export function documentLinks(origin: string, kind: "invoice" | "credit_note", id: string): { pdf_url: string; xml_url: string } {
  const base = `${origin}/v1/${kind === "invoice" ? "invoices" : "credit_notes"}/${encodeURIComponent(id)}`;
  return { pdf_url: `${base}/pdf`, xml_url: `${base}/facturx.xml` };
}
