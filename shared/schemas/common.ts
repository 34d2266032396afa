import { z } from "zod";
import { CURRENCIES, isCurrency, type CurrencyCode } from "../currencies";
import { MAX_AMOUNT } from "../money";

/** Every object id is `<prefix>_<26 base32 chars>` (130 random bits): `cus_`, `inv_`, `pay_`, `evt_`… */
export const idOf = (prefix: string, description: string) =>
  z
    .string()
    .regex(new RegExp(`^${prefix}_[0-9a-z]{26}$`), `must be a ${prefix}_… id`)
    .meta({ description, example: `${prefix}_01jf9v3k8m2q7w4x5y6z0a1b2c` });

/** A strictly positive amount in minor units. */
export const PositiveAmount = z
  .int()
  .min(1)
  .max(MAX_AMOUNT)
  .meta({ description: "Integer amount in the currency's minor unit (1999 eur = €19.99).", example: 1999 });

/** A non-negative amount in minor units, as answered by the API. */
export const Amount = z.int().meta({ description: "Integer amount in the currency's minor unit.", example: 1999 });

/** A currency code; upper-case input is accepted and normalised to lower case. */
export const Currency = z
  .string()
  .transform((value, ctx): CurrencyCode => {
    const code = value.toLowerCase();
    if (isCurrency(code)) return code;
    ctx.addIssue({ code: "custom", message: `unsupported currency "${value}" (ISO 4217, e.g. "eur")` });
    return z.NEVER;
  })
  .meta({ description: "ISO 4217 currency code, lower-case.", example: "eur" });

export const CurrencyOut = z.enum(CURRENCIES as [CurrencyCode, ...CurrencyCode[]]).meta({ example: "eur" });

function isRealDate(value: string): boolean {
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

/** A calendar date `YYYY-MM-DD` between 2000-01-01 and 2099-12-31. */
export const CalendarDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date YYYY-MM-DD")
  .refine(isRealDate, "must be a real calendar date")
  .refine((value) => value >= "2000-01-01" && value <= "2099-12-31", "must be between 2000-01-01 and 2099-12-31")
  .meta({ example: "2026-12-31" });

export const Timestamp = z.string().meta({ description: "ISO 8601 UTC timestamp.", example: "2026-11-24T13:00:00.000Z" });

/**
 * An optional request field that takes `fallback()` when absent: the same validation and output as
 * zod's `.default()`, but the OpenAPI document carries no `default` keyword. Typed-client generators
 * (openapi-typescript) read `default` as "always present" and would make the field required in the
 * request types; say the default in the field's description instead.
 */
export const withDefault = <T extends z.ZodType>(schema: T, fallback: () => z.output<T>) =>
  schema.optional().transform((value): z.output<T> => (value === undefined ? fallback() : value));

/** Query parameters shared by every list. */
export const ListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20).meta({ description: "1–100, default 20." }),
  starting_after: z.string().max(64).optional().meta({ description: "The id of the last object of the previous page." }),
});

/** The envelope of every list. */
export const listOf = <T extends z.ZodType>(item: T) =>
  z.object({ data: z.array(item), has_more: z.boolean(), next: z.string().nullable() });

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.int(),
    code: z.string(),
    detail: z.string(),
    param: z.string().optional(),
    request_id: z.string().optional(),
  })
  .meta({ id: "Problem", description: "RFC 9457 problem details." });

/** Online payment methods a client may pick in the widget. */
export const ONLINE_METHODS = ["card", "stripe_checkout", "paypal", "sandbox"] as const;
export const OnlineMethod = z.enum(ONLINE_METHODS);
/** Methods a merchant records by hand. */
export const OFFLINE_METHODS = ["bank_transfer", "cheque", "cash", "other"] as const;
export const OfflineMethod = z.enum(OFFLINE_METHODS);
