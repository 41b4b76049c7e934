/**
 * The extractor loop: follows `OpLogged` on L2 in block windows up to the confirmed tip, verifies
 * the op log (lib/oplog.ts), cuts batches (batcher.ts), commits ops + batches + cursor in one SQLite
 * transaction, then enqueues the proof jobs. Restart-safe: it resumes from the committed state, and
 * batches committed but not yet enqueued are enqueued again (the queue is idempotent by batch number).
 */
import type { PublicClient } from "viem";
import { checkStoredHead, type OpLogCursor, verifyOpLog } from "../lib/oplog.js";
import { type Db, type Logger, publicClientFor, type RetryOptions, sleep, withRetry } from "../runtime/index.js";
import type { Metrics } from "../runtime/metrics.js";
import {
  type BatchRecord,
  type ExtractorCursor,
  type ExtractorProgress,
  ExtractorStore,
  type StoredOp,
} from "../runtime/node-db/extractor.js";
import type { ProofJob } from "../runtime/node-db/index.js";
import { blockHash, confirmedTip, fetchOpLogEvents, readStoredOpLog } from "../runtime/oplog.js";
import { isRevert } from "../runtime/rpc.js";
import { type BatchCursor, cutBatches, timeoutDue } from "./batcher.js";
import type { ExtractorConfig } from "./config.js";
import { isHaltError, ReorgError } from "./errors.js";

export type { ProofJob };

/** The part of the ProofQueue interface the extractor uses (enqueue is idempotent by batch number). */
export interface ProofJobSink {
  enqueue(job: ProofJob): Promise<void>;
}

export interface ExtractorDeps {
  config: ExtractorConfig;
  db: Db;
  log: Logger;
  signal: AbortSignal;
  queue: ProofJobSink;
  /** L2 client (default: an http client for config.l2). */
  client?: PublicClient;
  /** Clock in ms (default Date.now). */
  now?: () => number;
  /** Gauges extractor_* are kept current when given. */
  metrics?: Metrics;
  /** Retry policy for RPC calls and enqueues (default 6 attempts from 250 ms). */
  retry?: Pick<RetryOptions, "attempts" | "baseDelayMs" | "maxDelayMs">;
}

export const jobOf = (b: BatchRecord): ProofJob => ({
  batchNumber: b.batchNumber,
  input: b.input,
  publicSignals: b.publicSignals.map(String),
});

export class Extractor {
  private readonly store: ExtractorStore;
  private readonly client: PublicClient;
  private readonly now: () => number;
  private cursor: ExtractorCursor;
  private batchCursor: BatchCursor;
  private pending: StoredOp[];

  constructor(private readonly deps: ExtractorDeps) {
    this.store = new ExtractorStore(deps.db, deps.config.deployBlock);
    this.client = deps.client ?? publicClientFor(deps.config.l2);
    this.now = deps.now ?? Date.now;
    const resume = this.load();
    this.cursor = resume.cursor;
    this.batchCursor = resume.batchCursor;
    this.pending = resume.pending;
    this.deps.metrics
      ?.gauge("extractor_ops_extracted", "L2 ops extracted and verified")
      .gauge("extractor_pending_ops", "extracted ops waiting for a batch")
      .gauge("extractor_next_batch", "number of the next batch to cut (= batches cut)")
      .gauge("extractor_next_block", "next L2 block to scan")
      .gauge("extractor_batches_not_enqueued", "batches committed whose proof job is not confirmed");
    this.updateMetrics();
    deps.log.info("extractor resumed", {
      nextBlock: this.cursor.nextBlock,
      opCount: this.cursor.opCount,
      nextBatch: this.batchCursor.nextBatchNumber,
      pendingOps: this.pending.length,
      root: this.batchCursor.state.root,
    });
  }

  private load(): { cursor: ExtractorCursor; batchCursor: BatchCursor; pending: StoredOp[] } {
    const r = this.store.resume(this.deps.config.treeDepth);
    return {
      cursor: r.cursor,
      batchCursor: { state: r.state, nextBatchNumber: r.nextBatchNumber, creditsBefore: r.creditsBefore },
      pending: r.pending,
    };
  }

  /** Replaces the in-memory position by the committed one. */
  private reload(): void {
    const r = this.load();
    this.cursor = r.cursor;
    this.batchCursor = r.batchCursor;
    this.pending = r.pending;
  }

  private updateMetrics(): void {
    const m = this.deps.metrics;
    if (!m) return;
    m.set("extractor_ops_extracted", this.cursor.opCount);
    m.set("extractor_pending_ops", this.pending.length);
    m.set("extractor_next_batch", this.batchCursor.nextBatchNumber);
    m.set("extractor_next_block", this.cursor.nextBlock);
    m.set("extractor_batches_not_enqueued", this.store.progress().batchesNotEnqueued);
  }

  /** Progress for status: last extracted op, last batch cut. */
  progress(): ExtractorProgress {
    return this.store.progress();
  }

  /** One round: repair enqueues, extract up to the confirmed tip, cut due batches. */
  async tick(): Promise<void> {
    await this.enqueuePending();
    const { config } = this.deps;
    const tip = await this.rpc("eth_blockNumber", () => confirmedTip(this.client, config.confirmations));
    if (tip === null) return;
    await this.checkReorg(tip);
    while (BigInt(this.cursor.nextBlock) <= tip && !this.deps.signal.aborted) {
      await this.extractWindow(BigInt(this.cursor.nextBlock), tip);
    }
    if (timeoutDue(this.pending, { batchTimeoutMs: config.batchTimeoutMs, now: this.now() })) {
      this.cutAndCommit([], undefined);
      await this.enqueuePending();
    }
  }

  private async extractWindow(from: bigint, tip: bigint): Promise<void> {
    const { config, log } = this.deps;
    const to = from + BigInt(config.blockRange) - 1n < tip ? from + BigInt(config.blockRange) - 1n : tip;
    const events = await this.rpc(`getLogs OpLogged [${from}, ${to}]`, () =>
      fetchOpLogEvents(this.client, config.assetReceiving, from, to),
    );
    const start: OpLogCursor = { nextIndex: this.cursor.opCount, head: this.cursor.opHead };
    const verified = verifyOpLog(start, events);
    const stored = await this.rpc(`opCount/opHead at block ${to}`, () =>
      readStoredOpLog(this.client, config.assetReceiving, to),
    );
    checkStoredHead(verified.cursor, stored);
    const hash = await this.rpc(`block ${to}`, () => blockHash(this.client, to));
    const extractedAt = this.now();
    const ops: StoredOp[] = verified.ops.map((e) => ({
      opIndex: e.opIndex,
      op: e.op,
      head: e.head,
      blockNumber: Number(e.blockNumber),
      transactionHash: e.transactionHash,
      logIndex: e.logIndex,
      extractedAt,
    }));
    const cursor: ExtractorCursor = {
      nextBlock: Number(to) + 1,
      opCount: verified.cursor.nextIndex,
      opHead: verified.cursor.head,
      lastBlock: Number(to),
      lastBlockHash: hash,
    };
    this.cutAndCommit(ops, cursor);
    if (ops.length > 0) {
      log.info("ops extracted", {
        fromBlock: from,
        toBlock: to,
        ops: ops.length,
        opCount: cursor.opCount,
        head: cursor.opHead,
      });
    }
    await this.enqueuePending();
  }

  /**
   * Cuts due batches from pending + `ops` and commits ops, batches and cursor in one transaction.
   * Batching advances the in-memory state; if anything fails before the commit, the state is
   * reloaded from the store so memory never runs ahead of the disk.
   */
  private cutAndCommit(ops: StoredOp[], cursor: ExtractorCursor | undefined): void {
    const { config, log } = this.deps;
    let cut: ReturnType<typeof cutBatches>;
    try {
      cut = cutBatches(this.batchCursor, [...this.pending, ...ops], {
        batchSize: config.batchSize,
        publicSlots: config.publicSlots,
        batchTimeoutMs: config.batchTimeoutMs,
        now: this.now(),
      });
      if (ops.length === 0 && cut.batches.length === 0 && cursor === undefined) return;
      this.store.commit({ ops, batches: cut.batches, ...(cursor ? { cursor } : {}) });
    } catch (error) {
      this.reload();
      throw error;
    }
    if (cursor) this.cursor = cursor;
    this.batchCursor = cut.cursor;
    this.pending = cut.pending;
    this.updateMetrics();
    for (const b of cut.batches) {
      log.info("batch cut", {
        batchNumber: b.batchNumber,
        firstOp: b.firstOp,
        ops: b.opCount,
        firstDepositId: b.firstDepositId,
        deposits: b.depositCount,
        newRoot: b.newRoot,
        full: b.opCount === config.batchSize || b.publicSignals.at(-2) !== 0n,
      });
    }
  }

  /** Enqueues every committed batch without a confirmed job, oldest first. */
  private async enqueuePending(): Promise<void> {
    for (const batch of this.store.batchesNotEnqueued()) {
      if (this.deps.signal.aborted) return;
      await withRetry(
        () => this.deps.queue.enqueue(jobOf(batch)),
        this.retryOptions(`enqueue batch ${batch.batchNumber}`),
      );
      this.store.markEnqueued(batch.batchNumber, this.now());
      this.updateMetrics();
      this.deps.log.info("proof job enqueued", { batchNumber: batch.batchNumber });
    }
  }

  /** Stops if the last scanned block is no longer canonical. */
  private async checkReorg(tip: bigint): Promise<void> {
    const { lastBlock, lastBlockHash } = this.cursor;
    if (lastBlock === null || lastBlockHash === null || BigInt(lastBlock) > tip) return;
    const hash = await this.rpc(`block ${lastBlock}`, () => blockHash(this.client, BigInt(lastBlock)));
    if (hash.toLowerCase() !== lastBlockHash.toLowerCase())
      throw new ReorgError(BigInt(lastBlock), lastBlockHash, hash);
  }

  /** An RPC call, retried like every service's (a revert is an answer, never retried), halts never. */
  private rpc<T>(what: string, fn: () => Promise<T>): Promise<T> {
    return withRetry(fn, { ...this.retryOptions(what), retryable: (e) => !isHaltError(e) && !isRevert(e) });
  }

  private retryOptions(what: string): RetryOptions {
    return {
      attempts: 6,
      baseDelayMs: 250,
      ...this.deps.retry,
      retryable: (e) => !isHaltError(e),
      signal: this.deps.signal,
      log: this.deps.log,
      what,
    };
  }
}

/**
 * Runs the extractor until `signal` aborts (then resolves). Rejects with an ExtractorHaltError on
 * any op-log mismatch, gap, reorg or corrupt store: the caller must exit non-zero. Other errors
 * (RPC down after the retries) are logged and the next poll tries again.
 */
export async function runExtractor(deps: ExtractorDeps): Promise<void> {
  const { log, signal } = deps;
  const extractor = new Extractor(deps);
  while (!signal.aborted) {
    try {
      await extractor.tick();
    } catch (error) {
      if (isHaltError(error)) {
        log.error("extractor halted: the op log cannot be trusted", { error });
        throw error;
      }
      if (signal.aborted) break;
      log.error("extractor round failed; trying again at the next poll", { error });
    }
    try {
      await sleep(deps.config.pollIntervalMs, signal);
    } catch {
      break;
    }
  }
  log.info("extractor stopped", extractor.progress() as unknown as Record<string, unknown>);
}
