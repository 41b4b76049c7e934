/**
 * Test fixtures for the sender (used by its *.test.ts): a fake L1 AssetStorage behind msw that
 * applies submitted batches, an in-memory proof source, and batches written through the
 * extractor's own store (so a change of its table shows up here).
 */
import { type Address, type Hex, http, keccak256, toHex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { assetStorageAbi } from "../lib/abi.js";
import { batchPublicInputs, type Op, ZERO_ADDRESS } from "../lib/protocol.js";
import { BridgeState } from "../lib/state.js";
import { AttestationShortfall, type AttestationSource, type BatchClaim } from "../runtime/attestation-source.js";
import { publicClientFor, walletClientFor } from "../runtime/chains.js";
import { createLogger, type Logger } from "../runtime/log.js";
import { Metrics } from "../runtime/metrics.js";
import { ExtractorStore } from "../runtime/node-db/extractor.js";
import { type Db, openDatabase } from "../runtime/node-db/open.js";
import type { ProofResult } from "../runtime/node-db/proof-jobs.js";
import { ANVIL_KEYS } from "../testing/anvil.js";
import { FakeChain, Revert } from "../testing/fake-chain.js";
import type { SenderConfig } from "./config.js";
import type { SenderDeps } from "./sender.js";

export const STORAGE = "0x00000000000000000000000000000000000051a0" as Address;
export const ALICE = "0x000000000000000000000000000000000000a11c" as Address;
export const BOB = "0x0000000000000000000000000000000000000b0b" as Address;
export const CAROL = "0x00000000000000000000000000000000000ca201" as Address;
export const DEPOSITOR = "0x00000000000000000000000000000000000d0d0d" as Address;
export const BATCH_SIZE = 4;

/** Root and op chain after batch k in these fixtures (batch k goes from root(k) to root(k + 1)). */
export const root = (k: number) => 1_000n + BigInt(k);
export const chainAt = (k: number) => (k === 0 ? 0n : 5_000n + BigInt(k));

export interface FakeStorage {
  batchCount: bigint;
  stateRoot: bigint;
  opChain: bigint;
  processedDeposits: bigint;
  exodus: boolean;
  /** Batch numbers whose next submission reverts on chain (simulation passes). */
  revertOnChain: Set<number>;
  /** When set, simulation of submitBatch reverts with this reason. */
  simulationRevert?: string;
  submitted: number[];
}

let worlds = 0;

export interface SenderWorld {
  l1: FakeChain;
  storage: FakeStorage;
  attestations: FakeAttestations;
  proofs: Map<number, ProofResult>;
  db: Db;
  config: SenderConfig;
  lines: string[];
  log: Logger;
  metrics: Metrics;
  deps(signal?: AbortSignal, db?: Db): SenderDeps;
  /** Writes batch k (ops as given) into the extractor's table. */
  addBatch(k: number, ops: Op[], firstDepositId: number): void;
  /** Stores a valid proof for batch k (public signals computed from the stored batch). */
  prove(k: number, ops: Op[]): void;
  /** A DepositQueued log for deposit `id`. */
  deposit(id: number, recipient: Address, amount: bigint, tokenId?: number): void;
  /** A WithdrawalRequestQueued log for queue request `id` (timestamp 1_800_000_000 + id). */
  requestWithdrawal(id: number, owner: Address, tokenId?: number): void;
  logs(level: string): { msg: string; [k: string]: unknown }[];
}

/** Attestations that sign every batch claim (recorded), unless `refuse` names a reason. */
export interface FakeAttestations extends AttestationSource {
  claims: BatchClaim[];
  refuse: string | undefined;
}

/** The keccak head the fake extractor stores after op `i` (any 32 bytes: L1 only carries it). */
export const opHeadAt = (i: number): Hex => keccak256(toHex(`head ${i}`));

export const credit = (to: Address, amount: bigint, tokenId = 0): Op => ({
  kind: 1,
  tokenId,
  from: ZERO_ADDRESS,
  to,
  amount,
});
export const transfer = (from: Address, to: Address, amount: bigint): Op => ({ kind: 2, tokenId: 0, from, to, amount });
export const withdraw = (from: Address, to: Address, amount: bigint): Op => ({ kind: 3, tokenId: 0, from, to, amount });
/** A forced withdrawal op (kind 4): from = to = the owner, amount what L2 withdrew (0 allowed). */
export const forced = (owner: Address, amount: bigint, tokenId = 0): Op => ({
  kind: 4,
  tokenId,
  from: owner,
  to: owner,
  amount,
});

export function makeSenderWorld(over: Partial<SenderConfig> = {}, dbPath = ":memory:"): SenderWorld {
  const n = ++worlds;
  const l1 = new FakeChain({ url: `http://sender-l1-${n}.test`, chainId: 31337, blockNumber: 200n });
  l1.timeoutMs = 300;
  const storage: FakeStorage = {
    batchCount: 0n,
    stateRoot: root(0),
    opChain: chainAt(0),
    processedDeposits: 0n,
    exodus: false,
    revertOnChain: new Set(),
    submitted: [],
  };
  const senderAddress = privateKeyToAccount(ANVIL_KEYS[2]).address;
  l1.contract(STORAGE, assetStorageAbi, {
    batchCount: () => storage.batchCount,
    exodusMode: () => storage.exodus,
    stateRoot: () => storage.stateRoot,
    opChain: () => storage.opChain,
    processedDeposits: () => storage.processedDeposits,
    batchSize: () => BATCH_SIZE,
    publicSlots: () => BATCH_SIZE,
    submitBatch: ([, , , , slots]) => {
      if (storage.simulationRevert) throw Revert.reason(storage.simulationRevert);
      if ((slots as unknown[]).length !== BATCH_SIZE) throw Revert.reason("SlotCountMismatch");
    },
  });
  l1.onTransaction = (tx) => {
    if (tx.functionName !== "submitBatch") return { status: "reverted" };
    const [newRoot, newOpChain, , , slots] = tx.args as [bigint, bigint, bigint, Hex, { kind: number }[]];
    const k = Number(storage.batchCount);
    if (storage.revertOnChain.has(k)) {
      storage.revertOnChain.delete(k);
      return { status: "reverted", gasUsed: 40_000n };
    }
    storage.batchCount += 1n;
    storage.stateRoot = newRoot;
    storage.opChain = newOpChain;
    storage.processedDeposits += BigInt(slots.filter((s) => s.kind === 1 || s.kind === 4).length);
    storage.submitted.push(k);
    return {
      status: "success",
      gasUsed: 300_000n + BigInt(k),
      logs: [
        {
          address: STORAGE,
          abi: assetStorageAbi,
          eventName: "BatchVerified",
          args: { batchNumber: BigInt(k), newRoot, newOpChain, processedDeposits: storage.processedDeposits },
        },
      ],
    };
  };
  const config: SenderConfig = {
    l1: { name: "L1", rpcUrl: l1.url, chainId: 31337, pollingIntervalMs: 10 },
    assetStorage: STORAGE,
    l1DeployBlock: 100n,
    batchSize: BATCH_SIZE,
    publicSlots: BATCH_SIZE,
    senderKey: ANVIL_KEYS[2],
    attesterUrls: ["http://attester.test"],
    pollIntervalMs: 20,
    blockRange: 50,
    txTimeoutMs: 5_000,
    dataDir: "unused",
    dbPath,
    ...over,
  };
  const db = openDatabase(dbPath);
  const extractor = new ExtractorStore(db);
  const proofs = new Map<number, ProofResult>();
  const lines: string[] = [];
  const log = createLogger("sender", { level: "debug", write: (l) => lines.push(l) });
  const metrics = new Metrics();
  const transport = http(l1.url, { timeout: 100, retryCount: 0 });
  const attestations: FakeAttestations = {
    claims: [],
    refuse: undefined,
    deposit: async () => ({ signatures: "0x", signers: [] }),
    withdrawalRequest: async () => ({ signatures: "0x", signers: [] }),
    exodus: async () => ({ signatures: "0x", signers: [] }),
    batch: async (claim) => {
      attestations.claims.push(claim);
      if (attestations.refuse)
        throw new AttestationShortfall(`batch ${claim.batchNumber}`, 0, 2, [attestations.refuse]);
      return { signatures: "0xabcd", signers: [senderAddress] };
    },
  };
  const boundary = (k: number) => ({
    oldRoot: root(k),
    newRoot: root(k + 1),
    oldOpChain: chainAt(k),
    newOpChain: chainAt(k + 1),
  });
  return {
    l1,
    storage,
    attestations,
    proofs,
    db,
    config,
    lines,
    log,
    metrics,
    deps: (signal = new AbortController().signal, useDb = db) => ({
      config,
      db: useDb,
      log,
      signal,
      metrics,
      queue: { result: async (k: number) => proofs.get(k) ?? null },
      attestations,
      l1: publicClientFor(config.l1, transport),
      wallet: walletClientFor(config.l1, config.senderKey, transport),
    }),
    addBatch: (k, ops, firstDepositId) => {
      const b = boundary(k);
      extractor.commit({
        ops: ops.map((op, i) => ({
          opIndex: k * BATCH_SIZE + i,
          op,
          head: opHeadAt(k * BATCH_SIZE + i),
          blockNumber: 1,
          transactionHash: `0x${"00".repeat(32)}`,
          logIndex: i,
          extractedAt: 0,
        })),
        batches: [
          {
            batchNumber: k,
            firstOp: k * BATCH_SIZE,
            opCount: ops.length,
            firstDepositId,
            depositCount: ops.filter((o) => o.kind === 1).length,
            ops: ops.map((op, i) => ({ opIndex: k * BATCH_SIZE + i, ...op, amount: op.amount.toString() })),
            ...b,
            input: {},
            publicSignals: batchPublicInputs(b, ops, BATCH_SIZE, BATCH_SIZE),
            stateAfter: new BridgeState(4).toJSON(),
            createdAt: 0,
            enqueuedAt: null,
          },
        ],
      });
    },
    prove: (k, ops) => {
      proofs.set(k, {
        batchNumber: k,
        proof: ["1", "2", "3", "4", "5", "6", "7", "8"],
        publicSignals: batchPublicInputs(boundary(k), ops, BATCH_SIZE, BATCH_SIZE).map(String),
        worker: "test",
        provingMs: 1,
      });
    },
    deposit: (id, recipient, amount, tokenId = 0) => {
      l1.emit({
        address: STORAGE,
        abi: assetStorageAbi,
        eventName: "DepositQueued",
        args: {
          depositId: BigInt(id),
          recipient,
          tokenId,
          amount,
          depositor: DEPOSITOR,
          timestamp: 1_700_000_000n + BigInt(id),
        },
        blockNumber: 150n + BigInt(id),
      });
    },
    requestWithdrawal: (id, owner, tokenId = 0) => {
      l1.emit({
        address: STORAGE,
        abi: assetStorageAbi,
        eventName: "WithdrawalRequestQueued",
        args: { requestId: BigInt(id), owner, tokenId, timestamp: 1_800_000_000n + BigInt(id) },
        blockNumber: 150n + BigInt(id),
      });
    },
    logs: (level) => lines.map((l) => JSON.parse(l)).filter((e) => e.level === level),
  };
}
