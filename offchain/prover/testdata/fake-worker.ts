/**
 * Test worker for the queue-semantics tests of bullmq-queue.test.ts: the real worker process
 * (worker.ts: IPC, heartbeats, SIGTERM handling) with a deterministic fake prover instead of
 * snarkjs. The "proof" is 8 words derived from the input, the public signals are the expected
 * ones; each proof takes FAKE_PROVE_MS (default 200) while heartbeats keep flowing.
 */
import { createHash } from "node:crypto";
import { pathToFileURL } from "node:url";
import { sleep } from "../../runtime/retry.js";
import { runWorker } from "../worker.js";

const ms = Number(process.env.FAKE_PROVE_MS ?? "200");

/** The fake proof of an input: 8 field-sized words from sha256(JSON(input) || i). */
export function fakeProof(input: unknown): string[] {
  return Array.from({ length: 8 }, (_, i) =>
    (
      BigInt(
        `0x${createHash("sha256")
          .update(`${JSON.stringify(input)}|${i}`)
          .digest("hex")}`,
      ) >> 8n
    ).toString(),
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  void runWorker({
    prove: async (params) => {
      const started = Date.now();
      await sleep(ms);
      return {
        proof: fakeProof(params.input),
        publicSignals: [...params.expectedPublicSignals],
        ms: Date.now() - started,
      };
    },
  });
}
