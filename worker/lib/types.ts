import type { OpenAPIHono } from "@hono/zod-openapi";

/** Who is calling: a merchant's server (secret key) or a client's browser (client session). */
export type Caller =
  | { kind: "secret"; merchantId: string; keyId: string; scope: "full" | "read_only"; consoleSessionId?: string }
  | { kind: "client"; merchantId: string; customerId: string; sessionHash: string; expiresAt: string; invoiceId: string | null };

export interface AppEnv {
  Bindings: Env;
  Variables: {
    requestId: string;
    caller: Caller;
  };
}

export type App = OpenAPIHono<AppEnv>;
