/** The signed-in console session (set by the shell before any page renders). */
export interface ConsoleSession {
  object: "console_session";
  merchant: { id: string; name: string };
  scope: "full" | "read_only";
  expires_at: string;
  idle_expires_at: string;
}

let current: ConsoleSession | undefined;

/** @example session().merchant.name */
export function session(): ConsoleSession {
  if (!current) throw new Error("no console session yet");
  return current;
}

/** Pages render no write control at all when false. @example ${canWrite() ? html`<button data-write>…` : nothing} */
export function canWrite(): boolean {
  return current?.scope === "full";
}

/** Shell only. @example setSession(await api("/v1/console/session")) */
export function setSession(s: ConsoleSession | undefined): void {
  current = s;
}
