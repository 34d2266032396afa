/**
 * End-to-end tests drive the real local server: `wrangler dev` started here on its own port and
 * its own D1 state (.wrangler/e2e), the same way `npm start` runs it, with the demo merchant seeded
 * as `npm start` seeds it (so the demo shop page works).
 */
import type { TestProject } from "vitest/node";
import { DEMO_MERCHANT_ID } from "../../worker/dev/routes";
import { seedDemo, type SeedResult } from "../../worker/cli/seed";
import type { D1Target } from "../../worker/cli/d1";
import { freePort, startBenchServer } from "../bench/server";

declare module "vitest" {
  export interface ProvidedContext {
    e2eBase: string;
    e2eSecretKey: string;
    e2eMerchant: string;
    e2eSeed: SeedResult;
    e2eReadOnlyKey: string;
    /** The e2e server's local D1, for what the CLI does (sign-in links, key rotation). */
    e2eD1Target: D1Target;
  }
}

export default async function setup(project: TestProject) {
  // A port of its own unless one is asked for: a server already running never gets tested by mistake.
  const port = process.env.E2E_PORT ? Number(process.env.E2E_PORT) : await freePort();
  const server = await startBenchServer(port, { stateDir: "e2e", realRateLimit: true, merchantId: DEMO_MERCHANT_ID });
  const seed = await seedDemo(server.base, server.keys.secret_key);
  project.provide("e2eBase", server.base);
  project.provide("e2eSecretKey", server.keys.secret_key);
  project.provide("e2eMerchant", server.keys.merchant);
  project.provide("e2eSeed", seed);
  project.provide("e2eReadOnlyKey", server.keys.read_only_key);
  project.provide("e2eD1Target", server.target);
  return () => server.stop();
}
