import type { TestProject } from "vitest/node";
import { startFacturxValidator } from "./facturx-validator";
import { startFakePayPal } from "./fake-paypal";
import { startFakeStripe } from "./fake-stripe";
import { startSmtpServers, type SmtpServerPorts } from "./smtp-servers";
import { startWebhookReceiver } from "./webhook-receiver";

declare module "vitest" {
  export interface ProvidedContext {
    webhookReceiverPort: number;
    fakeStripePort: number;
    fakePayPalPort: number;
    smtpServers: SmtpServerPorts;
    facturxValidatorPort: number;
  }
}

/** Starts the servers Worker tests talk to (a webhook receiver, fake Stripe and PayPal APIs, SMTP servers, the Factur-X validators) and hands their ports to the tests. */
export default async function setup(project: TestProject) {
  const servers = await Promise.all([startWebhookReceiver(), startFakeStripe(), startFakePayPal(), startFacturxValidator()]);
  const [receiver, stripe, paypal, validator] = servers;
  project.provide("webhookReceiverPort", receiver.port);
  project.provide("fakeStripePort", stripe.port);
  project.provide("fakePayPalPort", paypal.port);
  project.provide("facturxValidatorPort", validator.port);
  const smtp = await startSmtpServers();
  project.provide("smtpServers", smtp.ports);
  return async () => {
    await smtp.close();
    for (const { server } of servers) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  };
}
