/**
 * ISO 20022 camt.053 (BkToCstmrStmt/Stmt/Ntry) and camt.054 (BkToCstmrDbtCdtNtfctn/Ntfctn/Ntry),
 * versions 001.02 to 001.13, read with fast-xml-parser. The document is checked well-formed, then
 * parsed with every `Ntry` kept as raw text (a stop node) and each entry parsed on its own: the
 * tree of one entry at a time is all the memory a 10 MB file costs beyond its text. DTDs are
 * refused before anything is parsed, so no entity can expand.
 *
 * Paths read per entry: Amt/@Ccy, CdtDbtInd, RvslInd, Sts (or Sts/Cd from 001.08), BookgDt and
 * ValDt (Dt or DtTm), AcctSvcrRef, NtryRef; per NtryDtls/TxDtls: Refs (AcctSvcrRef, TxId,
 * EndToEndId, InstrId), Amt (001.04+) or AmtDtls/TxAmt/Amt, RltdPties/Dbtr/Nm (Dbtr/Pty/Nm from
 * 001.08), RltdPties/DbtrAcct/Id/IBAN, RmtInf/Ustrd, RmtInf/Strd/CdtrRefInf/Ref.
 */
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { checkLineCount, cleanText, isoDay, knownCurrency, malformed, toMinorUnits, type ParsedLine, type ParsedStatement } from "./statement";

type Node = Record<string, unknown>;

const COMMON = { removeNSPrefix: true, ignoreAttributes: false, attributeNamePrefix: "@", parseTagValue: false, parseAttributeValue: false, trimValues: true, htmlEntities: false } as const;

/** The document with each entry left as raw XML. */
const documentParser = () => new XMLParser({ ...COMMON, stopNodes: ["*.Ntry"], isArray: (name) => name === "Ntry" || name === "Stmt" || name === "Ntfctn" });
const entryParser = () => new XMLParser({ ...COMMON, isArray: (name) => ["NtryDtls", "TxDtls", "Ustrd", "Strd"].includes(name) });

const asNode = (value: unknown): Node => (typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Node) : {});
const asArray = (value: unknown): unknown[] => (value === undefined || value === null ? [] : Array.isArray(value) ? value : [value]);
const text = (value: unknown): string | null => {
  if (typeof value === "string") return value.trim() === "" ? null : value.trim();
  if (typeof value === "object" && value !== null && "#text" in value) return text((value as Node)["#text"]);
  return null;
};
const at = (node: unknown, ...path: string[]): unknown => path.reduce<unknown>((current, key) => asNode(current)[key], node);

/** A reference as banks fill it, null when the field is a placeholder. */
function reference(value: unknown): string | null {
  const ref = text(value);
  return ref === null || /^NOTPROVIDED$/i.test(ref) || /^NONREF$/i.test(ref) ? null : ref.slice(0, 140);
}

function accountOf(container: Node): string {
  const id = asNode(at(container, "Acct", "Id"));
  return text(id["IBAN"])?.replace(/\s+/g, "").toUpperCase() ?? text(at(id, "Othr", "Id")) ?? "unknown";
}

function parseAmount(amountNode: unknown, where: string): { amount: number; currency: string } {
  const raw = text(amountNode);
  const code = text(asNode(amountNode)["@Ccy"]);
  if (raw === null) throw malformed(`${where}/Amt is missing.`);
  if (code === null) throw malformed(`${where}/Amt has no Ccy attribute.`);
  const currency = knownCurrency(code);
  if (currency === null) return { amount: 0, currency: code.toLowerCase() };
  return { amount: toMinorUnits(raw, currency, `${where}/Amt`), currency };
}

function statusOf(entry: Node): string {
  const status = entry["Sts"];
  return (text(status) ?? text(asNode(status)["Cd"]) ?? text(asNode(status)["Prtry"]) ?? "BOOK").toUpperCase();
}

/** The lines of one entry: one per TxDtls (a batch booking), or one for an entry without details. */
function entryLines(entry: Node, where: string, account: string): ParsedLine[] {
  const entryAmount = parseAmount(entry["Amt"], where);
  const direction = text(entry["CdtDbtInd"]) === "DBIT" ? "debit" : text(entry["CdtDbtInd"]) === "CRDT" ? "credit" : null;
  if (direction === null) throw malformed(`${where}/CdtDbtInd must be CRDT or DBIT.`);
  const status = statusOf(entry);
  const reversal = text(entry["RvslInd"]) === "true";
  const bookingDate = isoDay(text(at(entry, "BookgDt", "Dt")) ?? text(at(entry, "BookgDt", "DtTm")));
  const valueDate = isoDay(text(at(entry, "ValDt", "Dt")) ?? text(at(entry, "ValDt", "DtTm")));
  const entryRef = reference(entry["AcctSvcrRef"]) ?? reference(entry["NtryRef"]);
  const transactions = asArray(entry["NtryDtls"]).flatMap((details) => asArray(asNode(details)["TxDtls"])).map(asNode);
  const ignoredReason =
    direction === "debit" ? "debit" : reversal ? "reversal" : status !== "BOOK" ? `status ${status} (not booked)` : entryAmount.amount === 0 ? "amount not in a supported currency" : null;
  const base = { bookingDate, valueDate, account };
  if (transactions.length === 0) {
    return [{ ...base, direction, ...entryAmount, entryRef: entryRef ?? "", structuredRef: null, remittance: cleanText(text(entry["AddtlNtryInf"])), payerName: null, payerIban: null, ignoredReason }];
  }
  return transactions.map((tx, index) => {
    const txWhere = `${where}/NtryDtls/TxDtls[${index + 1}]`;
    const ownAmount = tx["Amt"] ?? at(tx, "AmtDtls", "TxAmt", "Amt");
    if (transactions.length > 1 && ownAmount === undefined) throw malformed(`${txWhere}: a batch entry's transactions each need an amount (Amt or AmtDtls/TxAmt/Amt).`);
    const amount = transactions.length > 1 ? parseAmount(ownAmount, txWhere) : entryAmount;
    const txDirection = text(tx["CdtDbtInd"]) === "DBIT" ? "debit" : text(tx["CdtDbtInd"]) === "CRDT" ? "credit" : direction;
    const refs = asNode(tx["Refs"]);
    const txRef = reference(refs["AcctSvcrRef"]) ?? reference(refs["TxId"]) ?? reference(refs["EndToEndId"]) ?? reference(refs["InstrId"]) ?? reference(refs["UETR"]);
    const ref = transactions.length === 1 ? (entryRef ?? txRef ?? "") : txRef !== null ? (entryRef !== null ? `${entryRef}/${txRef}` : txRef) : entryRef !== null ? `${entryRef}#${index + 1}` : "";
    const remittance = asNode(tx["RmtInf"]);
    const structured = asArray(remittance["Strd"]).map((strd) => text(at(strd, "CdtrRefInf", "Ref"))).filter((ref): ref is string => ref !== null);
    const unstructured = asArray(remittance["Ustrd"]).map(text).filter((line): line is string => line !== null);
    const debtor = asNode(at(tx, "RltdPties", "Dbtr"));
    const ignored = ignoredReason ?? (txDirection === "debit" ? "debit" : amount.amount === 0 ? "amount not in a supported currency" : null);
    return {
      ...base,
      direction: txDirection,
      ...amount,
      entryRef: ref,
      structuredRef: structured[0]?.slice(0, 140) ?? null,
      remittance: cleanText([...unstructured, ...structured.slice(1), text(tx["AddtlTxInf"]) ?? ""].join(" ")),
      payerName: cleanText(text(debtor["Nm"]) ?? text(at(debtor, "Pty", "Nm")) ?? text(at(tx, "RltdPties", "UltmtDbtr", "Nm")), 140),
      payerIban: text(at(tx, "RltdPties", "DbtrAcct", "Id", "IBAN"))?.replace(/\s+/g, "").toUpperCase() ?? null,
      ignoredReason: ignored,
    };
  });
}

/** Parses a camt.053 or camt.054 document (the kind detected beforehand). */
export function parseCamt(xml: string, kind: "camt.053" | "camt.054"): ParsedStatement {
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw malformed("DTDs and entity declarations are not accepted in a statement (camt files have none).");
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    const unclosed = /^Invalid '\[([^\]]*)\]' found/.exec(valid.err.msg);
    const why = unclosed ? `elements left unclosed: ${unclosed[1]!.replace(/[\s"]+/g, "").split(",").join(" > ")}` : valid.err.msg;
    throw malformed(`The XML is not well-formed: ${why} (line ${valid.err.line}, column ${valid.err.col}).`);
  }
  const document = asNode(asNode(documentParser().parse(xml))["Document"]);
  const [rootName, containerName] = kind === "camt.053" ? ["BkToCstmrStmt", "Stmt"] : ["BkToCstmrDbtCdtNtfctn", "Ntfctn"];
  const root = asNode(document[rootName]);
  if (Object.keys(root).length === 0) throw malformed(`Document/${rootName} is missing.`);
  const containers = asArray(root[containerName]).map(asNode);
  if (containers.length === 0) throw malformed(`Document/${rootName}/${containerName} is missing.`);
  const entryCount = containers.reduce((sum, container) => sum + asArray(container["Ntry"]).length, 0);
  checkLineCount(entryCount);
  const parser = entryParser();
  const lines: ParsedLine[] = [];
  containers.forEach((container, containerIndex) => {
    const account = accountOf(container);
    asArray(container["Ntry"]).forEach((raw, entryIndex) => {
      const where = `${containerName}[${containerIndex + 1}]/Ntry[${entryIndex + 1}]`;
      const entry = asNode(asNode(parser.parse(`<Ntry>${typeof raw === "string" ? raw : ""}</Ntry>`))["Ntry"]);
      lines.push(...entryLines(entry, where, account));
    });
  });
  checkLineCount(lines.length);
  const first = containers[0]!;
  return {
    format: kind,
    messageId: text(at(root, "GrpHdr", "MsgId")),
    account: accountOf(first),
    periodStart: isoDay(text(at(first, "FrToDt", "FrDtTm"))),
    periodEnd: isoDay(text(at(first, "FrToDt", "ToDtTm"))),
    lines,
  };
}
