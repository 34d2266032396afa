/**
 * Where webhook deliveries may go. A merchant's URL is fetched by our servers, so in production it
 * must be `https` to a public host name: no IP literal in any spelling, no loopback, private,
 * link-local or cloud metadata name — else the delivery log would probe the network we run in.
 * The URL parser already normalises the odd IPv4 spellings (`0x7f000001`, `2130706433`,
 * `0177.0.0.1`, `127.1` all become `127.0.0.1`) and brackets IPv6 (`[::1]`, `[::ffff:7f00:1]`),
 * so refusing every literal refuses them all. Outside production (local runs, tests) anything
 * http(s) goes, so a receiver on `http://127.0.0.1:<port>` works.
 *
 * A public name can still resolve to a private address (DNS rebinding); on Cloudflare a Worker's
 * `fetch` cannot reach private networks, and redirects are never followed (deliver.ts).
 */
import { ApiError } from "../errors";
import { isDevelopment } from "../lib/environment";

/** Names that never designate a public host: special-use (RFC 6761, 6762, 8375) and common private suffixes. */
const PRIVATE_SUFFIXES = ["localhost", "local", "localdomain", "internal", "intranet", "lan", "home", "corp", "private", "home.arpa", "arpa", "onion", "test", "invalid"];
/** Cloud metadata services reachable by name. */
const METADATA_NAMES = new Set(["metadata.google.internal", "metadata.goog", "metadata.azure.com", "instance-data.ec2.internal"]);

/**
 * Why a webhook URL is refused, or null when it may be used.
 * @example webhookUrlProblem("https://10.0.0.1/hook", false) // "must name a public host, not an IP address"
 */
export function webhookUrlProblem(url: string, development: boolean): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "must be an absolute http(s) URL";
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") return "must be an http(s) URL";
  if (development) return null;
  if (parsed.protocol !== "https:") return "must use https";
  const host = parsed.hostname.toLowerCase().replace(/\.+$/, "");
  const lastLabel = host.split(".").at(-1) ?? "";
  if (host.startsWith("[") || /^(\d+|0x[0-9a-f]*)$/.test(lastLabel)) return "must name a public host, not an IP address";
  if (!host.includes(".")) return "must name a public host with a domain (a single-label name is local)";
  if (METADATA_NAMES.has(host)) return "must not name a cloud metadata service";
  if (PRIVATE_SUFFIXES.some((suffix) => host === suffix || host.endsWith(`.${suffix}`))) return "must name a public host, not a local or private name";
  return null;
}

/**
 * Refuses a webhook URL that `webhookUrlProblem` refuses, as a 422 naming the field.
 * @example assertWebhookUrl(c.env, input.url)
 */
export function assertWebhookUrl(env: Env, url: string, param = "url"): void {
  const problem = webhookUrlProblem(url, isDevelopment(env));
  if (problem !== null) throw new ApiError("parameter_invalid", `Invalid parameter '${param}': ${problem}.`, param);
}
