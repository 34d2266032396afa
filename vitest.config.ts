import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

export default defineConfig({
  logLevel: "error",
  test: {
    projects: [
      {
        plugins: [
          cloudflareTest(async ({ inject }) => ({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: {
              bindings: {
                TEST_MIGRATIONS: await readD1Migrations("./worker/migrations"),
                // Faster clocks than production so keep-alives, revocations and webhook retries show within a test.
                SSE_KEEPALIVE_SECONDS: "1",
                WEBHOOK_RETRY_BASE_SECONDS: "1",
                WEBHOOK_DISABLE_AFTER_FAILURES: "3",
                // A fixed test master key (base64 of 32 bytes) for provider credentials at rest.
                QUITTANCE_ENCRYPTION_KEY: "dGVzdC1tYXN0ZXIta2V5LWZvci1xdWl0dGFuY2UtMzI=",
                // The provider adapters talk to local fakes started in globalSetup.
                STRIPE_API_BASE: `http://127.0.0.1:${inject("fakeStripePort")}`,
                PAYPAL_API_BASE: `http://127.0.0.1:${inject("fakePayPalPort")}`,
              },
              // A lower limit than production so the 429 test stays quick; still far above what other tests send per key.
              ratelimits: { RATE_LIMITER: { namespace_id: "1001", simple: { limit: 600, period: 60 } } },
            },
          })),
        ],
        test: {
          name: "worker",
          include: ["tests/worker/**/*.test.ts"],
          setupFiles: ["tests/worker/setup.ts"],
          globalSetup: ["tests/support/global-setup.ts"],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: "e2e",
          include: ["tests/e2e/**/*.test.ts"],
          environment: "node",
          globalSetup: ["tests/e2e/global-setup.ts"],
          testTimeout: 60_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
