/**
 * One prover worker process, forked by the pool (pool.ts) with `--import tsx`.
 *
 * It owns no queue: the pool claims jobs and sends them here one at a time; the worker proves,
 * verifies, and answers `done` or `error`, sending a `heartbeat` every `heartbeatMs` while it
 * works so the pool can renew the job's lease (and kill the worker when the heartbeats stop).
 *
 * Lifetime: exits on SIGTERM (at once when idle, after reporting the current proof when busy),
 * and at once when the pool goes away (IPC disconnect). SIGINT is ignored: Ctrl-C reaches the
 * whole process group, and the pool decides how its workers stop. Exits are explicit
 * (process.exit), since snarkjs's worker threads would keep the process alive.
 */
import { pathToFileURL } from "node:url";
import * as snarkjs from "snarkjs";
import type { FromWorker, ToWorker, WorkerConfig } from "./ipc.js";
import { loadVerificationKey, type ProvedBatch, type ProveParams, proveBatch } from "./prove.js";

export interface RunWorkerOptions {
  /** The proving function (tests wrap it to slow a job down); default proveBatch. */
  prove?: (params: ProveParams, job: ToWorker) => Promise<ProvedBatch>;
  /** The config; default: the JSON in process.argv[2]. */
  config?: WorkerConfig;
}

export async function runWorker(options: RunWorkerOptions = {}): Promise<void> {
  const send = process.send?.bind(process);
  if (!send) {
    console.error("offchain/prover/worker.ts is started by the prover pool (child_process.fork), not directly");
    process.exit(2);
  }
  const post = (msg: FromWorker, then?: () => void) => {
    if (!process.connected) return then?.();
    send(msg, undefined, {}, () => then?.());
  };

  let busy = false;
  let stopping = false;
  const exit = (code: number) => process.exit(code);
  process.on("SIGINT", () => {});
  process.on("SIGTERM", () => {
    stopping = true;
    if (!busy) exit(0);
  });
  process.on("disconnect", () => exit(1));
  if (!process.connected) exit(1); // the pool died while this process was loading

  let config: WorkerConfig;
  let vkey: ReturnType<typeof loadVerificationKey>;
  try {
    config = options.config ?? (JSON.parse(process.argv[2] ?? "") as WorkerConfig);
    vkey = loadVerificationKey(config.vkeyPath);
    await snarkjs.curves.getCurveFromName("bn128"); // warm up: builds the curve and its threads once
  } catch (error) {
    post({ type: "fatal", error: error instanceof Error ? error.message : String(error) }, () => exit(1));
    return;
  }
  if (!process.connected) exit(1);
  const prove = options.prove ?? ((params: ProveParams) => proveBatch(params));

  process.on("message", async (msg: ToWorker) => {
    if (msg?.type !== "prove") return;
    if (busy || stopping) {
      post({ type: "error", batchNumber: msg.batchNumber, error: "worker is busy or stopping" });
      return;
    }
    busy = true;
    const beat = setInterval(() => post({ type: "heartbeat", batchNumber: msg.batchNumber }), config.heartbeatMs);
    let reply: FromWorker;
    try {
      const out = await prove(
        {
          input: msg.input,
          wasmPath: config.wasmPath,
          zkeyPath: config.zkeyPath,
          vkey,
          expectedPublicSignals: msg.publicSignals,
        },
        msg,
      );
      reply = {
        type: "done",
        batchNumber: msg.batchNumber,
        proof: out.proof,
        publicSignals: out.publicSignals,
        ms: out.ms,
      };
    } catch (error) {
      reply = {
        type: "error",
        batchNumber: msg.batchNumber,
        error: error instanceof Error ? error.message : String(error),
        kind: (error as { kind?: string }).kind,
      };
    } finally {
      clearInterval(beat);
    }
    post(reply, () => {
      busy = false;
      if (stopping) exit(0);
    });
  });

  post({ type: "ready" });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  void runWorker();
}
