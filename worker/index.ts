/** The Worker's entry: HTTP requests go to the Hono app, the cron to housekeeping and reminders, the queues to webhook delivery and reminder sending. */
import { app } from "./app";
import { runHousekeeping } from "./housekeeping";
import type { DeliveryMessage } from "./webhooks/fan-out";
import { deliver } from "./webhooks/deliver";
import { publish } from "./events/publish";
import { sendReminder, type ReminderMessage } from "./reminders/send";

export { MerchantHub } from "./realtime/hub";

export default {
  fetch: app.fetch,
  scheduled(controller, env, ctx) {
    ctx.waitUntil(runHousekeeping(env, new Date(controller.scheduledTime), ctx));
  },
  async queue(batch, env, ctx) {
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
