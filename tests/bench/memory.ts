/**
 * What the local runtime holds while a benchmark runs: the resident memory of every workerd process
 * under the bench server, and the Worker isolate's live JS heap after a full garbage collection
 * (through wrangler's DevTools inspector), which tells memory our code keeps from memory the runtime
 * has simply not given back.
 */
import { readdirSync, readFileSync } from "node:fs";

/** Resident memory (MiB) of the local runtime: every workerd process under the server's process. */
export function runtimeRssMiB(rootPid: number): number {
  const parents = new Map<number, number>();
  const names = new Map<number, string>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const close = stat.lastIndexOf(")");
      names.set(Number(entry), stat.slice(stat.indexOf("(") + 1, close));
      parents.set(Number(entry), Number(stat.slice(close + 2).split(" ")[1]));
    } catch {
      // gone meanwhile
    }
  }
  const isDescendant = (pid: number): boolean => {
    for (let parent = parents.get(pid); parent !== undefined && parent > 1; parent = parents.get(parent)) if (parent === rootPid) return true;
    return false;
  };
  let kib = 0;
  for (const [pid, name] of names) {
    if (!name.includes("workerd") || !isDescendant(pid)) continue;
    try {
      kib += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
    } catch {
      // gone meanwhile
    }
  }
  return kib / 1024;
}

/**
 * The Worker's live JS heap (MiB) after a full garbage collection — the isolate that runs the Worker
 * and its Durable Objects, so the hub with all its streams — read through wrangler's DevTools
 * inspector. Null when the inspector does not answer.
 */
export async function liveHeapMiB(inspectorPort: number): Promise<number | null> {
  try {
    const targets = (await (await fetch(`http://127.0.0.1:${inspectorPort}/json`)).json()) as { webSocketDebuggerUrl: string }[];
    // Node's WebSocket takes headers (undici); wrangler's inspector proxy only lets DevTools' origin in.
    const socket = new (WebSocket as unknown as new (url: string, init: unknown) => WebSocket)(targets[0]!.webSocketDebuggerUrl, {
      headers: { origin: "https://devtools.devprod.cloudflare.dev" },
    });
    await new Promise((resolve, reject) => ((socket.onopen = resolve), (socket.onerror = reject)));
    let id = 0;
    const call = (method: string) =>
      new Promise<unknown>((resolve) => {
        const mine = ++id;
        const timer = setTimeout(() => resolve(null), 5000);
        socket.addEventListener("message", (event) => {
          const reply = JSON.parse(String(event.data)) as { id?: number; result?: unknown };
          if (reply.id === mine) (clearTimeout(timer), resolve(reply.result));
        });
        socket.send(JSON.stringify({ id: mine, method }));
      });
    await call("HeapProfiler.collectGarbage");
    const usage = (await call("Runtime.getHeapUsage")) as { usedSize: number } | null;
    socket.close();
    return usage === null ? null : usage.usedSize / 1024 / 1024;
  } catch {
    return null;
  }
}
