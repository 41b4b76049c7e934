/**
 * Test prover process for bullmq-queue.test.ts: a ProverPool of one fake-prover worker
 * (fake-worker.ts) on the BullMQ queue REDIS_URL/PROOF_QUEUE, as a separate process that a test can
 * SIGKILL mid-proof. Environment: REDIS_URL, PROOF_QUEUE, LEASE_MS, FAKE_PROVE_MS, CIRCUIT_DIR
 * (any folder with a verification_key.json: the worker reads it at start). Logs JSON to stderr.
 */
import { fileURLToPath } from "node:url";
import { createLogger } from "../../runtime/log.js";
import { BullmqProofQueue } from "../bullmq-queue.js";
import { ProverPool } from "../pool.js";
import { circuitArtifacts } from "../prove.js";

const log = createLogger("test-prover");
const leaseMs = Number(process.env.LEASE_MS ?? "1500");
const queue = new BullmqProofQueue({
  url: process.env.REDIS_URL!,
  queueName: process.env.PROOF_QUEUE!,
  leaseMs,
  retryDelayMs: 50,
  workerName: `separate:${process.pid}`,
  log,
});
const pool = new ProverPool({
  queue,
  circuit: circuitArtifacts(process.env.CIRCUIT_DIR!, "tiny"),
  workers: 1,
  leaseMs,
  pollMs: 100,
  log,
  idPrefix: `separate:${process.pid}`,
  workerEntry: fileURLToPath(new URL("./fake-worker.ts", import.meta.url)),
});
pool.on("started", (batch: number) => process.stdout.write(`started ${batch}\n`));
pool.start();
const stop = async () => {
  await pool.stop();
  await queue.close();
  process.exit(0);
};
process.on("SIGTERM", () => void stop());
process.on("SIGINT", () => void stop());
