/** The console's page: served for /console and its deep links in production too, with a strict CSP and no caching. */
import { env } from "cloudflare:workers";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { app } from "../../../worker/app";

const production = () => ({ ...env, ENVIRONMENT: "production", PUBLIC_URL: "https://quittance.example" }) as Env;

async function get(path: string): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await app.fetch(new Request(`https://quittance.example${path}`), production(), ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

describe("the console page", () => {
  it("should answer /console and a deep link with the same page, its own-origin-only CSP and no-store, in production", async () => {
    for (const path of ["/console", "/console/invoices/inv_123", "/console/sign-in"]) {
      const response = await get(path);
      expect(response.status, path).toBe(200);
      expect(response.headers.get("content-type")).toContain("text/html");
      const csp = response.headers.get("content-security-policy") ?? "";
      for (const directive of ["default-src 'self'", "script-src 'self'", "connect-src 'self'", "frame-ancestors 'none'"]) expect(csp).toContain(directive);
      expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
      expect(response.headers.get("cache-control")).toBe("no-store");
      expect(await response.text()).toContain('<script type="module" src="/console/app.js"></script>');
    }
  });

  it("should not let another site frame or script the console: no CORS header on the page", async () => {
    const response = await get("/console");
    expect(response.headers.get("access-control-allow-origin")).toBeNull();
  });
});
