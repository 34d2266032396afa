/**
 * A checker of a flat-file FEC written from the text of article A47 A-1 of the LPF (and BOI-CF-IOR-60-40-20):
 * records separated by carriage return and/or line feed, one unique field separator, the first
 * record naming the 18 fields in the order of the article, dates AAAAMMJJ, amounts in decimal,
 * entries balanced and numbered on a continuous sequence per journal, lettering balanced.
 */
export const ARTICLE_FIELDS = [
  "JournalCode", "JournalLib", "EcritureNum", "EcritureDate", "CompteNum", "CompteLib", "CompAuxNum", "CompAuxLib", "PieceRef",
  "PieceDate", "EcritureLib", "Debit", "Credit", "EcritureLet", "DateLet", "ValidDate", "Montantdevise", "Idevise",
];
/** Fields that may be empty: the auxiliary account, the lettering, and the foreign currency. */
const OPTIONAL = new Set(["CompAuxNum", "CompAuxLib", "EcritureLet", "DateLet", "Montantdevise", "Idevise"]);
const PAIRS = [["CompAuxNum", "CompAuxLib"], ["EcritureLet", "DateLet"], ["Montantdevise", "Idevise"]] as const;

export type FecRecord = Record<string, string>;

function validDate(value: string): boolean {
  if (!/^\d{8}$/.test(value)) return false;
  const date = new Date(Date.UTC(Number(value.slice(0, 4)), Number(value.slice(4, 6)) - 1, Number(value.slice(6, 8))));
  return date.toISOString().slice(0, 10).replaceAll("-", "") === value;
}
const cents = (value: string) => Math.round(Number(value.replace(",", ".")) * 100);

/** Every breach of the rules found (empty when the file holds), and the records. */
export function checkFec(text: string, year: number): { problems: string[]; records: FecRecord[] } {
  const problems: string[] = [];
  const rows = text.split(/\r\n|\r|\n/);
  if (rows.at(-1) === "") rows.pop();
  const header = rows.shift()?.split("\t") ?? [];
  if (JSON.stringify(header) !== JSON.stringify(ARTICLE_FIELDS)) problems.push(`header is ${JSON.stringify(header)}`);
  const records: FecRecord[] = [];
  rows.forEach((row, index) => {
    const fields = row.split("\t");
    if (fields.length !== 18) problems.push(`record ${index + 1} has ${fields.length} fields`);
    const record = Object.fromEntries(ARTICLE_FIELDS.map((name, at) => [name, fields[at] ?? ""]));
    records.push(record);
    for (const name of ARTICLE_FIELDS) if (!OPTIONAL.has(name) && record[name] === "") problems.push(`record ${index + 1}: ${name} is empty`);
    for (const [a, b] of PAIRS) if ((record[a] === "") !== (record[b] === "")) problems.push(`record ${index + 1}: ${a} and ${b} go together`);
    for (const name of ["EcritureDate", "PieceDate", "ValidDate"]) if (!validDate(record[name]!)) problems.push(`record ${index + 1}: ${name} ${record[name]} is not AAAAMMJJ`);
    if (record.DateLet !== "" && !validDate(record.DateLet!)) problems.push(`record ${index + 1}: DateLet ${record.DateLet}`);
    if (!record.EcritureDate!.startsWith(String(year))) problems.push(`record ${index + 1}: EcritureDate outside ${year}`);
    for (const name of ["Debit", "Credit"]) if (!/^\d+,\d{2}$/.test(record[name]!)) problems.push(`record ${index + 1}: ${name} ${record[name]} is not a decimal with a comma`);
    if (record.Montantdevise !== "" && !/^\d+(,\d+)?$/.test(record.Montantdevise!)) problems.push(`record ${index + 1}: Montantdevise ${record.Montantdevise}`);
  });
  // Each entry balanced; its records together; numbers continuous per journal from 1.
  const entries = new Map<string, { debit: number; credit: number; last: number }>();
  const lastNumber = new Map<string, number>();
  records.forEach((record, index) => {
    const key = `${record.JournalCode}#${record.EcritureNum}`;
    const entry = entries.get(key);
    if (entry === undefined) {
      const number = Number(record.EcritureNum);
      const expected = (lastNumber.get(record.JournalCode!) ?? 0) + 1;
      if (number !== expected) problems.push(`journal ${record.JournalCode}: entry ${record.EcritureNum} follows ${expected - 1}`);
      lastNumber.set(record.JournalCode!, number);
      entries.set(key, { debit: cents(record.Debit!), credit: cents(record.Credit!), last: index });
    } else {
      if (entry.last !== index - 1) problems.push(`entry ${key} is not contiguous`);
      entry.debit += cents(record.Debit!);
      entry.credit += cents(record.Credit!);
      entry.last = index;
    }
  });
  for (const [key, entry] of entries) if (entry.debit !== entry.credit) problems.push(`entry ${key} does not balance: ${entry.debit} ≠ ${entry.credit}`);
  // A lettering matches debits and credits of one account.
  const letters = new Map<string, number>();
  for (const record of records) {
    if (record.EcritureLet === "") continue;
    const key = `${record.CompteNum}/${record.CompAuxNum}/${record.EcritureLet}`;
    letters.set(key, (letters.get(key) ?? 0) + cents(record.Debit!) - cents(record.Credit!));
  }
  for (const [key, balance] of letters) if (balance !== 0) problems.push(`lettering ${key} leaves ${balance}`);
  return { problems, records };
}
