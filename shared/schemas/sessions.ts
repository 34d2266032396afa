import { z } from "zod";
import { idOf, Timestamp } from "./common";

export const ClientSessionCreate = z
  .strictObject({
    customer: idOf("cus", "The customer this session may see and pay for."),
    expires_in: z.int().min(60).max(86_400).optional().meta({ description: "Lifetime in seconds (default 3600)." }),
  })
  .meta({ id: "ClientSessionCreate" });

export const ClientSessionSchema = z
  .object({
    object: z.literal("client_session"),
    id: z.string().meta({ description: "The session's id, to revoke it (DELETE /v1/client_sessions/{id}).", example: "sess_01jf9v3k8m2q7w4x5y6z0a1b2c" }),
    token: z.string(),
    customer: z.string(),
    expires_at: Timestamp,
  })
  .meta({ id: "ClientSession" });

/** A session after its revocation: its token answers 401 from now on, and its streams close. */
export const ClientSessionRevoked = z
  .object({ object: z.literal("client_session"), id: z.string(), customer: z.string(), expires_at: Timestamp, revoked_at: Timestamp })
  .meta({ id: "ClientSessionRevoked" });

export const ClientSessionsRevokeQuery = z.strictObject({
  customer: idOf("cus", "Revoke every live session of this customer."),
});

export const ClientSessionsRevoked = z
  .object({ object: z.literal("client_session_revocation"), customer: z.string(), revoked: z.int().meta({ description: "How many live sessions were revoked." }) })
  .meta({ id: "ClientSessionsRevoked" });
