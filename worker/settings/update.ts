/** Changing a merchant's settings: each top-level field given replaces the stored one. */
import { completeAccounting } from "../../shared/schemas/accounting";
import { isCurrency } from "../../shared/currencies";
import { DEFAULT_CREDIT_NOTE_FORMAT, type Settings, type SettingsUpdateInput } from "../../shared/schemas/settings";
import { creditNoteCounters, creditNoteNumbersLike } from "../credit-notes/queries";
import { getSettings, mergeSettings, saveSettingsStatements } from "../db/settings";
import { appendEvent, type LogMoved } from "../events/log";
import { ApiError } from "../errors";
import { numberCollision, numberGlob } from "../invoices/numbering";
import { numbersLike, seriesCounters } from "../invoices/queries";
import { sandboxAllowed } from "../providers";
import { offsetsOf, reschedulePolicyStatements } from "../reminders/schedule";

/**
 * Applies a settings update with its `settings.updated` event; a new reminder policy applies at
 * once to the steps not sent yet. An update that changes nothing records nothing (`moved` null).
 */
export async function updateSettings(
  env: Env,
  merchantId: string,
  update: SettingsUpdateInput,
  now: Date,
): Promise<{ settings: Settings; updatedAt: string | null; moved: LogMoved | null }> {
  const db = env.DB;
  const sandboxAt = update.payment_methods?.indexOf("sandbox") ?? -1;
  if (sandboxAt >= 0 && !sandboxAllowed(env)) {
    throw new ApiError("parameter_invalid", "The sandbox cannot be accepted in production.", `payment_methods[${sandboxAt}]`);
  }
  const current = await getSettings(db, merchantId);
  if (Object.values(update).every((value) => value === undefined)) return { ...current, moved: null };
  if (update.numbering !== undefined && update.numbering.format !== current.settings.numbering.format) {
    await refuseRepeatingFormat(db, merchantId, update.numbering.format, now);
  }
  const creditNoteFormat = update.numbering?.credit_note_format ?? DEFAULT_CREDIT_NOTE_FORMAT;
  if (update.numbering !== undefined && creditNoteFormat !== (current.settings.numbering.credit_note_format ?? DEFAULT_CREDIT_NOTE_FORMAT)) {
    await refuseRepeatingCreditNoteFormat(db, merchantId, creditNoteFormat, now);
  }
  for (const code of Object.keys(update.accounting?.exchange_rates ?? {})) {
    if (!isCurrency(code) || code === "eur") {
      throw new ApiError("parameter_invalid", `'${code}' is not a foreign currency Quittance knows (the FEC is kept in euros).`, `accounting.exchange_rates.${code}`);
    }
  }
  const { accounting, ...rest } = update;
  const next = mergeSettings(current.settings, { ...rest, ...(accounting ? { accounting: completeAccounting(accounting) } : {}) });
  await db.batch([
    ...saveSettingsStatements(db, merchantId, next, now),
    // A new policy applies to the steps not sent yet; sent ones stay as they were.
    ...(update.reminders ? reschedulePolicyStatements(db, merchantId, offsetsOf(next.reminders, null), now) : []),
    appendEvent(db, { merchantId, type: "settings.updated", data: { fields: Object.keys(update) }, now }),
  ]);
  return { settings: next, updatedAt: now.toISOString(), moved: { merchantId } };
}

/** The same for the credit notes' own series (settings.numbering.credit_note_format). */
async function refuseRepeatingCreditNoteFormat(db: D1Database, merchantId: string, format: string, now: Date): Promise<void> {
  const [candidates, counters] = await Promise.all([creditNoteNumbersLike(db, merchantId, numberGlob(format)), creditNoteCounters(db, merchantId)]);
  const taken = numberCollision(format, candidates, counters, now.toISOString().slice(0, 10));
  if (taken !== null) {
    throw new ApiError(
      "credit_note_number_taken",
      `The format '${format}' would number a new credit note ${taken}, a number an existing credit note already has; choose another (e.g. a new prefix).`,
      "numbering.credit_note_format",
    );
  }
}

/**
 * Refuses a numbering format that would issue a number an invoice already has (`A{SEQ}` then
 * `A{SEQ:1}` issues A1 again): the database's unique number would then refuse every later issue.
 */
async function refuseRepeatingFormat(db: D1Database, merchantId: string, format: string, now: Date): Promise<void> {
  const [candidates, counters] = await Promise.all([numbersLike(db, merchantId, numberGlob(format)), seriesCounters(db, merchantId)]);
  const taken = numberCollision(format, candidates, counters, now.toISOString().slice(0, 10));
  if (taken !== null) {
    throw new ApiError(
      "invoice_number_taken",
      `The format '${format}' would number a new invoice ${taken}, a number an existing invoice already has; choose a format whose numbers cannot repeat existing ones (e.g. a new prefix).`,
      "numbering.format",
    );
  }
}
