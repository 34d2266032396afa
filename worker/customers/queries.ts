/** Customers: rows, their API shape, the list, and a customer's credit per currency. */
import type { Customer } from "../../shared/schemas/customers";
import { cursorCondition } from "../lib/pagination";

export interface CustomerRow {
  id: string;
  merchant_id: string;
  name: string;
  email: string;
  locale: string | null;
  external_id: string | null;
  address: string | null;
  siren: string | null;
  vat_number: string | null;
  siret: string | null;
  /** JSON {scheme, id} (BT-49), or null for the default. */
  electronic_address: string | null;
  created_at: string;
}

export function serializeCustomer(row: CustomerRow): Customer {
  return {
    id: row.id,
    object: "customer",
    name: row.name,
    email: row.email,
    locale: row.locale,
    external_id: row.external_id,
    address: row.address === null ? null : (JSON.parse(row.address) as Customer["address"]),
    siren: row.siren,
    vat_number: row.vat_number,
    siret: row.siret ?? null,
    electronic_address: row.electronic_address ? (JSON.parse(row.electronic_address) as Customer["electronic_address"]) : null,
    created: row.created_at,
  };
}

/** One customer of a merchant, or null. */
export function findCustomer(db: D1Database, merchantId: string, customerId: string): Promise<CustomerRow | null> {
  return db.prepare("SELECT * FROM customers WHERE id = ? AND merchant_id = ?").bind(customerId, merchantId).first<CustomerRow>();
}

export function findCustomerByExternalId(db: D1Database, merchantId: string, externalId: string): Promise<CustomerRow | null> {
  return db.prepare("SELECT * FROM customers WHERE merchant_id = ? AND external_id = ?").bind(merchantId, externalId).first<CustomerRow>();
}

/** A page of a merchant's customers, newest first, optionally by email or external id, or `q` in the name or email (`limit + 1` rows). */
export async function listCustomers(
  db: D1Database,
  merchantId: string,
  query: { limit: number; starting_after?: string | undefined; email?: string | undefined; external_id?: string | undefined; q?: string | undefined },
): Promise<CustomerRow[]> {
  const filters: string[] = [];
  const params: string[] = [];
  if (query.email) (filters.push(" AND email = ?"), params.push(query.email));
  if (query.external_id) (filters.push(" AND external_id = ?"), params.push(query.external_id));
  if (query.q) {
    const like = `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    filters.push(" AND (name LIKE ? ESCAPE '\\' OR email LIKE ? ESCAPE '\\')");
    params.push(like, like);
  }
  const cursor = await cursorCondition(db, "customers", merchantId, query.starting_after);
  const { results } = await db
    .prepare(`SELECT * FROM customers WHERE merchant_id = ?${filters.join("")}${cursor.sql} ORDER BY created_at DESC, id DESC LIMIT ?`)
    .bind(merchantId, ...params, ...cursor.params, query.limit + 1)
    .all<CustomerRow>();
  return results;
}

/** The statement that inserts a customer. */
export function insertCustomer(db: D1Database, row: CustomerRow): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO customers (id, merchant_id, name, email, locale, external_id, address, siren, vat_number, siret, electronic_address, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .bind(row.id, row.merchant_id, row.name, row.email, row.locale, row.external_id, row.address, row.siren, row.vat_number, row.siret, row.electronic_address, row.created_at);
}

/** The statement that writes a customer's changeable fields back (POST /v1/customers/:id). */
export function updateCustomerStatement(db: D1Database, row: CustomerRow): D1PreparedStatement {
  return db
    .prepare("UPDATE customers SET name = ?, email = ?, locale = ?, address = ?, siren = ?, vat_number = ?, siret = ?, electronic_address = ? WHERE id = ? AND merchant_id = ?")
    .bind(row.name, row.email, row.locale, row.address, row.siren, row.vat_number, row.siret, row.electronic_address, row.id, row.merchant_id);
}

/** A customer's credit (money received but not applied to any invoice), per currency, positive only. */
export async function creditBalances(db: D1Database, customerId: string): Promise<{ currency: string; amount: number }[]> {
  const { results } = await db
    .prepare(
      `SELECT p.currency, sum(p.amount - p.amount_refunded
         - coalesce((SELECT sum(a.amount - a.amount_refunded) FROM allocations a WHERE a.payment_id = p.id AND a.applied = 1), 0)) AS credit
       FROM payments p WHERE p.customer_id = ? AND p.status IN ('succeeded', 'partially_refunded', 'refunded')
       GROUP BY p.currency HAVING credit > 0 ORDER BY p.currency`,
    )
    .bind(customerId)
    .all<{ currency: string; credit: number }>();
  return results.map((entry) => ({ currency: entry.currency, amount: entry.credit }));
}
