/** The Worker's entry: HTTP requests go to the Hono app, the cron to housekeeping. */
import { app } from "./app";
import { runHousekeeping } from "./housekeeping";

export default {
  fetch: app.fetch,
  scheduled(controller, env, ctx) {
    ctx.waitUntil(runHousekeeping(env, new Date(controller.scheduledTime)));
  },
} satisfies ExportedHandler<Env>;
