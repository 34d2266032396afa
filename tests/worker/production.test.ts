import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../worker/index";

/** Calls the Worker as deployed: ENVIRONMENT=production (the default in wrangler.toml). */
async function production(path: string, init: RequestInit = {}): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await worker.fetch(new Request(`https://quittance.example.com${path}`, init), { ...env, ENVIRONMENT: "production" } as Env, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

describe("a production deployment", () => {
  it("should serve a plain home page instead of the demo shop when / is requested", async () => {
    const home = await production("/");
    expect(home.status).toBe(200);
    const text = await home.text();
    expect(text).toContain('href="/docs"');
    expect(text).not.toContain("quittance-invoices");
  });

  it("should answer 404 problem+json on every dev-only route when ENVIRONMENT is production", async () => {
    for (const [method, path] of [["POST", "/dev/session"], ["GET", "/dev/outbox"], ["POST", "/dev/run-reminders"], ["GET", "/dev/events/stream"]] as const) {
      const response = await production(path, { method });
      expect(response.status, path).toBe(404);
      expect(response.headers.get("content-type")).toBe("application/problem+json");
    }
  });

  it("should refuse the sandbox when ENVIRONMENT is production", async () => {
    const form = await production("/sandbox/pay/0123456789abcdefghjkmnpqrstvwxyz");
    expect(form.status).toBe(404);
    const webhook = await production(`/webhooks/sandbox/mer_${"0".repeat(26)}`, { method: "POST", body: "{}" });
    expect(webhook.status).toBeGreaterThanOrEqual(400);
    expect(webhook.status).toBeLessThan(500);
  });
});
