/**
 * A merchant's own website on a second origin (another local port), embedding the widget the way
 * the README's "Embedding the widget" tells merchants to: the two lines on an account page, and a
 * `session-url` endpoint that mints the signed-in client's session server-side with the secret key.
 * The page carries the Content-Security-Policy the README lists for the widget and the sandbox.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface MerchantSite {
  origin: string;
  /** How many sessions the `session-url` endpoint minted. */
  sessionsMinted: number;
  stop(): Promise<void>;
}

const SESSION_PATH = "/account/quittance-session";
const ACCOUNT_COOKIE = "shop_account";

/** Serves `/account` (setting the shop's own sign-in cookie for `customer`) and the session endpoint. */
export async function startMerchantSite(api: string, secretKey: string, customer: string): Promise<MerchantSite> {
  // The shop's own sign-in: a cookie naming its account, mapped to the Quittance customer here.
  const accountId = `acct_${Math.random().toString(36).slice(2)}`;
  const page = `<!doctype html>
<html lang="fr">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Boulangerie du Coin — Mes factures</title></head>
<body>
  <header><h1>Boulangerie du Coin</h1><p>Mon compte · Mes factures</p></header>
  <main>
    <script type="module" src="${api}/widget.js"></script>
    <quittance-invoices session-url="${SESSION_PATH}" lang="fr"></quittance-invoices>
  </main>
</body>
</html>`;
  const csp = `default-src 'self'; script-src 'self' ${api}; connect-src 'self' ${api}`;

  const site: MerchantSite = { origin: "", sessionsMinted: 0, stop: async () => undefined };
  const mint = async (request: IncomingMessage, response: ServerResponse) => {
    const signedIn = (request.headers.cookie ?? "").split(/;\s*/).includes(`${ACCOUNT_COOKIE}=${accountId}`);
    if (!signedIn) return void response.writeHead(401, { "content-type": "application/json" }).end('{"error":"sign in first"}');
    const minted = await fetch(`${api}/v1/client_sessions`, {
      method: "POST",
      headers: { authorization: `Bearer ${secretKey}`, "content-type": "application/json" },
      body: JSON.stringify({ customer }),
    });
    const body = (await minted.json()) as { token?: string };
    if (minted.status !== 201 || !body.token) return void response.writeHead(502, { "content-type": "application/json" }).end(JSON.stringify(body));
    site.sessionsMinted += 1;
    response.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" }).end(JSON.stringify({ token: body.token }));
  };
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? "/", "http://merchant").pathname;
    if (request.method === "GET" && path === "/account") {
      response.writeHead(200, {
        "content-type": "text/html; charset=utf-8",
        "content-security-policy": csp,
        "set-cookie": `${ACCOUNT_COOKIE}=${accountId}; HttpOnly; SameSite=Lax; Path=/`,
      });
      return void response.end(page);
    }
    if (request.method === "POST" && path === SESSION_PATH) {
      return void mint(request, response).catch((error) => response.writeHead(500).end(String(error)));
    }
    if (path === "/favicon.ico") return void response.writeHead(204).end();
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  site.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  site.stop = () => new Promise((resolve) => (server.closeAllConnections(), server.close(() => resolve())));
  return site;
}
