/**
 * npm run merchant -- create --name "Acme SARL" [--json] [--remote] [--live]
 * npm run merchant -- rotate-keys --merchant mer_… [--disable-webhooks] [--json] [--remote]
 * npm run merchant -- console-link --merchant mer_… [--read-only] [--base URL] [--json] [--remote]
 *
 * Creates a merchant with a full secret key, a read-only key (for the accountant) and a
 * publishable key, or replaces a merchant's keys. Keys are printed once: only their hashes are
 * stored. Rotation also revokes every client session of the merchant (minted with the old keys;
 * their streams close at the hub's next keep-alive) and, with `--disable-webhooks`, disables its
 * webhook endpoints (registered with the old keys; re-enable each with the API). Local D1 by
 * default; `--remote` for the deployed database.
 */
import { parseArgs } from "node:util";
import { DEFAULT_SETTINGS } from "../../shared/schemas/settings";
import { prepareMerchant, prepareRotation } from "../auth/keys";
import { executeWrites, queryRows, sqlLiteral, type D1Target } from "./d1";
import { makeConsoleLink } from "./console-link";

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

export interface RotatedKeys extends MerchantKeys {
  client_sessions_revoked: number;
  webhook_endpoints_disabled: number;
}

/**
 * Revokes a merchant's keys and client sessions (and, asked to, disables its webhook endpoints)
 * and issues three new keys, in one transaction.
 */
export async function rotateKeys(merchantId: string, options: { disableWebhooks: boolean }, target: D1Target): Promise<RotatedKeys> {
  const id = sqlLiteral(merchantId);
  const now = new Date().toISOString();
  const [merchant] = queryRows<{ name: string; livemode: number; sessions: number; endpoints: number }>(
    `SELECT name, livemode,
       (SELECT count(*) FROM client_sessions WHERE merchant_id = ${id} AND revoked_at IS NULL AND expires_at > ${sqlLiteral(now)}) AS sessions,
       (SELECT count(*) FROM webhook_endpoints WHERE merchant_id = ${id} AND status = 'active') AS endpoints
     FROM merchants WHERE id = ${id}`,
    target,
  );
  if (!merchant) throw new Error(`no merchant ${merchantId}`);
  const rotation = await prepareRotation({ merchantId, livemode: merchant.livemode === 1, now: new Date(now), disableWebhooks: options.disableWebhooks });
  executeWrites(rotation.writes, target);
  return {
    merchant: merchantId, name: merchant.name, secret_key: rotation.secretKey, read_only_key: rotation.readOnlyKey, publishable_key: rotation.publishableKey,
    client_sessions_revoked: merchant.sessions, webhook_endpoints_disabled: options.disableWebhooks ? merchant.endpoints : 0,
  };
}

function print(keys: MerchantKeys | RotatedKeys, json: boolean): void {
  if (json) {
    console.log(JSON.stringify(keys, null, 2));
    return;
  }
  console.log(`Merchant        ${keys.merchant}  (${keys.name})
Secret key      ${keys.secret_key}
Read-only key   ${keys.read_only_key}
Publishable key ${keys.publishable_key}

These keys are shown once; only their SHA-256 hashes are stored. Keep the secret keys on your servers.`);
  if ("client_sessions_revoked" in keys) {
    console.log(`
Revoked the old keys and ${keys.client_sessions_revoked} live client session(s): their streams close within one keep-alive.`);
    if (keys.webhook_endpoints_disabled > 0) {
      console.log(`Disabled ${keys.webhook_endpoints_disabled} webhook endpoint(s): re-enable each with POST /v1/webhook_endpoints/:id/enable.`);
    }
  }
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
      "disable-webhooks": { type: "boolean", default: false },
      "read-only": { type: "boolean", default: false },
      base: { type: "string" },
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
    print(await rotateKeys(values.merchant, { disableWebhooks: values["disable-webhooks"] }, target), values.json);
  } else if (command === "console-link") {
    if (!values.merchant) throw new Error("give the merchant id: --merchant mer_…");
    const base = values.base ?? process.env.PUBLIC_URL ?? "http://127.0.0.1:8787";
    const link = await makeConsoleLink(values.merchant, { readOnly: values["read-only"], base }, target);
    console.log(values.json ? JSON.stringify(link, null, 2) : `${link.url}\n(${link.scope === "full" ? "full access" : "read-only"}; works once, until ${link.expires_at})`);
  } else {
    throw new Error('usage: npm run merchant -- create --name "Acme SARL" [--json] [--remote] [--live] | rotate-keys --merchant mer_… [--disable-webhooks] [--json] [--remote] | console-link --merchant mer_… [--read-only] [--base URL] [--json] [--remote]');
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
