/**
 * Bank statement files written for the tests and the bench: ISO 20022 camt.053 / camt.054 and OFX
 * (1.x SGML, 2.x XML), built from plain entry descriptions so each test says what the bank sent.
 * Pure string code: runs in workerd (tests) and in Node (bench).
 */

export interface TestTransaction {
  /** Decimal string as a bank writes it, e.g. "1200.50". */
  amount: string;
  currency?: string;
  endToEndId?: string;
  txRef?: string;
  structuredRef?: string;
  unstructured?: string | string[];
  payerName?: string;
  payerIban?: string;
}

export interface TestEntry extends TestTransaction {
  credit?: boolean;
  ref?: string;
  bookingDate?: string;
  status?: "BOOK" | "PDNG";
  reversal?: boolean;
  /** A batch booking: the entry's amount is the sum of these. */
  transactions?: TestTransaction[];
}

const escapeXml = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

function camtTransaction(tx: TestTransaction, version: number, currency: string, indicator: string): string {
  const party = (name: string) => (version >= 8 ? `<Pty><Nm>${escapeXml(name)}</Nm></Pty>` : `<Nm>${escapeXml(name)}</Nm>`);
  const related =
    tx.payerName !== undefined || tx.payerIban !== undefined
      ? `<RltdPties>${tx.payerName !== undefined ? `<Dbtr>${party(tx.payerName)}</Dbtr>` : ""}${tx.payerIban !== undefined ? `<DbtrAcct><Id><IBAN>${tx.payerIban}</IBAN></Id></DbtrAcct>` : ""}</RltdPties>`
      : "";
  const texts = tx.unstructured === undefined ? [] : Array.isArray(tx.unstructured) ? tx.unstructured : [tx.unstructured];
  const remittance =
    texts.length > 0 || tx.structuredRef !== undefined
      ? `<RmtInf>${texts.map((text) => `<Ustrd>${escapeXml(text)}</Ustrd>`).join("")}${
          tx.structuredRef !== undefined
            ? `<Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry></Tp><Ref>${escapeXml(tx.structuredRef)}</Ref></CdtrRefInf></Strd>`
            : ""
        }</RmtInf>`
      : "";
  const amount = version >= 4 ? `<Amt Ccy="${tx.currency ?? currency}">${tx.amount}</Amt><CdtDbtInd>${indicator}</CdtDbtInd>` : `<AmtDtls><TxAmt><Amt Ccy="${tx.currency ?? currency}">${tx.amount}</Amt></TxAmt></AmtDtls>`;
  const refs = `<Refs>${tx.txRef !== undefined ? `<AcctSvcrRef>${tx.txRef}</AcctSvcrRef>` : ""}<EndToEndId>${tx.endToEndId ?? "NOTPROVIDED"}</EndToEndId></Refs>`;
  return `<TxDtls>${refs}${amount}${related}${remittance}</TxDtls>`;
}

function camtEntry(entry: TestEntry, version: number, currency: string): string {
  const transactions = entry.transactions ?? [entry];
  const status = version >= 8 ? `<Sts><Cd>${entry.status ?? "BOOK"}</Cd></Sts>` : `<Sts>${entry.status ?? "BOOK"}</Sts>`;
  const date = entry.bookingDate ?? "2026-11-20";
  return `<Ntry>${entry.ref !== undefined ? `<NtryRef>${entry.ref}</NtryRef>` : ""}<Amt Ccy="${entry.currency ?? currency}">${entry.amount}</Amt><CdtDbtInd>${entry.credit === false ? "DBIT" : "CRDT"}</CdtDbtInd>${
    entry.reversal ? "<RvslInd>true</RvslInd>" : ""
  }${status}<BookgDt><Dt>${date}</Dt></BookgDt><ValDt><Dt>${date}</Dt></ValDt>${entry.ref !== undefined ? `<AcctSvcrRef>${entry.ref}</AcctSvcrRef>` : ""}<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd><NtryDtls>${
    transactions.length > 1 ? `<Btch><NbOfTxs>${transactions.length}</NbOfTxs></Btch>` : ""
  }${transactions.map((tx) => camtTransaction(tx, version, currency, entry.credit === false ? "DBIT" : "CRDT")).join("")}</NtryDtls></Ntry>`;
}

export interface CamtOptions {
  kind?: "053" | "054";
  version?: number;
  iban?: string;
  currency?: string;
  messageId?: string;
  /** An element prefix (`ns2:`) on every element, as some banks write. */
  prefix?: string;
}

/** A camt.053 (default) or camt.054 document holding `entries`. */
export function camtFile(entries: readonly TestEntry[], options: CamtOptions = {}): string {
  const kind = options.kind ?? "053";
  const version = options.version ?? 2;
  const currency = options.currency ?? "EUR";
  const ns = `urn:iso:std:iso:20022:tech:xsd:camt.${kind}.001.${String(version).padStart(2, "0")}`;
  const [root, container] = kind === "053" ? ["BkToCstmrStmt", "Stmt"] : ["BkToCstmrDbtCdtNtfctn", "Ntfctn"];
  const body = `<${root}><GrpHdr><MsgId>${options.messageId ?? "MSG-2026-11-20"}</MsgId><CreDtTm>2026-11-20T18:00:00</CreDtTm></GrpHdr><${container}><Id>STMT-1</Id><CreDtTm>2026-11-20T18:00:00</CreDtTm><FrToDt><FrDtTm>2026-11-01T00:00:00</FrDtTm><ToDtTm>2026-11-20T23:59:59</ToDtTm></FrToDt><Acct><Id><IBAN>${
    options.iban ?? "FR7630006000011234567890189"
  }</IBAN></Id><Ccy>${currency}</Ccy></Acct>${entries.map((entry) => camtEntry(entry, version, currency)).join("\n")}</${container}></${root}>`;
  const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="${ns}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">${body}</Document>`;
  if (options.prefix === undefined) return xml;
  const prefix = options.prefix;
  return xml.replace(`xmlns="${ns}"`, `xmlns:${prefix.replace(":", "")}="${ns}"`).replace(/<(\/?)([A-Z][A-Za-z]*)([ >])/g, `<$1${prefix}$2$3`);
}

export interface OfxTransaction {
  type?: string;
  /** Signed decimal: "120.50" for a credit, "-12.00" for a debit; "120,50" as some banks write. */
  amount: string;
  date?: string;
  fitId: string;
  name?: string;
  memo?: string;
}

/** An OFX 1.x SGML file: leaf elements unclosed, all on one line when `oneLine` (as several banks export). */
export function ofxSgmlFile(transactions: readonly OfxTransaction[], options: { currency?: string; oneLine?: boolean; account?: string } = {}): string {
  const nl = options.oneLine ? "" : "\n";
  const trn = (t: OfxTransaction) =>
    [`<STMTTRN>`, `<TRNTYPE>${t.type ?? (t.amount.startsWith("-") ? "DEBIT" : "CREDIT")}`, `<DTPOSTED>${t.date ?? "20261120120000.000[+1:CET]"}`, `<TRNAMT>${t.amount}`, `<FITID>${t.fitId}`,
      ...(t.name !== undefined ? [`<NAME>${t.name}`] : []), ...(t.memo !== undefined ? [`<MEMO>${t.memo}`] : []), `</STMTTRN>`].join(nl);
  const header = ["OFXHEADER:100", "DATA:OFXSGML", "VERSION:102", "SECURITY:NONE", "ENCODING:USASCII", "CHARSET:1252", "COMPRESSION:NONE", "OLDFILEUID:NONE", "NEWFILEUID:NONE", "", ""].join("\n");
  const body = [
    "<OFX>", "<SIGNONMSGSRSV1><SONRS><STATUS><CODE>0<SEVERITY>INFO</STATUS><DTSERVER>20261120180000<LANGUAGE>FRA</SONRS></SIGNONMSGSRSV1>",
    "<BANKMSGSRSV1>", "<STMTTRNRS>", "<TRNUID>1", "<STATUS><CODE>0<SEVERITY>INFO</STATUS>", "<STMTRS>", `<CURDEF>${options.currency ?? "EUR"}`,
    "<BANKACCTFROM>", "<BANKID>30006", "<BRANCHID>00001", `<ACCTID>${options.account ?? "12345678901"}`, "<ACCTTYPE>CHECKING", "</BANKACCTFROM>",
    "<BANKTRANLIST>", "<DTSTART>20261101", "<DTEND>20261120", ...transactions.map(trn), "</BANKTRANLIST>",
    "<LEDGERBAL><BALAMT>1000.00<DTASOF>20261120</LEDGERBAL>", "</STMTRS>", "</STMTTRNRS>", "</BANKMSGSRSV1>", "</OFX>",
  ].join(nl);
  return header + body;
}

/** An OFX 2.x XML file. */
export function ofxXmlFile(transactions: readonly OfxTransaction[], options: { currency?: string; account?: string } = {}): string {
  const trn = (t: OfxTransaction) =>
    `<STMTTRN><TRNTYPE>${t.type ?? (t.amount.startsWith("-") ? "DEBIT" : "CREDIT")}</TRNTYPE><DTPOSTED>${t.date ?? "20261120"}</DTPOSTED><TRNAMT>${t.amount}</TRNAMT><FITID>${t.fitId}</FITID>${
      t.name !== undefined ? `<NAME>${escapeXml(t.name)}</NAME>` : ""
    }${t.memo !== undefined ? `<MEMO>${escapeXml(t.memo)}</MEMO>` : ""}</STMTTRN>`;
  return `<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<?OFX OFXHEADER="200" VERSION="220" SECURITY="NONE" OLDFILEUID="NONE" NEWFILEUID="NONE"?>
<OFX><SIGNONMSGSRSV1><SONRS><STATUS><CODE>0</CODE><SEVERITY>INFO</SEVERITY></STATUS><DTSERVER>20261120180000</DTSERVER><LANGUAGE>ENG</LANGUAGE></SONRS></SIGNONMSGSRSV1>
<BANKMSGSRSV1><STMTTRNRS><TRNUID>1</TRNUID><STATUS><CODE>0</CODE><SEVERITY>INFO</SEVERITY></STATUS><STMTRS><CURDEF>${options.currency ?? "EUR"}</CURDEF>
<BANKACCTFROM><BANKID>30006</BANKID><ACCTID>${options.account ?? "12345678901"}</ACCTID><ACCTTYPE>CHECKING</ACCTTYPE></BANKACCTFROM>
<BANKTRANLIST><DTSTART>20261101</DTSTART><DTEND>20261120</DTEND>${transactions.map(trn).join("\n")}</BANKTRANLIST>
<LEDGERBAL><BALAMT>1000.00</BALAMT><DTASOF>20261120</DTASOF></LEDGERBAL></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>`;
}
