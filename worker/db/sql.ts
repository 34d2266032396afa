/** SQL fragments for rules defined in `shared/`, so a query and the code agree on them. */
import { PAYABLE_STATUSES } from "../../shared/status";

/**
 * `status IN ('open', 'partially_paid')`: the invoice can still receive money (see `isPayable`).
 * @example `SELECT … FROM invoices i WHERE ${payableSql("i.status")}`
 */
export function payableSql(column = "status"): string {
  return `${column} IN (${PAYABLE_STATUSES.map((status) => `'${status}'`).join(", ")})`;
}
