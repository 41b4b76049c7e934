import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createLogger } from "./log.js";
import { sleep, withRetry } from "./retry.js";

describe("withRetry", () => {
  it("retries until the call succeeds and passes the attempt number", async () => {
    const seen: number[] = [];
    const lines: string[] = [];
    const log = createLogger("t", { level: "debug", write: (l) => lines.push(l) });
    const value = await withRetry(
      async (attempt) => {
        seen.push(attempt);
        if (attempt < 3) throw new Error(`flaky ${attempt}`);
        return "ok";
      },
      { baseDelayMs: 1, log, what: "eth_call" },
    );
    assert.equal(value, "ok");
    assert.deepEqual(seen, [1, 2, 3]);
    assert.equal(lines.length, 2, "one warning per failed attempt");
    const first = JSON.parse(lines[0]!);
    assert.equal(first.level, "warn");
    assert.equal(first.what, "eth_call");
    assert.equal(first.error, "flaky 1");
  });

  it("throws the last error when the attempts run out", async () => {
    let calls = 0;
    await assert.rejects(
      withRetry(
        async () => {
          calls++;
          throw new Error(`fail ${calls}`);
        },
        { attempts: 4, baseDelayMs: 1 },
      ),
      /fail 4/,
    );
    assert.equal(calls, 4);
  });

  it("stops at once on a non-retryable error", async () => {
    let calls = 0;
    class Fatal extends Error {}
    await assert.rejects(
      withRetry(
        async () => {
          calls++;
          throw calls === 1 ? new Error("transient") : new Fatal("reverted");
        },
        { baseDelayMs: 1, retryable: (e) => !(e instanceof Fatal) },
      ),
      Fatal,
    );
    assert.equal(calls, 2);
  });

  it("stops waiting when the signal aborts", async () => {
    const controller = new AbortController();
    let calls = 0;
    const started = Date.now();
    const run = withRetry(
      async () => {
        calls++;
        throw new Error("down");
      },
      { baseDelayMs: 5_000, signal: controller.signal },
    );
    setTimeout(() => controller.abort(new Error("shutdown")), 20);
    await assert.rejects(run, /shutdown/);
    assert.equal(calls, 1);
    assert.ok(Date.now() - started < 2_000, "did not wait for the backoff");
  });

  it("does not retry once the signal is already aborted", async () => {
    const controller = new AbortController();
    controller.abort();
    let calls = 0;
    await assert.rejects(
      withRetry(
        async () => {
          calls++;
          throw new Error("x");
        },
        { baseDelayMs: 1, signal: controller.signal },
      ),
      /x/,
    );
    assert.equal(calls, 1);
  });

  it("caps the delay at maxDelayMs", async () => {
    const started = Date.now();
    let calls = 0;
    await withRetry(
      async () => {
        if (++calls < 4) throw new Error("x");
      },
      { baseDelayMs: 10_000, maxDelayMs: 5 },
    );
    assert.ok(Date.now() - started < 1_000);
  });
});

describe("sleep", () => {
  it("resolves after the delay", async () => {
    const started = Date.now();
    await sleep(15);
    assert.ok(Date.now() - started >= 10);
  });

  it("rejects at once with an already-aborted signal", async () => {
    await assert.rejects(sleep(10_000, AbortSignal.abort(new Error("gone"))), /gone/);
  });
});
