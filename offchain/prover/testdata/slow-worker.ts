/**
 * Test worker: the real worker, except that the first attempt of each batch listed in
 * SLOW_BATCHES (comma-separated) waits SLOW_MS before proving, so a test can kill or stop it
 * while it holds the job.
 */
import { sleep } from "../../runtime/retry.js";
import { proveBatch } from "../prove.js";
import { runWorker } from "../worker.js";

const slow = new Set((process.env.SLOW_BATCHES ?? "").split(",").filter(Boolean).map(Number));
const ms = Number(process.env.SLOW_MS ?? "0");

void runWorker({
  prove: async (params, job) => {
    if (job.attempt === 1 && slow.has(job.batchNumber)) await sleep(ms);
    return proveBatch(params);
  },
});
