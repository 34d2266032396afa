/** The commands' D1 access retries while `npm start` holds the database, and only then. */
import { describe, expect, it } from "vitest";
import { renderWrites, withBusyRetry } from "../../worker/cli/d1";

const busy = () => Object.assign(new Error("Command failed: wrangler d1 execute"), { stderr: "D1_ERROR: database is locked: SQLITE_BUSY" });

describe("worker/cli/d1", () => {
  it("should retry with growing waits and succeed when the database is busy twice", () => {
    const waits: number[] = [];
    let calls = 0;
    const result = withBusyRetry(() => {
      calls += 1;
      if (calls <= 2) throw busy();
      return "done";
    }, { sleep: (ms) => waits.push(ms) });
    expect(result).toBe("done");
    expect(calls).toBe(3);
    expect(waits).toEqual([100, 200]);
  });

  it("should throw at once when the failure is not a busy database", () => {
    let calls = 0;
    expect(() =>
      withBusyRetry(() => {
        calls += 1;
        throw new Error("no such table: merchants");
      }, { sleep: () => undefined }),
    ).toThrow("no such table");
    expect(calls).toBe(1);
  });

  it("should give up after the last attempt when the database stays busy", () => {
    let calls = 0;
    expect(() =>
      withBusyRetry(() => {
        calls += 1;
        throw busy();
      }, { attempts: 4, sleep: () => undefined }),
    ).toThrow("wrangler d1 execute");
    expect(calls).toBe(4);
  });

  it("should inline parameters as SQL literals, quotes doubled, when writes are rendered", () => {
    expect(renderWrites([{ sql: "INSERT INTO t (a, b, c) VALUES (?, ?, ?)", params: ["l'atelier", 3, null] }])).toBe("INSERT INTO t (a, b, c) VALUES ('l''atelier', 3, NULL);");
  });
});
