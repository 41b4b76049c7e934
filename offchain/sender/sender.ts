/**
 * The proof sender: submits proven batches to L1 `submitBatch` strictly in order. Each step reads
 * L1 `batchCount()` first, so a batch that already landed (sent before a crash, or by anyone) is
 * never sent again; takes batch `batchCount` from the extractor's table and its proof from the
 * proof queue (a proof for a later batch simply waits its turn); checks the proof's public signals,
 * L1's state root, op chain and processed deposits against the batch; builds the slots from L1
 * `DepositQueued` logs; collects the attesters' signatures of the batch's L2 op chain, count and head
 * (it is a courier: the proof and the signatures are the authority, docs/protocol.md section 14);
 * simulates; sends (same-nonce fee bumps when stuck); checks the receipt and records the
 * transaction and its gas.
 */
import { decodeEventLog, getAbiItem, type Hex, type PublicClient } from "viem";
import { assetStorageAbi } from "../lib/abi.js";
import { encodeOps } from "../lib/protocol.js";
import { httpAttestations } from "../runtime/attestation-http.js";
import { AttestationShortfall, type AttestationSource, type Attested } from "../runtime/attestation-source.js";
import { publicClientFor, type SignerClient, walletClientFor } from "../runtime/chains.js";
import type { Logger } from "../runtime/log.js";
import { Metrics } from "../runtime/metrics.js";
import { BatchRowError, type BatchToSend, readBatchToSend } from "../runtime/node-db/batches.js";
import type { Db } from "../runtime/node-db/open.js";
import type { ProofQueue, ProofResult } from "../runtime/node-db/proof-jobs.js";
import { SenderStore } from "../runtime/node-db/sender.js";
import { describeError, rpcRetry } from "../runtime/rpc.js";
import { runEvery } from "../runtime/scheduler.js";
import { type SendOutcome, simulateAndSend } from "../runtime/send.js";
import type { SenderConfig } from "./config.js";
import { fetchQueueRequests } from "./queue.js";
import { type BatchSlot, buildSlots, publicSignalsMismatch, queueSlotCount, SlotBuildError } from "./slots.js";

/** What the sender needs from the proof queue (offchain/runtime/node-db/proof-jobs.ts). */
export type ProofSource = Pick<ProofQueue, "result">;

export interface SenderDeps {
  config: SenderConfig;
  db: Db;
  log: Logger;
  signal: AbortSignal;
  queue: ProofSource;
  /** Where the attesters' signatures come from; default: their HTTP APIs (config.attesterUrls). */
  attestations?: AttestationSource;
  metrics?: Metrics;
  /** Injected clients (tests); default: built from the config. */
  l1?: PublicClient;
  wallet?: SignerClient;
}

export const SENDER_METRICS: [name: string, type: "gauge" | "counter", help: string][] = [
  ["sender_l1_batch_count", "gauge", "AssetStorage.batchCount() at the last read (= next batch to send)"],
  ["sender_batches_landed_total", "counter", "Batches this process submitted that landed on L1"],
  ["sender_gas_used_total", "counter", "Gas used by the batches this process landed"],
  ["sender_last_batch_gas_used", "gauge", "Gas used by the last batch landed"],
  ["sender_submit_failures_total", "counter", "Submissions refused by checks or simulation, or reverted on L1"],
  ["sender_tick_errors_total", "counter", "Ticks that ended with an error (retried next tick)"],
];

const BATCH_VERIFIED = getAbiItem({ abi: assetStorageAbi, name: "BatchVerified" });

type Proof8 = readonly [bigint, bigint, bigint, bigint, bigint, bigint, bigint, bigint];
/** The arguments of submitBatch, in ABI order. */
type SubmitArgs = readonly [bigint, bigint, bigint, Hex, BatchSlot[], Hex, Proof8, Hex];
/** What fetchQueueRequests returned for one batch. */
type QueueFetch = Awaited<ReturnType<typeof fetchQueueRequests>>;

/** The 8 proof words as bigints, or a reason why they are not usable (pure). */
export function proofWords(result: Pick<ProofResult, "proof">): Proof8 | string {
  if (!Array.isArray(result.proof) || result.proof.length !== 8)
    return `proof has ${result.proof?.length} words, not 8`;
  const words: bigint[] = [];
  for (const [i, w] of result.proof.entries()) {
    if (typeof w !== "string" || !/^\d+$/.test(w)) return `proof word ${i} is not a decimal string: ${String(w)}`;
    words.push(BigInt(w));
  }
  return words as unknown as Proof8;
}

/** What a submitBatch revert means for the operator, by custom error (docs/protocol.md sections 8 and 11). */
const REVERT_HINTS: Record<string, string> = {
  OpDataHeadMismatch:
    "the posted op data does not chain to the attested l2OpHead: the extractor's ops of this batch are not L2's log " +
    "(check that DATA_DIR belongs to this deployment; re-extract)",
  OpDataLengthMismatch:
    "the posted op data is not one 61-byte record per op from L1's l2OpCount() to the attested l2OpCount " +
    "(the batch does not start where L1 stands)",
  DepositRecordMismatch:
    "a deposit or forced withdrawal slot does not match L1's queue record (requestHashes): wrong owner, token or timestamp",
  TokenSupplyExceeded: "a token's supply bound was hit on L1",
};

/** The reason with, when it names a known custom error, what it means (pure). */
export function explainSubmitRevert(reason: string): string {
  const hit = Object.keys(REVERT_HINTS).find((name) => reason.includes(name));
  return hit ? `${reason}: ${REVERT_HINTS[hit]}` : reason;
}

export class SenderService {
  readonly store: SenderStore;
  readonly metrics: Metrics;
  readonly l1: PublicClient;
  readonly wallet: SignerClient;
  private readonly attestations: AttestationSource;
  private lastWait = "";

  constructor(private readonly deps: SenderDeps) {
    this.store = new SenderStore(deps.db);
    this.metrics = deps.metrics ?? new Metrics();
    for (const [name, type, help] of SENDER_METRICS) {
      if (type === "gauge") this.metrics.gauge(name, help);
      else this.metrics.counter(name, help);
    }
    this.l1 = deps.l1 ?? publicClientFor(deps.config.l1);
    this.wallet = deps.wallet ?? walletClientFor(deps.config.l1, deps.config.senderKey);
    this.attestations =
      deps.attestations ??
      httpAttestations({
        urls: deps.config.attesterUrls,
        l1: { client: this.l1, assetStorage: deps.config.assetStorage },
      });
  }

  private retry<T>(what: string, fn: () => Promise<T>): Promise<T> {
    return rpcRetry(what, fn, { log: this.deps.log, signal: this.deps.signal });
  }

  private read<T>(
    functionName:
      | "batchCount"
      | "exodusMode"
      | "stateRoot"
      | "opChain"
      | "processedDeposits"
      | "batchSize"
      | "publicSlots",
  ) {
    return this.retry(`L1 ${functionName}()`, () =>
      this.l1.readContract({ address: this.deps.config.assetStorage, abi: assetStorageAbi, functionName }),
    ) as Promise<T>;
  }

  /** Logs a waiting state once (until it changes), so a long wait does not flood the log. */
  private wait(msg: string, level: "debug" | "info" | "warn" | "error", fields: Record<string, unknown> = {}): false {
    if (msg !== this.lastWait) {
      this.deps.log[level](msg, fields);
      this.lastWait = msg;
    }
    return false;
  }

  /** Checks at start that the deployment fits the contract. */
  async preflight(): Promise<void> {
    const batchSize = await this.read<number>("batchSize");
    if (batchSize !== this.deps.config.batchSize) {
      throw new Error(
        `AssetStorage.batchSize() is ${batchSize} but the deployment file says params.batchSize ${this.deps.config.batchSize}; fix the deployment file`,
      );
    }
    const publicSlots = await this.read<number>("publicSlots");
    if (publicSlots !== this.deps.config.publicSlots) {
      throw new Error(
        `AssetStorage.publicSlots() is ${publicSlots} but the deployment file says params.publicSlots ${this.deps.config.publicSlots}: the circuit's K must match L1's; fix the deployment file`,
      );
    }
  }

  /** The attesters' signatures of batch `batch`, or a wait (logged once) when fewer than M signed. */
  private async attest(batch: BatchToSend): Promise<Attested | false> {
    try {
      return await this.attestations.batch({
        batchNumber: BigInt(batch.batchNumber),
        newOpChain: batch.newOpChain,
        l2OpCount: batch.l2OpCount,
        l2OpHead: batch.l2OpHead,
      });
    } catch (error) {
      if (!(error instanceof AttestationShortfall)) throw error;
      this.metrics.inc("sender_submit_failures_total", 1, { reason: "attestation" });
      return this.wait(`batch ${batch.batchNumber}: ${error.message}; not sending, will retry`, "error");
    }
  }

  /** Sends every batch that is ready, in order. */
  async tick(): Promise<void> {
    try {
      for (let i = 0; i < 100 && !this.deps.signal.aborted; i++) {
        if (!(await this.step())) return;
      }
    } catch (error) {
      if (!this.deps.signal.aborted) this.metrics.inc("sender_tick_errors_total");
      throw error;
    }
  }

  /** Rows for batches below batchCount that we did not see land: fill in their transaction and gas. */
  private async backfill(batchCount: number): Promise<void> {
    for (const s of this.store.notLandedBelow(batchCount)) {
      const { config, log } = this.deps;
      let found: { txHash: `0x${string}`; gasUsed: bigint; effectiveGasPrice: bigint; l1Block: bigint } | undefined;
      try {
        const logs = await this.retry("eth_getLogs BatchVerified", () =>
          this.l1.getLogs({
            address: config.assetStorage,
            event: BATCH_VERIFIED,
            args: { batchNumber: BigInt(s.batchNumber) },
            fromBlock: config.l1DeployBlock,
            toBlock: "latest",
          }),
        );
        const hash = logs[0]?.transactionHash;
        if (hash) {
          const r = await this.retry("eth_getTransactionReceipt", () => this.l1.getTransactionReceipt({ hash }));
          found = { txHash: hash, gasUsed: r.gasUsed, effectiveGasPrice: r.effectiveGasPrice, l1Block: r.blockNumber };
        }
      } catch (error) {
        log.warn("could not look up how a batch landed; recording it without gas", {
          batchNumber: s.batchNumber,
          error: describeError(error),
        });
      }
      this.store.markLanded(
        s.batchNumber,
        found ?? { txHash: null, gasUsed: null, effectiveGasPrice: null, l1Block: null },
      );
      log.info("batch already on L1: skipped", {
        batchNumber: s.batchNumber,
        tx: found?.txHash ?? null,
        ours: found?.txHash !== undefined && found.txHash === s.txHash,
      });
    }
  }

  /** One batch: returns true when it landed (or the chain moved), false when waiting. */
  async step(): Promise<boolean> {
    const [count64, exodus] = await Promise.all([this.read<bigint>("batchCount"), this.read<boolean>("exodusMode")]);
    const k = Number(count64);
    this.metrics.set("sender_l1_batch_count", k);
    await this.backfill(k);
    if (exodus) return this.wait("exodus is active on L1: no batch can be submitted any more", "warn");

    const ready = await this.provenBatch(k);
    if (!ready) return false;
    const { batch, words } = ready;
    if (!(await this.continuesL1(batch))) return false;
    const blog = this.deps.log.child({ batchNumber: k });
    const queued = await this.batchSlots(batch, blog);
    if (!queued) return false;
    const attested = await this.attest(batch);
    if (!attested) return false;
    const args = [
      batch.newRoot,
      batch.newOpChain,
      batch.l2OpCount,
      batch.l2OpHead,
      queued.slots,
      encodeOps(batch.ops), // every op's compact data, checked by L1 against l2OpHead (section 8)
      words,
      attested.signatures,
    ] as const;
    return this.submit(batch, args, queued.deposits, attested, blog);
  }

  /** Batch `k` as the extractor cut it and its proof, both checked; false (waiting) when either is not ready or usable. */
  private async provenBatch(k: number): Promise<{ batch: BatchToSend; words: Proof8 } | false> {
    let batch: BatchToSend | undefined;
    try {
      batch = readBatchToSend(this.deps.db, k);
    } catch (error) {
      if (error instanceof BatchRowError) return this.wait(`cannot read batch ${k}: ${error.message}`, "error");
      throw error;
    }
    if (!batch) return this.wait(`waiting for the extractor to cut batch ${k}`, "debug", { batchNumber: k });

    const proof = await this.deps.queue.result(k);
    if (!proof) {
      const later = await this.deps.queue.result(k + 1);
      return this.wait(
        later
          ? `waiting for the proof of batch ${k}; the proof of batch ${k + 1} is ready and held until then`
          : `waiting for the proof of batch ${k}`,
        later ? "info" : "debug",
        { batchNumber: k },
      );
    }
    const words = proofWords(proof);
    if (typeof words === "string" || proof.batchNumber !== k) {
      const why = typeof words === "string" ? words : `the queue returned the proof of batch ${proof.batchNumber}`;
      this.metrics.inc("sender_submit_failures_total", 1, { reason: "proof" });
      return this.wait(`batch ${k}: unusable proof: ${why}; waiting (re-prove the batch)`, "error");
    }
    const boundary = {
      oldRoot: batch.oldRoot,
      newRoot: batch.newRoot,
      oldOpChain: batch.oldOpChain,
      newOpChain: batch.newOpChain,
    };
    const signalsDiff = publicSignalsMismatch(
      boundary,
      batch.ops,
      this.deps.config.batchSize,
      this.deps.config.publicSlots,
      proof.publicSignals,
    );
    if (signalsDiff) {
      this.metrics.inc("sender_submit_failures_total", 1, { reason: "public-signals" });
      return this.wait(
        `batch ${k}: the proof is not for this batch: ${signalsDiff}; waiting (re-prove the batch)`,
        "error",
      );
    }
    return { batch, words };
  }

  /** Whether `batch` starts from the root, op chain and queue pointer L1 holds (else waits: not ours to send). */
  private async continuesL1(batch: BatchToSend): Promise<boolean> {
    const k = batch.batchNumber;
    const [root, chain, processed] = await Promise.all([
      this.read<bigint>("stateRoot"),
      this.read<bigint>("opChain"),
      this.read<bigint>("processedDeposits"),
    ]);
    if (root !== batch.oldRoot || chain !== batch.oldOpChain) {
      return this.wait(
        `batch ${k} does not continue the state proven on L1: it starts from root ${batch.oldRoot} / op chain ${batch.oldOpChain}, ` +
          `L1 holds root ${root} / op chain ${chain}. The extractor's database does not belong to this deployment ` +
          "(wrong DATA_DIR or deployment files) or L1 moved on without this sender; not sending, waiting",
        "error",
      );
    }
    if (processed !== BigInt(batch.firstDepositId)) {
      return this.wait(
        `batch ${k} starts at queue request ${batch.firstDepositId} but L1 has processed ${processed} requests; not sending, waiting`,
        "error",
      );
    }
    return true;
  }

  /** The L1 slots of `batch`, built from the queue records L1 logged; false (waiting) if they do not fit its ops. */
  private async batchSlots(batch: BatchToSend, blog: Logger) {
    const { config, signal } = this.deps;
    const deposits = await fetchQueueRequests(
      {
        client: this.l1,
        assetStorage: config.assetStorage,
        fromBlock: this.store.depositFromBlock() ?? config.l1DeployBlock,
        blockRange: config.blockRange,
        log: blog,
        signal,
      },
      batch.firstDepositId,
      queueSlotCount(batch.ops),
    );
    try {
      return { slots: buildSlots(batch.ops, deposits.requests, config.batchSize, config.publicSlots), deposits };
    } catch (error) {
      if (!(error instanceof SlotBuildError)) throw error;
      this.metrics.inc("sender_submit_failures_total", 1, { reason: "slots" });
      return this.wait(`batch ${batch.batchNumber}: ${error.message}; not sending, waiting`, "error");
    }
  }

  /**
   * Simulates and sends submitBatch and records the outcome; true when it landed (or the nonce moved
   * on), false (batch marked failed) when it would revert or reverted.
   */
  private async submit(
    batch: BatchToSend,
    args: SubmitArgs,
    deposits: QueueFetch,
    attested: Attested,
    blog: Logger,
  ): Promise<boolean> {
    const { config, signal } = this.deps;
    const k = batch.batchNumber;
    const sent = await simulateAndSend(
      {
        client: this.l1,
        wallet: this.wallet,
        log: blog,
        signal,
        stuckAfterMs: config.txTimeoutMs,
        pollIntervalMs: Math.min(config.pollIntervalMs, 1_000),
        maxFeePerGasCap: config.maxFeePerGas,
        what: `submitBatch ${k}`,
        explainRevert: explainSubmitRevert,
        hooks: { onSent: (hash, nonce) => this.store.markSent(k, hash, nonce) },
      },
      { address: config.assetStorage, abi: assetStorageAbi, functionName: "submitBatch", args },
    );
    if (sent.kind === "wouldRevert") {
      this.store.markFailed(k, "failed", `simulation: ${sent.reason}`);
      this.metrics.inc("sender_submit_failures_total", 1, { reason: "simulation" });
      return this.wait(`batch ${k}: submitBatch would revert (${sent.reason}); not sending, will retry`, "error");
    }
    if (sent.kind === "nonceTaken") return true; // re-read batchCount: it may have been this batch
    if (sent.kind === "reverted") {
      this.store.markFailed(k, "reverted", `transaction ${sent.hash} ${sent.reason}`, sent.hash);
      this.metrics.inc("sender_submit_failures_total", 1, { reason: "reverted" });
      blog.error("submitBatch reverted on L1: not marked landed, will retry", {
        tx: sent.hash,
        gasUsed: sent.receipt.gasUsed,
        reason: sent.reason,
      });
      this.lastWait = "";
      return false;
    }
    this.landed(batch, sent, deposits, attested, blog);
    return true;
  }

  /** Records batch `batch` landed with `sent`, its metrics and its log line. */
  private landed(
    batch: BatchToSend,
    sent: Extract<SendOutcome, { kind: "landed" }>,
    deposits: QueueFetch,
    attested: Attested,
    blog: Logger,
  ): void {
    const k = batch.batchNumber;
    const r = sent.receipt;
    if (!this.hasBatchVerified(r.logs, k)) {
      blog.error("submitBatch succeeded without a BatchVerified event for this batch", { tx: sent.hash });
    }
    this.store.db.transaction(() => {
      this.store.markLanded(k, {
        txHash: sent.hash,
        gasUsed: r.gasUsed,
        effectiveGasPrice: r.effectiveGasPrice,
        l1Block: r.blockNumber,
      });
      if (deposits.requests.length) this.store.setDepositFromBlock(deposits.lastBlock);
    })();
    this.metrics.inc("sender_batches_landed_total");
    this.metrics.inc("sender_gas_used_total", Number(r.gasUsed));
    this.metrics.set("sender_last_batch_gas_used", r.gasUsed);
    this.metrics.set("sender_l1_batch_count", k + 1);
    this.lastWait = "";
    blog.info("batch landed on L1", {
      tx: sent.hash,
      block: r.blockNumber,
      gasUsed: r.gasUsed,
      effectiveGasPrice: r.effectiveGasPrice,
      ops: batch.opCount,
      queueRequests: deposits.requests.length,
      replacements: sent.replacements,
      newRoot: batch.newRoot,
      l2OpCount: batch.l2OpCount,
      attesters: attested.signers,
    });
  }

  /** Whether `logs` hold this contract's BatchVerified of batch `k`. */
  private hasBatchVerified(
    logs: readonly { address: string; data: Hex; topics: readonly Hex[] }[],
    k: number,
  ): boolean {
    const storage = this.deps.config.assetStorage.toLowerCase();
    return logs.some((l) => {
      if (l.address.toLowerCase() !== storage) return false;
      try {
        const e = decodeEventLog({
          abi: [BATCH_VERIFIED],
          data: l.data,
          topics: l.topics as [Hex, ...Hex[]],
          strict: true,
        });
        return e.args.batchNumber === BigInt(k);
      } catch {
        return false;
      }
    });
  }
}

/** Runs the sender until `deps.signal` aborts. */
export async function runSender(deps: SenderDeps): Promise<void> {
  const service = new SenderService(deps);
  deps.log.info("sender starting", {
    assetStorage: deps.config.assetStorage,
    courier: service.wallet.account.address,
    batchSize: deps.config.batchSize,
    ...service.store.progress(),
  });
  await service.preflight();
  await runEvery(deps.config.pollIntervalMs, () => service.tick(), {
    signal: deps.signal,
    log: deps.log,
    name: "sender tick",
  });
  deps.log.info("sender stopped", { ...service.store.progress() });
}
