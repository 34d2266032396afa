import { z } from "zod";
import { CalendarDate } from "./common";

/** The longest range one CSV export covers, both ends counted: two years (a first French fiscal year may last up to 24 months). */
export const MAX_EXPORT_DAYS = 731;

/** `?from=&to=` of the CSV exports; unknown parameters are refused (a typo is not silently ignored). */
export const CsvExportQuery = z.strictObject({
  from: CalendarDate.optional().meta({ description: "First day included (YYYY-MM-DD, UTC). Default: 1 January of `to`'s year." }),
  to: CalendarDate.optional().meta({
    description: `Last day included (YYYY-MM-DD, UTC). Default: today. Must not be before \`from\`; the range spans at most ${MAX_EXPORT_DAYS} days (422 naming \`to\`).`,
  }),
});
