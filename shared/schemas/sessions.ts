import { z } from "zod";
import { idOf, Timestamp } from "./common";

export const ClientSessionCreate = z
  .strictObject({
    customer: idOf("cus", "The customer this session may see and pay for."),
    expires_in: z.int().min(60).max(86_400).optional().meta({ description: "Lifetime in seconds (default 3600)." }),
  })
  .meta({ id: "ClientSessionCreate" });

export const ClientSessionSchema = z
  .object({ object: z.literal("client_session"), token: z.string(), customer: z.string(), expires_at: Timestamp })
  .meta({ id: "ClientSession" });
