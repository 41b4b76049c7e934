import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { createLogger } from "../runtime/log.js";
import { openDatabase } from "../runtime/node-db/open.js";
import { SqliteProofQueue } from "../runtime/node-db/proof-jobs.js";
import { loadProverConfig } from "./config.js";
import { main } from "./index.js";
import { ensureTinyCircuit, type TinyCircuit, tinyJob } from "./testkit.js";

function capture() {
  const lines: Record<string, unknown>[] = [];
  return { lines, log: createLogger("prover", { write: (l) => lines.push(JSON.parse(l)) }) };
}

describe("prover config", () => {
  it("has the documented defaults", () => {
    const c = loadProverConfig({});
    assert.equal(c.dbPath, join("build/node", "bridge.sqlite"));
    assert.equal(c.circuitDir, "build/circuits/batch-d16-n4-k2");
    assert.ok(c.workers >= 1);
    assert.equal(c.leaseMs, 60_000);
  });

  it("names each bad field", () => {
    assert.throws(
      () => loadProverConfig({ PROVER_WORKERS: "0", LEASE_MS: "soon" }),
      (e: unknown) => {
        const m = (e as Error).message;
        assert.match(m, /PROVER_WORKERS \(environment\): must be >= 1 \(got "0"\)/);
        assert.match(m, /LEASE_MS/);
        return true;
      },
    );
  });
});

describe("prover service entry", () => {
  let circuit: TinyCircuit;
  before(async () => {
    circuit = await ensureTinyCircuit();
  });

  it("refuses to start without the circuit artifacts, naming make circuit-setup", async () => {
    const { lines, log } = capture();
    const empty = mkdtempSync(join(tmpdir(), "prover-nocircuit-"));
    const status = await main({ CIRCUIT_DIR: empty, DATA_DIR: empty }, log, new AbortController().signal);
    assert.equal(status, 2);
    assert.match(String(lines.at(-1)?.error), /circuit artifacts missing: .*batch\.wasm.*make circuit-setup/);
  });

  it("refuses a bad configuration with status 2", async () => {
    const { lines, log } = capture();
    assert.equal(await main({ PROVER_WORKERS: "-1" }, log, new AbortController().signal), 2);
    assert.match(String(lines.at(-1)?.error), /PROVER_WORKERS/);
  });

  it("proves queued jobs from the node's database and stops cleanly on the signal", async () => {
    // The tiny circuit under the batch circuit's file names.
    const circuitDir = mkdtempSync(join(tmpdir(), "prover-circuit-"));
    mkdirSync(join(circuitDir, "batch_js"));
    symlinkSync(circuit.wasmPath, join(circuitDir, "batch_js", "batch.wasm"));
    symlinkSync(circuit.zkeyPath, join(circuitDir, "batch.zkey"));
    symlinkSync(circuit.vkeyPath, join(circuitDir, "verification_key.json"));
    const dataDir = mkdtempSync(join(tmpdir(), "prover-data-"));
    const db = openDatabase(join(dataDir, "bridge.sqlite"));
    const queue = new SqliteProofQueue(db);
    await queue.enqueue({ batchNumber: 0, ...tinyJob(2n, 3n) });
    await queue.enqueue({ batchNumber: 1, ...tinyJob(4n, 5n) });

    const { lines, log } = capture();
    const controller = new AbortController();
    const env = { CIRCUIT_DIR: circuitDir, DATA_DIR: dataDir, PROVER_WORKERS: "1", POLL_INTERVAL_MS: "50" };
    const running = main(env, log, controller.signal);
    const end = Date.now() + 30_000;
    while ((await queue.stats()).proven < 2) {
      assert.ok(Date.now() < end, "jobs proved in time");
      await new Promise((r) => setTimeout(r, 50));
    }
    controller.abort();
    assert.equal(await running, 0);
    assert.deepEqual((await queue.result(1))?.publicSignals, tinyJob(4n, 5n).publicSignals);
    const pids = lines.filter((l) => l.msg === "worker started").map((l) => l.pid as number);
    assert.equal(pids.length, 1);
    assert.throws(() => process.kill(pids[0]!, 0), /ESRCH/, "the worker exited");
    assert.ok(lines.some((l) => l.msg === "workers stopped"));
    db.close();
  });
});
