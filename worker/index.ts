/** The Worker's entry: HTTP requests go to the Hono app, the cron to housekeeping and reminders, the queues to webhook delivery and reminder sending. */
import { app } from "./app";
import { runHousekeeping } from "./housekeeping";
import type { DeliveryMessage } from "./webhooks/fan-out";
import { deliver } from "./webhooks/deliver";
import { publish } from "./events/publish";
import { sendReminder, type ReminderMessage } from "./reminders/send";
import { deploymentProblems } from "./lib/environment";

export { MerchantHub } from "./realtime/hub";

/** Seconds a queued message waits, while the deployment is misconfigured, before it is tried again. */
const MISCONFIGURED_RETRY_SECONDS = 300;

/** A misconfigured deployment sends nothing (no emails, no webhooks): it logs what is missing instead. */
function misconfigured(env: Env, what: string): boolean {
  const problems = deploymentProblems(env);
  if (problems.length > 0) console.error(JSON.stringify({ error: `${what} skipped, this deployment is misconfigured: ${problems.join("; ")}` }));
  return problems.length > 0;
}

export default {
  fetch: app.fetch,
  scheduled(controller, env, ctx) {
    if (misconfigured(env, "cron")) return;
    ctx.waitUntil(runHousekeeping(env, new Date(controller.scheduledTime), ctx));
  },
  async queue(batch, env, ctx) {
    // Kept, not dropped: the messages go out once the deployment is fixed.
    if (misconfigured(env, `queue ${batch.queue}`)) return batch.retryAll({ delaySeconds: MISCONFIGURED_RETRY_SECONDS });
    if (batch.queue.startsWith("quittance-reminders")) {
      for (const message of batch.messages) {
        try {
          await sendReminder(env, ctx, message.body as ReminderMessage);
          message.ack();
        } catch (error) {
          console.error("reminder failed", error);
          message.retry({ delaySeconds: 60 });
        }
      }
      return;
    }
    // Side by side: one endpoint that hangs (10 s timeout) must not hold the batch's other deliveries.
    await Promise.all(
      batch.messages.map(async (message) => {
        try {
          const { moved } = await deliver(env, message.body as DeliveryMessage);
          publish(ctx, env, moved);
          message.ack();
        } catch (error) {
          console.error("webhook delivery failed", error);
          message.retry({ delaySeconds: 30 });
        }
      }),
    );
  },
} satisfies ExportedHandler<Env, DeliveryMessage | ReminderMessage>;
