/** SQL fragments for rules defined in `shared/`, so a query and the code agree on them. */
import { PAYABLE_STATUSES } from "../../shared/status";

/**
 * `status IN ('open', 'partially_paid')`: the invoice can still receive money (see `isPayable`).
 * @example `SELECT … FROM invoices i WHERE ${payableSql("i.status")}`
 */
export function payableSql(column = "status"): string {
  return `${column} IN (${PAYABLE_STATUSES.map((status) => `'${status}'`).join(", ")})`;
}

/**
 * `(total - amount_paid - amount_credited)`: what is still to pay on an invoice (see `amountDue`).
 * @example `SELECT … FROM invoices i WHERE ${amountDueSql("i.")} > 0`
 */
export function amountDueSql(prefix = ""): string {
  return `(${prefix}total - ${prefix}amount_paid - ${prefix}amount_credited)`;
}
