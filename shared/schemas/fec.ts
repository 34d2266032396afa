import { z } from "zod";

export const FecQuery = z.object({
  year: z.coerce.number().int().min(2000).max(2099).meta({ description: "The fiscal year (calendar year): entries dated 1 January to 31 December.", example: 2026 }),
  encoding: z.enum(["utf8", "latin9"]).default("utf8").meta({ description: "`utf8` (default) or `latin9` (ISO-8859-15, the set article A47 A-1 names; characters it lacks become `?`)." }),
});
