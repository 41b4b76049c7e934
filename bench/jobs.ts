/**
 * Proving jobs for the benchmark: one full batch (every slot a real op) of the batch circuit,
 * built by the protocol core exactly as the extractor builds them.
 */
import { bigIntToAddress } from "../offchain/lib/field.js";
import { type Op, ZERO_ADDRESS } from "../offchain/lib/protocol.js";
import { BridgeState } from "../offchain/lib/state.js";
import { buildBatch } from "../offchain/lib/witness.js";

export interface BenchJob {
  input: Record<string, unknown>;
  publicSignals: string[];
  /** Op kinds of the slots (1 credit, 2 transfer, 3 withdrawal). */
  kinds: number[];
}

const alice = bigIntToAddress(0xa11ce00000000000000000000000000000000001n);
const bob = bigIntToAddress(0xb0b0000000000000000000000000000000000002n);
const ETHER = 10n ** 18n;

/**
 * A full batch of `batch` slots at `depth`, after a first (unproven) batch that funds alice: slots
 * cycle through credit (a fresh account), transfer alice -> bob, withdrawal by alice, transfer bob -> alice.
 */
export function benchJob(depth: number, batch: number): BenchJob {
  const state = new BridgeState(depth);
  buildBatch(state, [{ kind: 1, tokenId: 0, from: ZERO_ADDRESS, to: alice, amount: 1000n * ETHER }], batch, batch);
  const ops: Op[] = [];
  for (let i = 0; i < batch; i++) {
    const shape = i % 4;
    if (shape === 0) {
      ops.push({ kind: 1, tokenId: 0, from: ZERO_ADDRESS, to: bigIntToAddress(0xc000n + BigInt(i)), amount: ETHER });
    } else if (shape === 1) {
      ops.push({ kind: 2, tokenId: 0, from: alice, to: bob, amount: 2n * ETHER });
    } else if (shape === 2) {
      ops.push({ kind: 3, tokenId: 0, from: alice, to: alice, amount: ETHER });
    } else {
      ops.push({ kind: 2, tokenId: 0, from: bob, to: alice, amount: ETHER });
    }
  }
  const w = buildBatch(state, ops, batch, batch);
  return { input: w.input, publicSignals: w.publicSignals.map(String), kinds: ops.map((o) => o.kind) };
}
