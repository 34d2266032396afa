/**
 * PayPal's buttons. Like Stripe's elements they cannot render inside a shadow root: they go into a
 * light-DOM child of the host. The order was created by our server; approval leads to a capture by
 * our server too.
 */
import { loadScript } from "./load-script";

interface PayPalButtons {
  render(target: HTMLElement): Promise<void>;
  close(): Promise<void>;
}
declare global {
  interface Window {
    paypal?: { Buttons(options: { createOrder(): string; onApprove(): Promise<void>; onError(error: unknown): void; onCancel(): void }): PayPalButtons };
  }
}

export async function renderPayPal(
  sdkUrl: string,
  clientId: string,
  currency: string,
  orderId: string,
  target: HTMLElement,
  handlers: { onApprove(): Promise<void>; onError(message: string): void; onCancel(): void },
): Promise<PayPalButtons> {
  const url = new URL(sdkUrl, location.href);
  url.searchParams.set("client-id", clientId);
  url.searchParams.set("currency", currency.toUpperCase());
  url.searchParams.set("intent", "capture");
  await loadScript(url.toString());
  if (!window.paypal) throw new Error("the PayPal SDK did not load");
  const buttons = window.paypal.Buttons({
    createOrder: () => orderId,
    onApprove: handlers.onApprove,
    onError: (error) => handlers.onError(error instanceof Error ? error.message : "PayPal error"),
    onCancel: handlers.onCancel,
  });
  await buttons.render(target);
  return buttons;
}
