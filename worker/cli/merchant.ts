/**
 * npm run merchant -- create --name "Acme SARL" [--json] [--remote] [--live]
 * npm run merchant -- rotate-keys --merchant mer_… [--json] [--remote]
 *
 * Creates a merchant with a full secret key, a read-only key (for the accountant) and a
 * publishable key, or replaces a merchant's keys. Keys are printed once: only their hashes are
 * stored. Local D1 by default; `--remote` for the deployed database.
 */
import { parseArgs } from "node:util";
import { DEFAULT_SETTINGS } from "../../shared/schemas/settings";
import { issueKey, prepareMerchant, type SqlWrite } from "../auth/keys";
import { executeWrites, queryRows, sqlLiteral, type D1Target } from "./d1";

export interface MerchantKeys {
  merchant: string;
  name: string;
  secret_key: string;
  read_only_key: string;
  publishable_key: string;
}

/** Creates a merchant and returns its keys. */
export async function createMerchant(name: string, options: { livemode: boolean; merchantId?: string }, target: D1Target): Promise<MerchantKeys> {
  const created = await prepareMerchant({
    name,
    livemode: options.livemode,
    now: new Date(),
    settingsJson: JSON.stringify(DEFAULT_SETTINGS),
    ...(options.merchantId ? { merchantId: options.merchantId } : {}),
  });
  executeWrites(created.writes, target);
  return { merchant: created.merchantId, name, secret_key: created.secretKey, read_only_key: created.readOnlyKey, publishable_key: created.publishableKey };
}

/** Revokes a merchant's keys and issues three new ones. */
export async function rotateKeys(merchantId: string, target: D1Target): Promise<MerchantKeys> {
  const [merchant] = queryRows<{ name: string; livemode: number }>(`SELECT name, livemode FROM merchants WHERE id = ${sqlLiteral(merchantId)}`, target);
  if (!merchant) throw new Error(`no merchant ${merchantId}`);
  const now = new Date().toISOString();
  const keys = await Promise.all((["full", "read_only", "publishable"] as const).map((scope) => issueKey(scope, merchant.livemode === 1)));
  const writes: SqlWrite[] = [
    { sql: "UPDATE api_keys SET revoked_at = ? WHERE merchant_id = ? AND revoked_at IS NULL", params: [now, merchantId] },
    ...keys.map((key) => ({
      sql: "INSERT INTO api_keys (id, merchant_id, kind, scope, prefix, key_hash, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
      params: [key.id, merchantId, key.scope === "publishable" ? "publishable" : "secret", key.scope, key.prefix, key.hash, now],
    })),
  ];
  executeWrites(writes, target);
  return { merchant: merchantId, name: merchant.name, secret_key: keys[0]!.secret, read_only_key: keys[1]!.secret, publishable_key: keys[2]!.secret };
}

function print(keys: MerchantKeys, json: boolean): void {
  if (json) {
    console.log(JSON.stringify(keys, null, 2));
    return;
  }
  console.log(`Merchant        ${keys.merchant}  (${keys.name})
Secret key      ${keys.secret_key}
Read-only key   ${keys.read_only_key}
Publishable key ${keys.publishable_key}

These keys are shown once; only their SHA-256 hashes are stored. Keep the secret keys on your servers.`);
}

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      name: { type: "string" },
      merchant: { type: "string" },
      json: { type: "boolean", default: false },
      remote: { type: "boolean", default: false },
      live: { type: "boolean", default: false },
    },
  });
  const target: D1Target = { remote: values.remote };
  const [command] = positionals;
  if (command === "create") {
    const name = values.name?.trim();
    if (!name) throw new Error('give the merchant a name: --name "Acme SARL"');
    print(await createMerchant(name, { livemode: values.live }, target), values.json);
  } else if (command === "rotate-keys") {
    if (!values.merchant) throw new Error("give the merchant id: --merchant mer_…");
    print(await rotateKeys(values.merchant, target), values.json);
  } else {
    throw new Error('usage: npm run merchant -- create --name "Acme SARL" [--json] [--remote] [--live] | rotate-keys --merchant mer_… [--json] [--remote]');
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
