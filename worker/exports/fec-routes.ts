import { createRoute, z } from "@hono/zod-openapi";
import type { TypedResponse } from "hono";
import { FecQuery } from "../../shared/schemas/fec";
import { requireSecretKey } from "../auth/middleware";
import { getSettings } from "../db/settings";
import { ApiError } from "../errors";
import { createRouter, problemResponses, secretKeySecurity } from "../lib/router";
import { backgroundOf, ledgerCatchingUpResponses, requireCurrentLedger } from "../ledger/current";
import { fecFileName, fecHeader, fecRecords, type JournalCounters } from "./fec";
import { currenciesWithoutRate, fecPage, letteringOf } from "./fec-queries";
import { encodeLatin9 } from "./latin9";

/** Entries read from D1 per page of the stream: the whole year never sits in memory. */
const ENTRIES_PER_PAGE = 500;

const fecRoutes = createRouter();

fecRoutes.openapi(
  createRoute({
    method: "get", path: "/fec.txt", tags: ["Exports"], security: secretKeySecurity,
    summary: "The Fichier des Écritures Comptables of a year (article A47 A-1 LPF), streamed; a read-only key is enough",
    middleware: [requireSecretKey("read")] as const,
    request: { query: FecQuery },
    responses: {
      200: {
        description: "18 tab-separated fields per record, a header record, dates AAAAMMJJ, amounts in euros with a decimal comma; `Content-Disposition` names the file `<SIREN>FEC<AAAAMMJJ>.txt`.",
        content: { "text/plain": { schema: z.string() } },
        headers: { "Content-Disposition": { description: "`attachment; filename=\"123456789FEC20261231.txt\"`", schema: { type: "string" } } },
      },
      ...problemResponses,
      ...ledgerCatchingUpResponses,
    },
  }),
  async (c) => {
    const { merchantId } = c.get("caller");
    const { year, encoding } = c.req.valid("query");
    const db = c.env.DB;
    const { settings } = await getSettings(db, merchantId);
    const siren = settings.seller.siren;
    if (siren === undefined) {
      throw new ApiError("accounting_settings_incomplete", "The FEC is named after your SIREN: set seller.siren in PUT /v1/settings first.", "seller.siren");
    }
    await requireCurrentLedger(c.env, merchantId, backgroundOf(c));
    const range = { from: `${year}-01-01`, to: `${year}-12-31` };
    const missing = (await currenciesWithoutRate(db, merchantId, range)).find((currency) => settings.accounting.exchange_rates[currency] === undefined);
    if (missing !== undefined) {
      throw new ApiError("accounting_settings_incomplete", `Lines in ${missing.toUpperCase()} need a book rate to be converted to euros: set accounting.exchange_rates.${missing}.`, `accounting.exchange_rates.${missing}`);
    }
    const encoder = new TextEncoder();
    const encode = (text: string) => (encoding === "latin9" ? encodeLatin9(text) : encoder.encode(text));
    const counters: JournalCounters = {};
    let afterSeq = 0;
    let headerSent = false;
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (!headerSent) {
          headerSent = true;
          controller.enqueue(encode(fecHeader()));
          return;
        }
        const lines = await fecPage(db, merchantId, range, afterSeq, ENTRIES_PER_PAGE);
        if (lines.length === 0) {
          controller.close();
          return;
        }
        const invoices = [...new Set(lines.flatMap((line) => (line.role === "receivable" && line.invoice_id !== null ? [line.invoice_id] : [])))];
        const lettering = await letteringOf(db, merchantId, invoices, range.to);
        controller.enqueue(encode(fecRecords(lines, { accounting: settings.accounting, lettering, counters })));
        afterSeq = lines[lines.length - 1]!.seq;
      },
    }, { highWaterMark: 0 });
    const response = new Response(body, {
      status: 200,
      headers: {
        "content-type": `text/plain; charset=${encoding === "latin9" ? "iso-8859-15" : "utf-8"}`,
        "content-disposition": `attachment; filename="${fecFileName(siren, year)}"`,
        "cache-control": "no-store",
      },
    });
    // The body is text, streamed: hono types a text/plain response as a string body.
    return response as unknown as TypedResponse<string, 200, "text">;
  },
);

export { fecRoutes };
