/**
 * POST /v1/bank_statements against strangers and bad files: keys and scopes, other merchants,
 * bodies that are not statements (415), broken files and XML bombs (422, nothing recorded), a huge
 * body (413), too many transactions, and a thousand entries of junk.
 */
import { describe, expect, it } from "vitest";
import { rfReferenceOfInvoice } from "../../../shared/rf-reference";
import { camtFile, ofxSgmlFile } from "../../support/statement-files";
import { api, createMerchant } from "../helpers";
import { mintSession } from "../realtime/support";
import { customerNamed, importFingerprint, invoiceOf, upload } from "./support";

const ONE = camtFile([{ amount: "10.00", ref: "H-1" }]);

describe("POST /v1/bank_statements hostile callers and files", () => {
  it("should refuse a missing key, a publishable key, a client session and a read-only key, and let a read-only key read", async () => {
    const merchant = await createMerchant();
    const customer = await customerNamed(merchant.key, "Session");
    const session = await mintSession(merchant.key, customer);
    expect((await upload(null, ONE)).status).toBe(401);
    expect((await upload(merchant.publishableKey, ONE)).body.code).toBe("wrong_key_type");
    expect((await upload(session, ONE)).body.code).toBe("wrong_key_type");
    expect((await upload(merchant.readOnlyKey, ONE)).status).toBe(403);
    const created = await upload(merchant.key, ONE);
    expect(created.status).toBe(201);
    expect((await api(merchant.readOnlyKey, "GET", `/v1/bank_statements/${created.body.id}`)).status).toBe(200);
    expect((await api(merchant.readOnlyKey, "GET", "/v1/bank_statements")).body.data.map((row: any) => row.id)).toEqual([created.body.id]);
    expect((await api(merchant.readOnlyKey, "POST", `/v1/bank_statements/${created.body.id}/lines/1/allocate`, { invoice: `inv_${"0".repeat(26)}` })).status).toBe(403);
    expect((await api(session, "GET", `/v1/bank_statements/${created.body.id}`)).status).toBe(403);
  });

  it("should answer 404 for another merchant's statement and its lines", async () => {
    const owner = await createMerchant();
    const stranger = await createMerchant();
    const created = await upload(owner.key, ONE);
    for (const path of [`/v1/bank_statements/${created.body.id}`, `/v1/bank_statements/${created.body.id}/lines`]) {
      expect((await api(stranger.key, "GET", path)).status).toBe(404);
    }
    expect((await api(stranger.key, "GET", "/v1/bank_statements")).body.data).toEqual([]);
    expect((await api(stranger.key, "GET", `/v1/bank_statements?starting_after=${created.body.id}`)).status).toBe(404);
  });

  it("should answer 415 to bodies that are no statement and record nothing", async () => {
    const merchant = await createMerchant();
    const before = await importFingerprint(merchant.id);
    const cases: [string, string | null][] = [
      [JSON.stringify({ statement: ONE }), "application/json"],
      ["--x\r\nContent-Disposition: form-data; name=file\r\n\r\nabc\r\n--x--", "multipart/form-data; boundary=x"],
      ["date;amount\n2026-11-20;10.00\n", "text/csv"],
      ["date;amount\n2026-11-20;10.00\n", "text/plain"],
      ["%PDF-1.7\n...", null],
      ['<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.052.001.08"><BkToCstmrAcctRpt/></Document>', "application/xml"],
      ['<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.01"><BkToCstmrStmt/></Document>', "application/xml"],
      ["<html><body>statement</body></html>", "text/xml"],
    ];
    for (const [body, type] of cases) {
      const response = await upload(merchant.key, body, type);
      expect([response.status, response.body.code], `${type}: ${body.slice(0, 40)}`).toEqual([415, "statement_format_unsupported"]);
      expect(response.headers.get("content-type")).toBe("application/problem+json");
    }
    expect(await importFingerprint(merchant.id)).toBe(before);
  });

  it("should answer 422 naming what is wrong with a broken file, and record nothing", async () => {
    const merchant = await createMerchant();
    const customer = await customerNamed(merchant.key, "Broken");
    const billed = await invoiceOf(merchant.key, customer, 1000);
    const good = { amount: "10.00", ref: "OK-1", structuredRef: rfReferenceOfInvoice(billed.number!)! };
    const before = await importFingerprint(merchant.id);
    const full = camtFile([good, { amount: "5.00", ref: "OK-2" }]);
    const cases: [string, RegExp][] = [
      ["", /empty/],
      [full.slice(0, Math.floor(full.length * 0.7)), /not well-formed/],
      [camtFile([good, { amount: "12.345", ref: "BAD" }]), /Stmt\[1\]\/Ntry\[2\]\/Amt: 12\.345 has more decimals than EUR allows/],
      [camtFile([good, { amount: "douze", ref: "BAD" }]), /Ntry\[2\]\/Amt: 'douze' is not a decimal amount/],
      [camtFile([good]).replace('Ccy="EUR">10.00', ">10.00"), /Ntry\[1\]\/Amt has no Ccy attribute/],
      [camtFile([good]).replace("<CdtDbtInd>CRDT</CdtDbtInd><Sts>", "<CdtDbtInd>XXXX</CdtDbtInd><Sts>"), /CdtDbtInd must be CRDT or DBIT/],
      [ofxSgmlFile([{ amount: "10.00", fitId: "A" }]).replace("</OFX>", ""), /does not end with <\/OFX>/],
      [ofxSgmlFile([{ amount: "", fitId: "A" }]), /STMTTRN\[1\]\/TRNAMT is missing/],
      [ofxSgmlFile([{ amount: "10.00", fitId: "A", date: "yesterday" }]), /DTPOSTED: 'yesterday' is not an OFX date/],
    ];
    for (const [body, detail] of cases) {
      const response = await upload(merchant.key, body);
      expect([response.status, response.body.code], body.slice(0, 60)).toEqual([422, "statement_malformed"]);
      expect(response.body.detail).toMatch(detail);
    }
    expect(await importFingerprint(merchant.id)).toBe(before);
  });

  it("should refuse an XML bomb (entity expansion) before parsing anything", async () => {
    const merchant = await createMerchant();
    const before = await importFingerprint(merchant.id);
    const lol = Array.from({ length: 9 }, (_, level) => `<!ENTITY lol${level + 1} "${`&lol${level};`.repeat(10)}">`).join("");
    const bomb = `<?xml version="1.0"?><!DOCTYPE Document [<!ENTITY lol0 "lol">${lol}]><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><GrpHdr><MsgId>&lol9;</MsgId></GrpHdr></BkToCstmrStmt></Document>`;
    const response = await upload(merchant.key, bomb);
    expect([response.status, response.body.code]).toEqual([422, "statement_malformed"]);
    expect(response.body.detail).toMatch(/DTDs and entity declarations are not accepted/);
    expect(await importFingerprint(merchant.id)).toBe(before);
  });

  it("should answer 413 to a body over 10 MB, streamed or declared", async () => {
    const merchant = await createMerchant();
    const chunk = new TextEncoder().encode(`<Ntry>${"x".repeat(1024 * 1024 - 13)}</Ntry>`);
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 12) return controller.close();
        sent += 1;
        controller.enqueue(chunk);
      },
    });
    const response = await upload(merchant.key, stream);
    expect([response.status, response.body.code]).toEqual([413, "payload_too_large"]);
    expect(sent).toBeLessThan(12);
  });

  it("should refuse more than 10,000 transactions", async () => {
    const merchant = await createMerchant();
    const entries = Array.from({ length: 10_001 }, (_, index) => ({ amount: "1.00", ref: `M-${index}`, credit: index % 2 === 0 }));
    const response = await upload(merchant.key, camtFile(entries));
    expect([response.status, response.body.code]).toEqual([422, "statement_too_large"]);
    expect((await api(merchant.key, "GET", "/v1/bank_statements")).body.data).toEqual([]);
  });

  it("should list a thousand junk entries as unmatched, match the one real transfer, and keep the answer bounded", async () => {
    const merchant = await createMerchant();
    const customer = await customerNamed(merchant.key, "Real");
    const billed = await invoiceOf(merchant.key, customer, 4321);
    const junk = Array.from({ length: 1000 }, (_, index) => ({
      amount: `${(index % 97) + 1}.${String(index % 100).padStart(2, "0")}`,
      ref: index % 3 === 0 ? undefined : `J-${index}`,
      structuredRef: index % 5 === 0 ? `RF00${index}BAD` : undefined,
      unstructured: [`<script>${"é😀".repeat(index % 7)}</script> F2026-${index} ' OR 1=1 --`, "x".repeat(140)],
      payerName: `Payer ${"&".repeat(index % 4)} ${index}`,
    }));
    const entries = [...junk.slice(0, 500), { amount: "43.21", ref: "REAL", structuredRef: rfReferenceOfInvoice(billed.number!)! }, ...junk.slice(500)];
    const response = await upload(merchant.key, camtFile(entries));
    expect(response.status, response.text.slice(0, 300)).toBe(201);
    expect(response.body.counts).toMatchObject({ lines: 1001, matched: 1, unmatched: 1000 });
    expect(response.body.lines.data).toHaveLength(100);
    expect(response.body.lines.has_more).toBe(true);
    const matched = await api(merchant.key, "GET", `/v1/bank_statements/${response.body.id}/lines?status=matched`);
    expect(matched.body.data.map((line: any) => [line.line, line.allocations])).toEqual([[501, [{ invoice: billed.id, amount: 4321 }]]]);
    const page = await api(merchant.key, "GET", `/v1/bank_statements/${response.body.id}/lines?limit=500&starting_after=500`);
    expect(page.body.data[0].line).toBe(501);
    expect(page.body.next).toBe(1000);
  });

  it("should decode a Windows-1252 OFX file", async () => {
    const merchant = await createMerchant();
    const text = ofxSgmlFile([{ amount: "10.00", fitId: "W-1", name: "SOCIETE GENERALE", memo: "Réf. café" }]);
    const bytes = Uint8Array.from(text, (char) => char.charCodeAt(0));
    const response = await upload(merchant.key, bytes, "application/x-ofx");
    expect(response.status, response.text).toBe(201);
    expect(response.body.lines.data[0].remittance_information).toBe("Réf. café");
  });
});
