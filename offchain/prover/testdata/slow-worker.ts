/**
 * Test worker: the real worker, except that the first attempt of each batch listed in
 * SLOW_BATCHES (comma-separated) waits SLOW_MS before proving, so a test can kill or stop it
 * while it holds the job; and the first attempt of each batch in HANG_BATCHES blocks its event
 * loop for HANG_MS (no heartbeats: a hung worker).
 */
import { sleep } from "../../runtime/retry.js";
import { proveBatch } from "../prove.js";
import { runWorker } from "../worker.js";

const slow = new Set((process.env.SLOW_BATCHES ?? "").split(",").filter(Boolean).map(Number));
const ms = Number(process.env.SLOW_MS ?? "0");
const hang = new Set((process.env.HANG_BATCHES ?? "").split(",").filter(Boolean).map(Number));
const hangMs = Number(process.env.HANG_MS ?? "0");

void runWorker({
  prove: async (params, job) => {
    if (job.attempt === 1 && slow.has(job.batchNumber)) await sleep(ms);
    if (job.attempt === 1 && hang.has(job.batchNumber)) {
      await sleep(0);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, hangMs); // blocks: no heartbeats
    }
    return proveBatch(params);
  },
});
