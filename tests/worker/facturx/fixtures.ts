/** A merchant whose settings and customers hold what French e-invoices need, for the Factur-X tests. */
import { api, createCustomer, createMerchant, type TestMerchant } from "../helpers";

export const SELLER = {
  legal_name: "Atelier Quittance SARL",
  legal_form: "SARL",
  share_capital: "10 000 €",
  rcs: "Paris",
  siren: "123456789",
  siret: "12345678900017",
  vat_number: "FR32123456789",
  address: { line1: "12 rue de la Paix", postal_code: "75002", city: "Paris", country: "FR" },
};

export const BANK = { iban: "FR7630006000011234567890189", bic: "AGRIFRPP" };

export const B2B_CUSTOMER = {
  name: "Client SAS",
  email: "compta@client.example",
  locale: "fr",
  siren: "987654321",
  siret: "98765432100015",
  vat_number: "FR45987654321",
  address: { line1: "3 avenue des Champs", postal_code: "69001", city: "Lyon", country: "FR" },
};

export const B2C_CUSTOMER = {
  name: "Jeanne Martin",
  email: "jeanne@example.com",
  locale: "en-GB",
  address: { line1: "8 chemin Vert", postal_code: "33000", city: "Bordeaux", country: "FR" },
};

export async function einvoiceMerchant(settings: Record<string, unknown> = {}): Promise<TestMerchant> {
  const merchant = await createMerchant();
  const response = await api(merchant.key, "PUT", "/v1/settings", { seller: SELLER, bank_account: BANK, ...settings });
  if (response.status !== 200) throw new Error(`settings: ${response.text}`);
  return merchant;
}

export const b2bCustomer = (key: string, overrides: Record<string, unknown> = {}) => createCustomer(key, { ...B2B_CUSTOMER, ...overrides });
export const b2cCustomer = (key: string, overrides: Record<string, unknown> = {}) => createCustomer(key, { ...B2C_CUSTOMER, ...overrides });

/** Every text of an element, in document order: `values(xml, "ram:SubjectCode")`. */
export function values(xml: string, element: string): string[] {
  return [...xml.matchAll(new RegExp(`<${element}(?: [^>]*)?>([^<]*)</${element}>`, "g"))].map((match) => match[1]!);
}

/** The one text of an element inside the first `parent` element. */
export function valueIn(xml: string, parent: string, element: string): string | undefined {
  const block = new RegExp(`<${parent}(?: [^>]*)?>([\\s\\S]*?)</${parent}>`).exec(xml)?.[1] ?? "";
  return values(block, element)[0];
}

export const today = () => new Date().toISOString().slice(0, 10);
export const day102 = (day: string) => day.replaceAll("-", "");
