/** A local fake of the PayPal REST API endpoints Quittance calls (to be written). */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export async function startFakePayPal(): Promise<{ port: number; server: Server }> {
  const server = createServer((_request, response) => response.writeHead(501).end());
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { port: (server.address() as AddressInfo).port, server };
}
