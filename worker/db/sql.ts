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

/**
 * The day a payment's money came: the day it was received (offline payments), else the day it was
 * recorded. Index `payments_by_received` (migration 0011) is on this expression; SQLite matches it
 * whatever the table's alias.
 * @example `WHERE ${paymentDaySql("p")} BETWEEN ? AND ?`
 */
export function paymentDaySql(alias?: string): string {
  const column = (name: string) => (alias === undefined ? name : `${alias}.${name}`);
  return `coalesce(${column("received_on")}, substr(${column("created_at")}, 1, 10))`;
}

/** `IN (…)` of the payment statuses whose money was received (refunded ones included: the refund is its own fact). */
export const RECEIVED_STATUSES_SQL = "('succeeded', 'partially_refunded', 'refunded')";
