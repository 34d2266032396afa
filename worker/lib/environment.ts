/**
 * The one home of what depends on the deployment: whether development features are on, what a
 * deployment lacks before it may serve, and the public origin every link handed out starts with.
 * Development is opt-in and spelled exactly: `prod`, an empty value or a named wrangler environment
 * without its own `[vars]` are production, and fail closed.
 */

/** The vars and secrets these checks read. */
type DeploymentEnv = Pick<Env, "ENVIRONMENT" | "PUBLIC_URL" | "QUITTANCE_ENCRYPTION_KEY">;

/** Where links point when a local run set no PUBLIC_URL and no request tells (the cron, the queues). */
const LOCAL_URL = "http://127.0.0.1:8787";

/** Host names that only ever mean "this machine": a link on them is dead for everyone else. */
const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]", "[::]", "0.0.0.0"]);

/**
 * True only when ENVIRONMENT is exactly `development` (what `npm start`, the tests and the
 * benchmarks set): the dev routes, the sandbox, the local outbox, `http://` webhooks and the public
 * fallback keys exist only then.
 * @example if (!isDevelopment(c.env)) throw new ApiError("route_not_found", "Not available in production.")
 */
export function isDevelopment(env: Pick<Env, "ENVIRONMENT">): boolean {
  return env.ENVIRONMENT === "development";
}

function isLocalHost(hostname: string): boolean {
  return LOCAL_HOSTS.has(hostname) || hostname.endsWith(".localhost") || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

function isBase64Key(value: string): boolean {
  try {
    return atob(value).length === 32;
  } catch {
    return false;
  }
}

/**
 * What stops this deployment from serving, one sentence each; empty in development and when all is
 * set. The Worker answers 503 to every request (and sends nothing from its cron and queues) while
 * this is not empty.
 * @example deploymentProblems({ ENVIRONMENT: "production", PUBLIC_URL: "" }) // ["QUITTANCE_ENCRYPTION_KEY is not set …", "PUBLIC_URL is not set …"]
 */
export function deploymentProblems(env: DeploymentEnv): string[] {
  if (isDevelopment(env)) return [];
  const problems: string[] = [];
  if (!env.QUITTANCE_ENCRYPTION_KEY) {
    problems.push("QUITTANCE_ENCRYPTION_KEY is not set (openssl rand -base64 32 | wrangler secret put QUITTANCE_ENCRYPTION_KEY)");
  } else if (!isBase64Key(env.QUITTANCE_ENCRYPTION_KEY)) {
    problems.push("QUITTANCE_ENCRYPTION_KEY is not 32 bytes encoded in base64");
  }
  const configured = env.PUBLIC_URL?.trim();
  if (!configured) {
    problems.push("PUBLIC_URL is not set (wrangler deploy --var PUBLIC_URL:https://your.domain)");
    return problems;
  }
  let url: URL;
  try {
    url = new URL(configured);
  } catch {
    problems.push(`PUBLIC_URL is not a URL: '${configured}'`);
    return problems;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") problems.push(`PUBLIC_URL must be an http(s) URL, not '${configured}'`);
  else if (isLocalHost(url.hostname)) problems.push(`PUBLIC_URL points at this machine (${url.host}): set it to the Worker's public origin`);
  else if (url.pathname !== "/" || url.search || url.hash) problems.push(`PUBLIC_URL must be an origin without a path: '${configured}'`);
  return problems;
}

/**
 * The origin of every link handed to a user (pay pages, provider webhook URLs, return URLs, the
 * sandbox form, reminder emails, the OpenAPI server): PUBLIC_URL, never the request's Host header.
 * Only in development, with no usable PUBLIC_URL, does it fall back to the request's origin (or the
 * local default); elsewhere a missing PUBLIC_URL throws, which the 503 gate prevents from happening.
 * @example hosted_url: `${publicUrl(c.env, c.req.url)}/pay/${token}`
 */
export function publicUrl(env: DeploymentEnv, requestUrl?: string): string {
  const configured = env.PUBLIC_URL?.trim();
  if (configured) {
    try {
      return new URL(configured).origin;
    } catch {
      if (!isDevelopment(env)) throw new Error(`PUBLIC_URL is not a URL: '${configured}'`);
    }
  }
  if (!isDevelopment(env)) throw new Error("PUBLIC_URL is not set");
  return requestUrl === undefined ? LOCAL_URL : new URL(requestUrl).origin;
}
