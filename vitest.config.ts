import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { playwright } from "@vitest/browser-playwright";
import { defineConfig } from "vitest/config";

/** Debian's Chromium (no browser download works here); the flags keep it off the closed network. */
const chromium = playwright({
  launchOptions: {
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  },
});

export default defineConfig({
  logLevel: "error",
  test: {
    // Vitest's default on 2 cores is one file at a time; Worker test files mostly wait (timers,
    // streams, retries, the validators' child process), so two at once use the machine better.
    maxWorkers: 2,
    projects: [
      {
        plugins: [
          cloudflareTest(async ({ inject }) => ({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: {
              bindings: {
                TEST_MIGRATIONS: await readD1Migrations("./worker/migrations"),
                ENVIRONMENT: "development",
                PUBLIC_URL: "http://127.0.0.1:8787",
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
          name: "widget",
          include: ["tests/widget/**/*.test.ts"],
          maxWorkers: 1,
          browser: { enabled: true, provider: chromium, headless: true, instances: [{ browser: "chromium" }], screenshotFailures: false },
          testTimeout: 20_000,
        },
      },
      {
        // The source's own layout (imports, SQL placement, file sizes), read from disk in Node.
        test: { name: "code", include: ["tests/code/**/*.test.ts", "tests/cli/**/*.test.ts"], environment: "node" },
      },
      {
        test: {
          name: "e2e",
          include: ["tests/e2e/**/*.test.ts"],
          // One real server and its demo data are shared: one file at a time.
          fileParallelism: false,
          environment: "node",
          globalSetup: ["tests/e2e/global-setup.ts"],
          testTimeout: 60_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
