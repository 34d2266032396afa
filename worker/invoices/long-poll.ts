/**
 * The light status with ETags and long-polling. The ETag covers everything the body shows: the
 * invoice's version (bumped by every change) and the days overdue (which move with the clock).
 * `?wait=N` holds the request until the version differs from the one the client knows (given by
 * `?version=`, or the version in `If-None-Match`, or the current one), at most N seconds. The wait
 * sleeps in the merchant's hub, which wakes it when an event of the invoice is committed: no
 * polling of D1 in a loop.
 */
import type { InvoiceStatusBody } from "../../shared/schemas/invoices";
import { utcDay } from "../../shared/status";
import { notFound } from "../errors";
import { waitForInvoiceEvent } from "../realtime/open";
import { findInvoiceStatus, statusOf } from "./queries";

export function etagOf(status: InvoiceStatusBody): string {
  return `"v${status.version}-d${status.days_overdue}"`;
}

/** The version inside one of our ETags, if the header holds one. */
function versionInEtag(header: string | undefined): number | undefined {
  const match = header === undefined ? null : /"v(\d+)-d\d+"/.exec(header);
  return match ? Number(match[1]) : undefined;
}

function matches(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  return header.split(",").some((candidate) => candidate.trim().replace(/^W\//, "") === etag || candidate.trim() === "*");
}

async function readStatus(db: D1Database, merchantId: string, invoiceId: string, withEventSeq: boolean): Promise<{ status: InvoiceStatusBody; lastEventSeq: number }> {
  const row = await findInvoiceStatus(db, merchantId, invoiceId, withEventSeq);
  if (row === null) throw notFound("invoice", invoiceId);
  return { status: statusOf(row, utcDay(new Date())), lastEventSeq: row.last_event_seq };
}

export async function waitForStatus(
  env: Env,
  merchantId: string,
  invoiceId: string,
  options: { waitSeconds: number; knownVersion: number | undefined; ifNoneMatch: string | undefined; signal: AbortSignal },
): Promise<{ status: InvoiceStatusBody; etag: string; notModified: boolean }> {
  let { status, lastEventSeq } = await readStatus(env.DB, merchantId, invoiceId, options.waitSeconds > 0);
  const known = options.knownVersion ?? versionInEtag(options.ifNoneMatch) ?? status.version;
  const deadline = Date.now() + options.waitSeconds * 1000;
  while (status.version === known && Date.now() < deadline && !options.signal.aborted) {
    const changed = await waitForInvoiceEvent(env, merchantId, invoiceId, lastEventSeq, deadline - Date.now());
    // Read again even on a timeout: a change without an event of its own must not be answered stale.
    ({ status, lastEventSeq } = await readStatus(env.DB, merchantId, invoiceId, true));
    if (!changed) break;
  }
  const etag = etagOf(status);
  return { status, etag, notModified: matches(options.ifNoneMatch, etag) };
}
