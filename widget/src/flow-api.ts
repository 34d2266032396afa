/** The pay flow's calls: payments on our server and the sandbox's card form. They go through the session's client (api.ts). */
import { ApiProblem, type ClientApi, type ClientPayment } from "./api";

/** A POST with a JSON body and an idempotency key (kept across the session's renewal retry: the refused attempt did nothing). */
function post<T>(api: ClientApi, path: string, body: unknown): Promise<T> {
  return api.request<T>(path, { method: "POST", headers: { "content-type": "application/json", "idempotency-key": crypto.randomUUID() }, body: JSON.stringify(body) });
}

export function createPayment(api: ClientApi, invoices: string[], method: string, returnUrl: string): Promise<ClientPayment> {
  return post<ClientPayment>(api, "/v1/client/payments", { invoices, method, return_url: returnUrl });
}

export function getPayment(api: ClientApi, id: string): Promise<ClientPayment> {
  return api.request<ClientPayment>(`/v1/client/payments/${id}`);
}

export function capturePayment(api: ClientApi, id: string): Promise<ClientPayment> {
  return post<ClientPayment>(api, `/v1/client/payments/${id}/capture`, {});
}

/** Sends the test card to the sandbox's form (no session: the form's URL carries its token). */
export async function payWithSandboxCard(formUrl: string, cardNumber: string): Promise<{ status: string; failure_message: string | null }> {
  const response = await fetch(formUrl, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ card_number: cardNumber }) });
  const body = (await response.json()) as { status?: string; failure_message?: string | null; detail?: string };
  if (!response.ok) throw new ApiProblem(response.status, "sandbox", body.detail ?? "The sandbox refused the card.");
  return { status: body.status ?? "failed", failure_message: body.failure_message ?? null };
}

/** An invoice's EPC QR code (an SVG behind the session) as a data: URL for an <img>: no QR encoder in the browser, nothing run from it. */
export async function transferQr(api: ClientApi, url: string): Promise<string> {
  const response = await fetch(url, { headers: { authorization: `Bearer ${api.token}` } });
  if (!response.ok) throw new ApiProblem(response.status, "qr", response.statusText);
  return `data:image/svg+xml,${encodeURIComponent(await response.text())}`;
}
