/** A reminder email from its template: the variables filled, a text and an HTML part, tracked links. */
import type { ReminderPolicyValue } from "../../shared/schemas/reminders";
import type { EmailMessage } from "./email";

export interface ReminderContext {
  locale: "fr" | "en";
  customerName: string;
  customerEmail: string;
  invoiceNumber: string;
  amountDue: string;
  dueDate: string;
  daysLate: number;
  lateFees: string;
  merchantName: string;
  signature: string;
  links: { open: string; click: string; unsubscribe: string };
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

function fill(template: string, context: ReminderContext, payLink: string): string {
  const values: Record<string, string> = {
    customer_name: context.customerName,
    invoice_number: context.invoiceNumber,
    amount_due: context.amountDue,
    due_date: context.dueDate,
    days_late: String(context.daysLate),
    late_fees: context.lateFees,
    pay_link: payLink,
    merchant_name: context.merchantName,
  };
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);
}

/** Renders the step's template in the customer's language. */
export function renderReminder(
  template: { subject: string; body: string },
  context: ReminderContext,
  policy: Pick<ReminderPolicyValue, "sender_name" | "reply_to">,
  from: string,
): EmailMessage {
  const body = fill(template.body, context, context.links.click);
  const text = context.signature ? `${body}\n\n-- \n${context.signature}` : body;
  const link = escapeHtml(context.links.click);
  const paragraphs = escapeHtml(body)
    .split(/\n{2,}/)
    .map((paragraph) => `<p>${paragraph.replaceAll("\n", "<br>").replaceAll(link, `<a href="${link}">${link}</a>`)}</p>`)
    .join("\n");
  const signature = context.signature ? `<p style="color:#555">${escapeHtml(context.signature).replaceAll("\n", "<br>")}</p>` : "";
  const html = `<!doctype html><html lang="${context.locale}"><body style="font-family:system-ui,sans-serif;line-height:1.5;color:#111">
${paragraphs}
${signature}
<img src="${escapeHtml(context.links.open)}" width="1" height="1" alt="" style="display:block;border:0">
</body></html>`;
  return {
    from: { name: policy.sender_name ?? context.merchantName, address: from },
    to: { name: context.customerName, address: context.customerEmail },
    ...(policy.reply_to ? { replyTo: { address: policy.reply_to } } : {}),
    subject: fill(template.subject, context, context.links.click),
    text,
    html,
    headers: {
      "List-Unsubscribe": `<${context.links.unsubscribe}>${policy.reply_to ? `, <mailto:${policy.reply_to}?subject=unsubscribe>` : ""}`,
      "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    },
  };
}
