/** Customers' balances per currency, read from the ageing report (the ledger's figures), for the customer pages. */
import { html, nothing } from "lit";
import type { AgingReportBody } from "../../../shared/schemas/aging";
import { api } from "../api";
import { money } from "../i18n";

/** One customer's figures in one currency, minor units. */
export interface Balance { currency: string; total: number; overdue: number; credit: number }

/**
 * Each customer's balances per currency from the ageing report narrowed to them (overdue = every
 * bucket past `current`).
 * @example const balances = await balancesOf(["cus_1"]); balances.get("cus_1")?.[0]?.overdue
 */
export async function balancesOf(ids: string[]): Promise<Map<string, Balance[]>> {
  const balances = new Map<string, Balance[]>();
  if (ids.length === 0) return balances;
  const report = await api<AgingReportBody>("/v1/reports/aging", { query: { by: "customer", customer: ids.join(","), limit: 100 } });
  for (const row of report.customers) {
    const list = balances.get(row.customer) ?? [];
    list.push({ currency: row.currency, total: row.total, overdue: row.total - (row.buckets.current ?? 0), credit: row.unallocated_credit });
    balances.set(row.customer, list);
  }
  return balances;
}

/** Amounts of one kind, one line per currency ("—" when none). */
export function amounts(balances: Balance[] | undefined, pick: (b: Balance) => number): unknown {
  const shown = (balances ?? []).filter((b) => pick(b) !== 0);
  return shown.length ? shown.map((b, i) => html`${i ? html`<br />` : nothing}<span data-currency=${b.currency}>${money(pick(b), b.currency)}</span>`) : "—";
}

