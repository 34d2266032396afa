/**
 * Card payments with Stripe's Payment Element. Stripe.js cannot mount inside a shadow root, so the
 * element goes into a light-DOM child of the host, slotted into the widget's shadow tree.
 */
import { loadScript } from "./load-script";

interface StripeElement {
  mount(target: HTMLElement): void;
  destroy(): void;
}
interface StripeInstance {
  elements(options: { clientSecret: string; appearance?: unknown }): { create(kind: "payment"): StripeElement };
  confirmPayment(options: { elements: unknown; redirect: "if_required"; confirmParams: { return_url: string } }): Promise<{ error?: { message?: string } }>;
}
declare global {
  interface Window {
    Stripe?: (publishableKey: string) => StripeInstance;
  }
}

export interface MountedCard {
  confirm(returnUrl: string): Promise<{ ok: true } | { ok: false; message: string }>;
  destroy(): void;
}

export async function mountCard(scriptUrl: string, publishableKey: string, clientSecret: string, target: HTMLElement): Promise<MountedCard> {
  await loadScript(scriptUrl);
  if (!window.Stripe) throw new Error("Stripe.js did not load");
  const stripe = window.Stripe(publishableKey);
  const elements = stripe.elements({ clientSecret });
  const element = elements.create("payment");
  element.mount(target);
  return {
    async confirm(returnUrl: string) {
      const result = await stripe.confirmPayment({ elements, redirect: "if_required", confirmParams: { return_url: returnUrl } });
      return result.error ? { ok: false, message: result.error.message ?? "declined" } : { ok: true };
    },
    destroy: () => element.destroy(),
  };
}
