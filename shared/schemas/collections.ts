import { z } from "zod";
import { Amount, CalendarDate, withDefault } from "./common";

/** The most periods one collections report cuts its range into (a year of days). */
export const MAX_REPORT_PERIODS = 366;
/** The longest range of a collections report, both ends counted. */
export const MAX_REPORT_DAYS = 731;

export const CollectionsQuery = z.strictObject({
  from: CalendarDate.optional().meta({ description: "First day included (YYYY-MM-DD, UTC). Default: 1 January of `to`'s year." }),
  to: CalendarDate.optional().meta({ description: `Last day included. Default: today. Not before \`from\`; at most ${MAX_REPORT_DAYS} days (422 naming \`to\`).` }),
  interval: withDefault(z.enum(["day", "week", "month"]), () => "month" as const).meta({
    description: `Period length: days, ISO weeks (Monday–Sunday) or calendar months, the first and last clipped to the range; at most ${MAX_REPORT_PERIODS} periods (422 naming \`interval\`). Default: month.`,
  }),
});

const Currency = z.string().meta({ example: "eur" });

const CashReceived = z.object({
  by_method: z.record(z.string(), z.int()).meta({ description: "Per payment method: received minus refunded (minor units).", example: { bank_transfer: 120000, card: 45000 } }),
  received: Amount.meta({ description: "Payments received in the period, by the day the money came." }),
  refunded: Amount.meta({ description: "Refunds and disputes in the period, by their own day." }),
  net: z.int().meta({ description: "received − refunded." }),
});

const Invoiced = z.object({
  issued: Amount.meta({ description: "Invoices issued in the period, incl. tax (void ones excluded)." }),
  credited: Amount.meta({ description: "Credit notes issued in the period, incl. tax." }),
  net: z.int().meta({ description: "issued − credited: the sales incl. tax of the period." }),
});

const PeriodCurrency = z.object({ currency: Currency, cash_received: CashReceived, invoiced: Invoiced });

const Summary = z.object({
  currency: Currency,
  cash_received_net: z.int(),
  sales_incl_tax: z.int().meta({ description: "Invoiced net over the whole range." }),
  receivables_at_end: Amount.meta({ description: "Amounts still receivable at the end of `to`." }),
  days: z.int().meta({ description: "Days in the range, both ends counted." }),
  dso: z.number().nullable().meta({ description: "receivables_at_end ÷ sales_incl_tax × days, one decimal; null without sales." }),
  paid_invoices: z.int().meta({ description: "Invoices fully paid in the range (their last payment's day in it)." }),
  average_days_to_pay: z.number().nullable().meta({ description: "Mean of (day fully paid − issue day) over those invoices, one decimal." }),
  paid_on_time: z.int().meta({ description: "Of those, paid on or before their due date." }),
  on_time_share: z.number().nullable().meta({ description: "paid_on_time ÷ paid_invoices, four decimals." }),
});

const ForecastAmount = z.object({
  currency: Currency,
  expected: Amount,
  invoices: z.int(),
  promised: Amount.meta({ description: "The part of `expected` placed by a promise to pay." }),
});

export const CollectionsReportSchema = z
  .object({
    object: z.literal("collections_report"),
    from: z.string(),
    to: z.string(),
    interval: z.enum(["day", "week", "month"]),
    currencies: z.array(Currency).meta({ description: "Every currency the report shows; amounts are never summed across them." }),
    periods: z.array(z.object({ period: z.string().meta({ example: "2026-W10" }), start: z.string(), end: z.string(), currencies: z.array(PeriodCurrency) })),
    summary: z.array(Summary),
    forecast: z.object({
      as_of: z.string().meta({ description: "`to`, or today when `to` is later." }),
      weeks: z.array(z.object({ week: z.string().meta({ example: "2026-W11" }), start: z.string(), end: z.string(), currencies: z.array(ForecastAmount) })),
      beyond: z.array(ForecastAmount).meta({ description: "Expected after the 8th week." }),
    }),
  })
  .meta({ id: "CollectionsReport" });

export type CollectionsReport = z.infer<typeof CollectionsReportSchema>;
