/** The settings store every feature reads: one JSON document per merchant, and the CORS origin index derived from it. */
import { DEFAULT_SETTINGS, SettingsSchema, type Settings, type SettingsMergeInput } from "../../shared/schemas/settings";

/**
 * A merchant's settings; fields added to the product later fall back to their defaults. Each
 * top-level field is read on its own: one the schema cannot read (written by another version)
 * falls back to its default instead of taking every other setting with it.
 */
export async function getSettings(db: D1Database, merchantId: string): Promise<{ settings: Settings; updatedAt: string | null }> {
  const row = await db.prepare("SELECT data, updated_at FROM settings WHERE merchant_id = ?").bind(merchantId).first<{ data: string; updated_at: string }>();
  if (row === null) return { settings: DEFAULT_SETTINGS, updatedAt: null };
  const data = JSON.parse(row.data) as Record<string, unknown>;
  const stored: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(SettingsSchema.shape)) {
    if (data === null || typeof data !== "object" || !(key in data)) continue;
    const parsed = schema.safeParse(data[key]);
    if (parsed.success) stored[key] = parsed.data;
  }
  return { settings: { ...DEFAULT_SETTINGS, ...(stored as Partial<Settings>) }, updatedAt: row.updated_at };
}

/** Applies an update: each given top-level field replaces the stored one. */
export function mergeSettings(current: Settings, update: SettingsMergeInput): Settings {
  return { ...current, ...Object.fromEntries(Object.entries(update).filter(([, value]) => value !== undefined)) };
}

/** Statements that store settings and the CORS origin index derived from them. */
export function saveSettingsStatements(db: D1Database, merchantId: string, settings: Settings, now: Date): D1PreparedStatement[] {
  return [
    db
      .prepare(
        `INSERT INTO settings (merchant_id, data, updated_at) VALUES (?, ?, ?)
         ON CONFLICT (merchant_id) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at`,
      )
      .bind(merchantId, JSON.stringify(settings), now.toISOString()),
    db.prepare("DELETE FROM merchant_origins WHERE merchant_id = ?").bind(merchantId),
    ...settings.allowed_origins.map((origin) =>
      db.prepare("INSERT OR IGNORE INTO merchant_origins (origin, merchant_id) VALUES (?, ?)").bind(origin, merchantId),
    ),
  ];
}

/** What an issued invoice keeps of the settings (its documents read this copy, never the current settings). */
const FROZEN_AT_ISSUE = ["seller", "bank_account", "accounting", "einvoicing"] as const satisfies readonly (keyof Settings)[];
type Frozen = Pick<Settings, (typeof FROZEN_AT_ISSUE)[number]>;

/** The JSON an invoice stores at issue of the settings its documents show. @example issueStatements(db, { …, seller: frozenSettings(settings) }) */
export function frozenSettings(settings: Settings): string {
  return JSON.stringify(Object.fromEntries(FROZEN_AT_ISSUE.map((key) => [key, settings[key]])));
}

/**
 * The settings an issued invoice's documents use: the copy frozen at its issue over the current
 * ones (an invoice issued before copies were kept has none and reads the current settings).
 * @example const settings = settingsAsIssued(current, JSON.parse(invoice.parties).settings)
 */
export function settingsAsIssued(current: Settings, frozen: Partial<Frozen> | null | undefined): Settings {
  if (!frozen) return current;
  const kept: Partial<Frozen> = {};
  for (const key of FROZEN_AT_ISSUE) {
    const parsed = SettingsSchema.shape[key].safeParse(frozen[key]);
    if (parsed.success) Object.assign(kept, { [key]: parsed.data });
  }
  return { ...current, ...kept };
}
