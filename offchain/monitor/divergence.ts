/**
 * Is L1's proven state still a prefix of L2's op log? L1 keeps `opChain`, the Poseidon op chain
 * after the last proven op (docs/protocol.md section 7). The node knows its own chain at every op
 * count of the op log it extracted from L2: at each batch boundary (`batches.new_op_chain`) and,
 * between them, by recomputing it from `extractor_ops`. Every monitor round:
 * - L1's opChain is the node's chain at some op count c: consistent (L1 proved L2's first c ops);
 * - it is not, and the node has extracted every op L2 logged: **diverged**. A batch landed on L1
 *   whose ops are not L2's (a sender that is not this node's, a wrong verifier, or this node's
 *   database belongs to another deployment). The node can never prove past it: the monitor stops
 *   crediting and raises the `l1-diverged` alarm (docs/operations.md says what to do);
 * - it is not, and the extractor is behind L2: unknown until it catches up (no change).
 * The tables are the extractor's, read through offchain/runtime/node-db/divergence.ts.
 */
import type { Address, PublicClient } from "viem";
import { assetReceivingAbi, assetStorageAbi } from "../lib/abi.js";
import { nextOpChain } from "../lib/protocol.js";
import type { Logger } from "../runtime/log.js";
import { type Db, extractedOpCount, extractedOpsFrom, opCountOfBatchChain } from "../runtime/node-db/index.js";
import { rpcRetry } from "../runtime/rpc.js";

export const DIVERGENCE_ALARM = "l1-diverged";

/** Ops recomputed per round at most, so a long op log never blocks the event loop for long. */
const OPS_PER_ROUND = 5_000;

export type PrefixCheck =
  | { state: "consistent"; opCount: number; batchCount: bigint }
  | { state: "unknown"; reason: string; batchCount: bigint }
  | { state: "diverged"; batchCount: bigint; opChain: bigint; nodeOps: number; l2Ops: number; message: string };

export class PrefixWatch {
  /** The last op count where L1's chain was found (the search resumes there: L1 only moves on). */
  private base = { count: 0, chain: 0n };
  /** Chains computed forward from `base`: chain -> op count. */
  private walked = new Map<bigint, number>();
  private walk = { count: 0, chain: 0n };

  constructor(
    private readonly o: {
      l1: PublicClient;
      l2: PublicClient;
      assetStorage: Address;
      assetReceiving: Address;
      db: Db;
      log: Logger;
      signal: AbortSignal;
    },
  ) {}

  async check(): Promise<PrefixCheck> {
    const { l1, l2, assetStorage, assetReceiving, log, signal } = this.o;
    const read = <T>(what: string, fn: () => Promise<unknown>) => rpcRetry(what, fn, { log, signal }) as Promise<T>;
    const [batchCount, opChain] = await Promise.all([
      read<bigint>("L1 batchCount()", () =>
        l1.readContract({ address: assetStorage, abi: assetStorageAbi, functionName: "batchCount" }),
      ),
      read<bigint>("L1 opChain()", () =>
        l1.readContract({ address: assetStorage, abi: assetStorageAbi, functionName: "opChain" }),
      ),
    ]);
    const at = this.opCountOf(opChain);
    if (at !== undefined) return { state: "consistent", opCount: at, batchCount };
    const nodeOps = this.extractedOps();
    if (this.walk.count < nodeOps) {
      return {
        state: "unknown",
        reason: `recomputing the op chain (${this.walk.count} of ${nodeOps} ops)`,
        batchCount,
      };
    }
    // Only now is L2 asked (the consistent case, every round, needs L1 alone).
    const l2Ops = await read<bigint>("L2 opCount()", () =>
      l2.readContract({ address: assetReceiving, abi: assetReceivingAbi, functionName: "opCount" }),
    );
    if (nodeOps < Number(l2Ops)) {
      return { state: "unknown", reason: `the extractor has ${nodeOps} of L2's ${l2Ops} ops`, batchCount };
    }
    return {
      state: "diverged",
      batchCount,
      opChain,
      nodeOps,
      l2Ops: Number(l2Ops),
      message:
        `L1 holds ${batchCount} proven batch(es) ending at op chain ${opChain}, which is not the op chain of L2's op log ` +
        `at any op count from ${this.base.count} to ${nodeOps} (all of L2's ${l2Ops} ops extracted): a batch landed on L1 ` +
        "that does not continue L2's op log",
    };
  }

  /** The op count where the node's chain is `chain`, from the batches or by recomputing from the ops; undefined if not (yet) found. */
  private opCountOf(chain: bigint): number | undefined {
    if (chain === this.base.chain) return this.base.count;
    const { db } = this.o;
    const n = opCountOfBatchChain(db, chain);
    if (n !== undefined && n >= this.base.count) return this.rebase(n, chain);
    const found = this.walked.get(chain);
    if (found !== undefined) return this.rebase(found, chain);
    for (const { opIndex, op } of extractedOpsFrom(db, this.walk.count, OPS_PER_ROUND)) {
      if (opIndex !== this.walk.count) break; // a gap: the extractor is writing; go on next round
      this.walk = { count: this.walk.count + 1, chain: nextOpChain(this.walk.chain, op) };
      this.walked.set(this.walk.chain, this.walk.count);
      if (this.walk.chain === chain) return this.rebase(this.walk.count, chain);
    }
    return undefined;
  }

  private rebase(count: number, chain: bigint): number {
    this.base = { count, chain };
    if (this.walk.count < count) {
      this.walk = { count, chain };
      this.walked = new Map();
    } else {
      for (const [c, n] of this.walked) if (n <= count) this.walked.delete(c);
    }
    return count;
  }

  private extractedOps(): number {
    return extractedOpCount(this.o.db);
  }
}
