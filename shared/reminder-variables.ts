/** The variables a reminder template may use, written `{name}` (zod-free, so the console can offer them as chips without the schemas). */
export const TEMPLATE_VARIABLES = ["customer_name", "invoice_number", "amount_due", "due_date", "days_late", "late_fees", "pay_link", "merchant_name"] as const;
