/**
 * OFX bank statements, 1.x (SGML: leaf elements left unclosed, often all on one line) and 2.x
 * (XML), read by one small tokenizer: tags and the text up to the next tag. Only what a statement
 * import needs is kept: per STMTRS/CCSTMTRS its currency (CURDEF) and account (BANKACCTFROM /
 * CCACCTFROM), per STMTTRN its TRNTYPE, DTPOSTED, DTUSER, TRNAMT, FITID, NAME (or PAYEE/NAME),
 * MEMO and CURRENCY/CURSYM. No entity is ever expanded beyond the five XML ones and numeric
 * references.
 *
 * Why not ofx-data-extractor (installed): it turns OFX into JSON by rewriting the text, and on the
 * files banks write it fails or corrupts data: a one-line SGML aggregate (`<STATUS><CODE>0
 * <SEVERITY>INFO</STATUS>`, in nearly every file) makes it throw, braces in a memo are dropped
 * (`{x}` → `x}`), and `&amp;` comes back undecoded from OFX 2.x.
 */
import { cleanText, checkLineCount, knownCurrency, malformed, toMinorUnits, type ParsedLine, type ParsedStatement } from "./statement";

const TOKEN = /<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<(\/?)([A-Za-z][A-Za-z0-9._]*)\s*>/g;

function decodeEntities(value: string): string {
  return value.replace(/&(amp|lt|gt|quot|apos|#\d{1,7}|#x[0-9a-fA-F]{1,6});/g, (entity, name: string) => {
    if (name === "amp") return "&";
    if (name === "lt") return "<";
    if (name === "gt") return ">";
    if (name === "quot") return '"';
    if (name === "apos") return "'";
    const code = name.startsWith("#x") ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
    return code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff) ? String.fromCodePoint(code) : entity;
  });
}

/** `20261120120000.000[+1:CET]` → `2026-11-20`. */
function ofxDay(value: string | undefined, where: string): string | null {
  if (value === undefined || value === "") return null;
  const match = /^(\d{4})(\d{2})(\d{2})/.exec(value);
  if (!match) throw malformed(`${where}: '${value.slice(0, 30)}' is not an OFX date (YYYYMMDD…).`);
  return `${match[1]}-${match[2]}-${match[3]}`;
}

interface Transaction {
  fields: Map<string, string>;
  aggregates: string[];
}

/** Parses an OFX 1.x or 2.x file (detected beforehand). */
export function parseOfx(content: string): ParsedStatement {
  if (/<!DOCTYPE|<!ENTITY/i.test(content)) throw malformed("DTDs and entity declarations are not accepted in a statement.");
  const start = content.search(/<OFX>/i);
  if (start < 0) throw malformed("The OFX file has no <OFX> element.");
  if (!/<\/OFX>\s*$/i.test(content)) throw malformed("The OFX file does not end with </OFX> (a truncated file?).");
  let currency = "";
  let bankId = "";
  let accountId = "";
  let firstAccount: string | null = null;
  let trnuid: string | null = null;
  let periodStart: string | null = null;
  let periodEnd: string | null = null;
  let inAccount = false;
  let current: Transaction | null = null;
  const lines: ParsedLine[] = [];
  const finish = (tx: Transaction) => {
    const where = `STMTTRN[${lines.length + 1}]`;
    const field = (name: string) => tx.fields.get(name);
    const amountText = field("TRNAMT");
    if (amountText === undefined || amountText === "") throw malformed(`${where}/TRNAMT is missing.`);
    const sign = /^[-+]/.exec(amountText)?.[0];
    const code = field("CURRENCY/CURSYM") ?? field("ORIGCURRENCY/CURSYM") ?? currency;
    if (code === "") throw malformed(`${where}: no currency (CURDEF) is given for the statement.`);
    const known = knownCurrency(code);
    const amount = known === null ? 0 : toMinorUnits(sign ? amountText.slice(1) : amountText, known, `${where}/TRNAMT`);
    const direction = sign === "-" ? "debit" : "credit";
    const account = bankId !== "" ? `${bankId}/${accountId}` : accountId || "unknown";
    checkLineCount(lines.length + 1);
    lines.push({
      account,
      direction,
      amount,
      currency: known ?? code.toLowerCase(),
      bookingDate: ofxDay(field("DTPOSTED"), `${where}/DTPOSTED`),
      valueDate: ofxDay(field("DTUSER") ?? field("DTAVAIL"), `${where}/DTUSER`),
      entryRef: (field("FITID") ?? "").slice(0, 140),
      structuredRef: null,
      remittance: cleanText([field("MEMO"), field("REFNUM"), field("CHECKNUM")].filter(Boolean).join(" ")),
      payerName: cleanText(field("NAME") ?? field("PAYEE/NAME"), 140),
      payerIban: null,
      ignoredReason: direction === "debit" ? "debit" : known === null ? "amount not in a supported currency" : amount === 0 ? "zero amount" : null,
    });
  };

  TOKEN.lastIndex = start;
  let pendingLeaf: string | null = null;
  let textStart = start;
  for (let match = TOKEN.exec(content); match !== null; match = TOKEN.exec(content)) {
    const between = decodeEntities(content.slice(textStart, match.index)).trim();
    textStart = TOKEN.lastIndex;
    if (pendingLeaf !== null && between !== "") {
      const leaf = pendingLeaf;
      if (current !== null) current.fields.set(current.aggregates.length > 0 ? `${current.aggregates.at(-1)}/${leaf}` : leaf, between);
      else if (leaf === "CURDEF") currency = between;
      else if (inAccount && leaf === "BANKID") bankId = between;
      else if (inAccount && leaf === "ACCTID") accountId = between;
      else if (leaf === "TRNUID") trnuid ??= between;
      else if (leaf === "DTSTART") periodStart ??= ofxDay(between, "BANKTRANLIST/DTSTART");
      else if (leaf === "DTEND") periodEnd = ofxDay(between, "BANKTRANLIST/DTEND");
    }
    pendingLeaf = null;
    if (match[2] === undefined) continue; // a comment or processing instruction
    const closing = match[1] === "/";
    const name = match[2].toUpperCase();
    if (name === "STMTTRN") {
      if (!closing && current !== null) throw malformed(`STMTTRN[${lines.length + 1}] is not closed before the next one starts.`);
      if (closing) {
        if (current === null) throw malformed(`A </STMTTRN> closes no transaction (after STMTTRN[${lines.length}]).`);
        finish(current);
        current = null;
      } else current = { fields: new Map(), aggregates: [] };
      continue;
    }
    if (name === "BANKACCTFROM" || name === "CCACCTFROM") {
      inAccount = !closing;
      if (!closing) (bankId = ""), (accountId = "");
      else firstAccount ??= bankId !== "" ? `${bankId}/${accountId}` : accountId;
      continue;
    }
    if (current !== null && (name === "PAYEE" || name === "CURRENCY" || name === "ORIGCURRENCY" || name === "BANKACCTTO" || name === "CCACCTTO")) {
      if (closing) current.aggregates.pop();
      else current.aggregates.push(name);
      continue;
    }
    if (!closing) pendingLeaf = name;
  }
  if (current !== null) throw malformed(`STMTTRN[${lines.length + 1}] is not closed.`);
  return { format: "ofx", messageId: trnuid, account: firstAccount ?? "unknown", periodStart, periodEnd, lines };
}
