/**
 * The light status with ETags and long-polling. The ETag covers everything the body shows: the
 * invoice's version (bumped by every change) and the days overdue (which move with the clock).
 * `?wait=N` holds the request until the version differs from the one the client knows (given by
 * `?version=`, or the version in `If-None-Match`, or the current one), at most N seconds.
 */
import type { InvoiceStatusBody } from "../../shared/schemas/invoices";
import { utcDay } from "../../shared/status";
import { notFound } from "../errors";
import { findInvoice, statusOf } from "./queries";

const POLL_INTERVAL_MS = 200;

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

async function readStatus(db: D1Database, merchantId: string, invoiceId: string): Promise<InvoiceStatusBody> {
  const row = await findInvoice(db, merchantId, invoiceId);
  if (row === null) throw notFound("invoice", invoiceId);
  return statusOf(row, utcDay(new Date()));
}

export async function waitForStatus(
  db: D1Database,
  merchantId: string,
  invoiceId: string,
  options: { waitSeconds: number; knownVersion: number | undefined; ifNoneMatch: string | undefined; signal: AbortSignal },
): Promise<{ status: InvoiceStatusBody; etag: string; notModified: boolean }> {
  let status = await readStatus(db, merchantId, invoiceId);
  const known = options.knownVersion ?? versionInEtag(options.ifNoneMatch) ?? status.version;
  const deadline = Date.now() + options.waitSeconds * 1000;
  while (status.version === known && Date.now() < deadline && !options.signal.aborted) {
    await new Promise((resolve) => setTimeout(resolve, Math.min(POLL_INTERVAL_MS, deadline - Date.now())));
    status = await readStatus(db, merchantId, invoiceId);
  }
  const etag = etagOf(status);
  return { status, etag, notModified: matches(options.ifNoneMatch, etag) };
}
