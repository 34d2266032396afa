import { parseStatement } from "../worker/bank-statements/parse";
import { camtFile, ofxSgmlFile, ofxXmlFile } from "../tests/support/statement-files";
const c = camtFile([{ amount: "1200.50", ref: "E1", structuredRef: "RF18539007547034", payerName: "Dupont & Fils", payerIban: "FR76 3000", unstructured: ["Facture F2026-000042", "merci"] },
  { amount: "30.00", credit: false, ref: "E2" }, { amount: "300.00", ref: "B1", transactions: [{ amount: "100.00", txRef: "T1", unstructured: "F1" }, { amount: "200.00", unstructured: "F2", endToEndId: "E2E-2" }] }], { version: 8, prefix: "ns2:" });
console.log(JSON.stringify(parseStatement(c), null, 0));
console.log(JSON.stringify(parseStatement(camtFile([{ amount: "5", ref: "X" }], { kind: "054", version: 13 })).lines));
console.log(JSON.stringify(parseStatement(ofxSgmlFile([{ amount: "1200,50", fitId: "F1", name: "DUPONT & FILS", memo: "Facture {F2026-000042}" }, { amount: "-30.00", fitId: "F2" }], { oneLine: true }))));
console.log(JSON.stringify(parseStatement(ofxXmlFile([{ amount: "99.90", fitId: "X1", name: "Martin & Co", memo: "RF18539007547034" }]))));
for (const bad of ["hello", "<foo/>", "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.02\"><BkToCstmrStmt><Stmt><Ntry><Amt>1</Amt></Ntry></Stmt>", "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"b\">]><x>&a;</x>", camtFile([{ amount: "1.005", ref: "x" }])]) {
  try { parseStatement(bad); console.log("NO ERROR"); } catch (e: any) { console.log(e.code, e.detail); }
}
