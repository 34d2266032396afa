/**
 * npm run audit:verify -- --merchant mer_… [--remote]
 *
 * Recomputes a merchant's event hash chain from the database (local D1 by default) with the same
 * code the Worker uses, and names the first broken link. Exit code 0 when the chain holds, 1 when
 * it does not.
 */
import { parseArgs } from "node:util";
import { verifyRows, GENESIS_HASH } from "../events/chain";
import type { EventRow } from "../events/log";
import { queryRows, sqlLiteral, type D1Target } from "./d1";

const PAGE = 2000;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { merchant: { type: "string" }, remote: { type: "boolean", default: false } } });
  if (!values.merchant) throw new Error("usage: npm run audit:verify -- --merchant mer_… [--remote]");
  const target: D1Target = { remote: values.remote };
  let state = { previousHash: GENESIS_HASH, checked: 0, unsealed: 0 };
  let afterSeq = 0;
  for (;;) {
    const rows = queryRows<EventRow>(
      `SELECT * FROM events WHERE merchant_id = ${sqlLiteral(values.merchant)} AND seq > ${afterSeq} ORDER BY seq LIMIT ${PAGE}`,
      target,
    );
    const outcome = await verifyRows(rows, state);
    if (!outcome.report.ok) {
      const broken = outcome.report.first_broken!;
      console.log(`BROKEN at event ${broken.event} (seq ${broken.event_seq}): ${broken.reason}; ${outcome.report.events_checked} events verified before it.`);
      process.exit(1);
    }
    state = outcome.state;
    if (rows.length < PAGE) break;
    afterSeq = rows[rows.length - 1]!.seq;
  }
  console.log(`OK: ${state.checked} events verified for ${values.merchant}${state.unsealed ? `, ${state.unsealed} recent ones not sealed yet` : ""}.`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
