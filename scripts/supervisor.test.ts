import { describe, expect, it } from "vitest";
import { isProcessAlive } from "./process-alive";
import { startNodeChild } from "./supervised-child";
import { Supervisor } from "./supervisor";

const node = (code: string) => () => startNodeChild({ args: ["-e", code], cwd: process.cwd(), env: process.env });

describe("supervisor", () => {
  it("restarts a crash-looping process, leaves the others alone, and stops all", async () => {
    const said: string[] = [];
    const sup = new Supervisor({
      say: (l) => said.push(l),
      backoff: { initialMs: 50, maxMs: 200, resetAfterMs: 60_000 },
    });
    await sup.add({ name: "steady", start: node("setInterval(() => {}, 1000)") });
    await sup.add({ name: "crasher", start: node("process.exit(3)") });
    const steady = sup.pids().steady!;
    const until = Date.now() + 20_000;
    while (said.length < 3 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    expect(said.slice(0, 3)).toEqual(
      Array.from({ length: 3 }, () => expect.stringMatching(/^crasher \(pid \d+\) exited with exit code 3 after /)),
    );
    expect(new Set(said.map((l) => /pid (\d+)/.exec(l)![1])).size).toBe(said.length); // a new process each time
    expect(sup.pids().steady).toBe(steady);
    expect(isProcessAlive(steady)).toBe(true);

    await sup.stop();
    expect(isProcessAlive(steady)).toBe(false);
    const count = said.length;
    await new Promise((r) => setTimeout(r, 600)); // longer than the longest backoff: nothing comes back
    expect(said.length).toBe(count);
    expect(sup.pids().crasher).toBeUndefined();
  }, 30_000);

  it("kills a process that ignores SIGTERM after the grace period", async () => {
    const sup = new Supervisor({ say: () => {} });
    await sup.add({
      name: "stubborn",
      start: node("process.on('SIGTERM', () => {}); setInterval(() => {}, 1000)"),
    });
    const pid = sup.pids().stubborn!;
    await new Promise((r) => setTimeout(r, 300)); // let it install its handler
    await sup.stop(undefined, 500);
    expect(isProcessAlive(pid)).toBe(false);
  }, 30_000);
});
