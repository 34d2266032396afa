/** settings.bank_account through PUT /v1/settings: the IBAN and BIC normalised and checked, null removes it, only a full key writes it. */
import { describe, expect, it } from "vitest";
import { api, createMerchant, databaseFingerprint } from "../helpers";

const ACCOUNT = { iban: "fr76 3000 6000 0112 3456 7890 189", bic: "agri frpp", account_name: "Atelier Martin SARL" };

describe("settings.bank_account", () => {
  it("should be null until set, then store the IBAN and BIC in electronic format (spaces gone, upper case)", async () => {
    const merchant = await createMerchant();
    expect((await api(merchant.key, "GET", "/v1/settings")).body.bank_account).toBeNull();

    const response = await api(merchant.key, "PUT", "/v1/settings", { bank_account: ACCOUNT });

    expect(response.status, response.text).toBe(200);
    const stored = { iban: "FR7630006000011234567890189", bic: "AGRIFRPP", account_name: "Atelier Martin SARL" };
    expect(response.body.bank_account).toEqual(stored);
    expect((await api(merchant.key, "GET", "/v1/settings")).body.bank_account).toEqual(stored);
    expect((await api(merchant.readOnlyKey, "GET", "/v1/settings")).body.bank_account).toEqual(stored);
  });

  it("should accept an account without BIC or name", async () => {
    const merchant = await createMerchant();
    const response = await api(merchant.key, "PUT", "/v1/settings", { bank_account: { iban: "DE89 3704 0044 0532 0130 00" } });
    expect(response.status, response.text).toBe(200);
    expect(response.body.bank_account).toEqual({ iban: "DE89370400440532013000" });
  });

  it("should refuse wrong IBAN check digits with 422 naming bank_account.iban and change nothing", async () => {
    const merchant = await createMerchant();
    await api(merchant.key, "PUT", "/v1/settings", { bank_account: ACCOUNT });
    const before = await databaseFingerprint();

    for (const iban of ["FR77 3000 6000 0112 3456 7890 189", "FR76 3000 6000 0112 3456 7890 18", "XX00", "", "not an iban"]) {
      const response = await api(merchant.key, "PUT", "/v1/settings", { bank_account: { ...ACCOUNT, iban } });
      expect(response.status, iban).toBe(422);
      expect(response.headers.get("content-type")).toContain("application/problem+json");
      expect(response.body.param, iban).toBe("bank_account.iban");
    }
    expect(await databaseFingerprint()).toBe(before);
    expect((await api(merchant.key, "GET", "/v1/settings")).body.bank_account.iban).toBe("FR7630006000011234567890189");
  });

  it("should refuse a malformed BIC with 422 naming bank_account.bic", async () => {
    const merchant = await createMerchant();
    for (const bic of ["AGRIFRP", "AGRI1RPP", "AGRIFRPPXX", ""]) {
      const response = await api(merchant.key, "PUT", "/v1/settings", { bank_account: { ...ACCOUNT, bic } });
      expect(response.status, bic).toBe(422);
      expect(response.body.param, bic).toBe("bank_account.bic");
    }
    expect((await api(merchant.key, "GET", "/v1/settings")).body.bank_account).toBeNull();
  });

  it("should refuse unknown fields and an over-long account name naming the field", async () => {
    const merchant = await createMerchant();
    const unknown = await api(merchant.key, "PUT", "/v1/settings", { bank_account: { ...ACCOUNT, swift: "AGRIFRPP" } });
    expect(unknown.status).toBe(422);
    expect(unknown.body.param).toMatch(/^bank_account/);
    const long = await api(merchant.key, "PUT", "/v1/settings", { bank_account: { ...ACCOUNT, account_name: "x".repeat(71) } });
    expect(long.status).toBe(422);
    expect(long.body.param).toBe("bank_account.account_name");
  });

  it("should remove the account when given null", async () => {
    const merchant = await createMerchant();
    await api(merchant.key, "PUT", "/v1/settings", { bank_account: ACCOUNT });

    const response = await api(merchant.key, "PUT", "/v1/settings", { bank_account: null });

    expect(response.status, response.text).toBe(200);
    expect(response.body.bank_account).toBeNull();
    expect((await api(merchant.key, "GET", "/v1/settings")).body.bank_account).toBeNull();
  });

  it("should leave the account as it is when an update does not name it", async () => {
    const merchant = await createMerchant();
    await api(merchant.key, "PUT", "/v1/settings", { bank_account: ACCOUNT });
    await api(merchant.key, "PUT", "/v1/settings", { email_signature: "Marie" });
    expect((await api(merchant.key, "GET", "/v1/settings")).body.bank_account.iban).toBe("FR7630006000011234567890189");
  });

  it("should refuse the change with a read-only or publishable key (403) or no key (401), and keep the account", async () => {
    const merchant = await createMerchant();
    await api(merchant.key, "PUT", "/v1/settings", { bank_account: ACCOUNT });
    const hijack = { bank_account: { iban: "DE89 3704 0044 0532 0130 00" } };

    expect((await api(merchant.readOnlyKey, "PUT", "/v1/settings", hijack)).status).toBe(403);
    expect((await api(merchant.publishableKey, "PUT", "/v1/settings", hijack)).status).toBe(403);
    expect((await api(null, "PUT", "/v1/settings", hijack)).status).toBe(401);
    expect((await api(merchant.readOnlyKey, "PUT", "/v1/settings", { bank_account: null })).status).toBe(403);
    expect((await api(merchant.key, "GET", "/v1/settings")).body.bank_account.iban).toBe("FR7630006000011234567890189");
  });

  it("should keep one merchant's account from another's settings", async () => {
    const first = await createMerchant();
    const second = await createMerchant();
    await api(first.key, "PUT", "/v1/settings", { bank_account: ACCOUNT });
    expect((await api(second.key, "GET", "/v1/settings")).body.bank_account).toBeNull();
  });
});
