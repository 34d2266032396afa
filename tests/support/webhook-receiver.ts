/**
 * A real HTTP server for webhook tests, started once by Vitest's globalSetup in Node and reached
 * from workerd over loopback. Each test uses its own path:
 *   POST /hook/<name>?fail=<n>&status=<code>&hang=1   the first n deliveries answer <code> (500), then 200;
 *                                                     hang=1 never answers (for timeouts)
 *   GET  /received/<name>                             every request received on that path so far:
 *                                                     [{headers, body, status}]
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

interface Received {
  headers: Record<string, string>;
  body: string;
  answered: number | null;
}

export async function startWebhookReceiver(): Promise<{ port: number; server: Server }> {
  const received = new Map<string, Received[]>();
  const read = (request: IncomingMessage) =>
    new Promise<string>((resolve) => {
      let body = "";
      request.setEncoding("utf8");
      request.on("data", (chunk: string) => (body += chunk));
      request.on("end", () => resolve(body));
    });
  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    const [, kind, name = ""] = url.pathname.split("/");
    if (request.method === "GET" && kind === "received") {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify(received.get(name) ?? []));
      return;
    }
    if (request.method !== "POST" || kind !== "hook") {
      response.writeHead(404).end();
      return;
    }
    const body = await read(request);
    const list = received.get(name) ?? [];
    received.set(name, list);
    const entry: Received = { headers: Object.fromEntries(Object.entries(request.headers).map(([key, value]) => [key, String(value)])), body, answered: null };
    list.push(entry);
    if (url.searchParams.get("hang") === "1") return; // never answer
    const failures = Number(url.searchParams.get("fail") ?? "0");
    const status = list.length <= failures ? Number(url.searchParams.get("status") ?? "500") : 200;
    entry.answered = status;
    response.writeHead(status, { "content-type": "text/plain" });
    response.end(status === 200 ? "ok" : "nope");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { port: (server.address() as AddressInfo).port, server };
}
