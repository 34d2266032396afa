/** The Worker's entry: HTTP requests go to the Hono app, the cron to housekeeping, the queue to webhook delivery. */
import { app } from "./app";
import { runHousekeeping } from "./housekeeping";
import type { DeliveryMessage } from "./webhooks/fan-out";
import { deliver } from "./webhooks/deliver";

export { MerchantHub } from "./realtime/hub";

export default {
  fetch: app.fetch,
  scheduled(controller, env, ctx) {
    ctx.waitUntil(runHousekeeping(env, new Date(controller.scheduledTime), ctx));
  },
  async queue(batch, env, ctx) {
    for (const message of batch.messages) {
      try {
        await deliver(env, ctx, message.body);
        message.ack();
      } catch (error) {
        console.error("webhook delivery failed", error);
        message.retry({ delaySeconds: 30 });
      }
    }
  },
} satisfies ExportedHandler<Env, DeliveryMessage>;
