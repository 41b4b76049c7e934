/**
 * Test fixtures for the monitor (used by its *.test.ts): a fake L1 with AssetStorage logs and ERC-20s,
 * and a fake L2 AssetReceiving that enforces the credit order like the contract does, both behind msw.
 */
import { type Address, http, parseAbi, stringToHex } from "viem";
import { assetReceivingAbi, assetStorageAbi, erc20Abi } from "../lib/abi.js";
import { AttestationShortfall } from "../runtime/attestation-source.js";
import { publicClientFor, walletClientFor } from "../runtime/chains.js";
import { createLogger, type Logger } from "../runtime/log.js";
import { Metrics } from "../runtime/metrics.js";
import { openDatabase } from "../runtime/node-db/open.js";
import { ANVIL_KEYS } from "../testing/anvil.js";
import { FakeChain, Revert } from "../testing/fake-chain.js";
import type { MonitorConfig } from "./config.js";
import type { MonitorDeps } from "./monitor.js";

export const STORAGE = "0x00000000000000000000000000000000000051a0" as Address;
export const RECEIVING = "0x00000000000000000000000000000000000052a0" as Address;
export const ALICE = "0x000000000000000000000000000000000000a11c" as Address;
export const BOB = "0x0000000000000000000000000000000000000b0b" as Address;

let worlds = 0;

/** The fake L2 ledger's state, which tests read and tweak. */
export interface FakeLedger {
  next: bigint;
  halted: boolean;
  /** While true the fake attesters refuse to sign deposits (fewer than the threshold). */
  paused: boolean;
  opCount: bigint;
  /** Queue request ids served (credits and forced withdrawals), in order (a double relay would show up twice). */
  credited: bigint[];
  /** What a forced withdrawal of an owner takes (the owner's spendable balance; default 0). */
  spendable: Map<string, bigint>;
  metadata: Map<bigint, [string, string, number]>;
  haltCalls: number;
  /** Deposit ids whose next credit transaction reverts on chain (simulation still passes). */
  revertOnChain: Set<bigint>;
  /** Deposit ids whose credit emits a DepositCredited event with amount + 1. */
  wrongEvent: Set<bigint>;
}

export interface World {
  l1: FakeChain;
  l2: FakeChain;
  ledger: FakeLedger;
  config: MonitorConfig;
  lines: string[];
  log: Logger;
  deps(signal?: AbortSignal): MonitorDeps;
  db: ReturnType<typeof openDatabase>;
  metrics: Metrics;
  /** Adds a DepositQueued log to L1 (in the current block unless given). */
  deposit(id: number, amount: bigint, opts?: { block?: bigint; tokenId?: number; recipient?: Address }): void;
  /** Adds a WithdrawalRequestQueued log to L1 (in the current block unless given). */
  requestWithdrawal(id: number, owner: Address, opts?: { block?: bigint; tokenId?: number }): void;
  /** The queue request ids the fake attesters were asked about, with their kind, in order. */
  attested: string[];
  /** Error-level log lines, parsed. */
  errors(): { msg: string; [k: string]: unknown }[];
}

export function makeWorld(over: Partial<MonitorConfig> = {}, dbPath = ":memory:"): World {
  const n = ++worlds;
  const l1 = new FakeChain({ url: `http://l1-${n}.test`, chainId: 31337, blockNumber: 100n });
  const l2 = new FakeChain({ url: `http://l2-${n}.test`, chainId: 31338, blockNumber: 50n });
  l1.timeoutMs = 300;
  l2.timeoutMs = 300;
  const ledger: FakeLedger = {
    next: 0n,
    halted: false,
    paused: false,
    opCount: 0n,
    credited: [],
    spendable: new Map(),
    metadata: new Map([[0n, ["Ether", "ETH", 18]]]),
    haltCalls: 0,
    revertOnChain: new Set(),
    wrongEvent: new Set(),
  };
  // No batch proven: L1's op chain is the empty prefix of any op log (the divergence check).
  l1.contract(STORAGE, assetStorageAbi, { batchCount: () => 0n, opChain: () => 0n });
  l2.contract(RECEIVING, assetReceivingAbi, {
    opCount: () => ledger.opCount,
    nextDepositId: () => ledger.next,
    halted: () => ledger.halted,
    creditDeposit: ([id]) => {
      if (ledger.halted) throw Revert.reason("LedgerHalted");
      if (id !== ledger.next) throw Revert.reason(`deposit ${id} is not next (${ledger.next})`);
    },
    forceWithdrawal: ([id]) => {
      if (ledger.halted) throw Revert.reason("LedgerHalted");
      if (id !== ledger.next) throw Revert.reason(`request ${id} is not next (${ledger.next})`);
    },
    name: ([id]) => ledger.metadata.get(id as bigint)?.[0] ?? "",
    symbol: ([id]) => ledger.metadata.get(id as bigint)?.[1] ?? "",
    decimals: ([id]) => ledger.metadata.get(id as bigint)?.[2] ?? 0,
    setTokenMetadata: () => {},
    haltForExodus: () => {
      if (ledger.halted) throw Revert.reason("LedgerHalted");
    },
  });
  l2.onTransaction = (tx) => {
    const a = tx.args ?? [];
    switch (tx.functionName) {
      case "creditDeposit": {
        const [id, record] = a as [bigint, { recipient: Address; tokenId: number; amount: bigint }];
        const { recipient, tokenId, amount } = record;
        if (ledger.halted || id !== ledger.next || ledger.revertOnChain.has(id)) {
          ledger.revertOnChain.delete(id);
          return { status: "reverted" };
        }
        ledger.next += 1n;
        ledger.credited.push(id);
        const opIndex = ledger.opCount++;
        return {
          status: "success",
          logs: [
            {
              address: RECEIVING,
              abi: assetReceivingAbi,
              eventName: "DepositCredited",
              args: {
                depositId: id,
                recipient,
                tokenId,
                amount: ledger.wrongEvent.has(id) ? amount + 1n : amount,
                opIndex,
              },
            },
          ],
        };
      }
      case "forceWithdrawal": {
        const [id, record] = a as [bigint, { owner: Address; tokenId: number }];
        if (ledger.halted || id !== ledger.next || ledger.revertOnChain.has(id)) {
          ledger.revertOnChain.delete(id);
          return { status: "reverted" };
        }
        ledger.next += 1n;
        ledger.credited.push(id);
        const amount = ledger.spendable.get(record.owner.toLowerCase()) ?? 0n;
        ledger.spendable.delete(record.owner.toLowerCase());
        const opIndex = ledger.opCount++;
        const args = { requestId: id, owner: record.owner, tokenId: record.tokenId, amount, opIndex };
        return {
          status: "success",
          logs: [{ address: RECEIVING, abi: assetReceivingAbi, eventName: "ForcedWithdrawal", args }],
        };
      }
      case "setTokenMetadata": {
        const [id, name, symbol, decimals] = a as [number, string, string, number];
        ledger.metadata.set(BigInt(id), [name, symbol, decimals]);
        return {
          status: "success",
          logs: [
            {
              address: RECEIVING,
              abi: assetReceivingAbi,
              eventName: "TokenMetadataSet",
              args: { tokenId: id, name, symbol, decimals },
            },
          ],
        };
      }
      case "haltForExodus":
        ledger.haltCalls += 1;
        ledger.halted = true;
        return {
          status: "success",
          logs: [{ address: RECEIVING, abi: assetReceivingAbi, eventName: "Halted", args: {} }],
        };
      default:
        return { status: "reverted" };
    }
  };
  const config: MonitorConfig = {
    l1: { name: "L1", rpcUrl: l1.url, chainId: 31337, pollingIntervalMs: 10 },
    l2: { name: "L2", rpcUrl: l2.url, chainId: 31338, pollingIntervalMs: 10 },
    assetStorage: STORAGE,
    l1DeployBlock: 90n,
    assetReceiving: RECEIVING,
    l2DeployBlock: 1n,
    relayerKey: ANVIL_KEYS[1],
    attesterUrls: ["http://attester.test"],
    confirmations: 1,
    pollIntervalMs: 20,
    blockRange: 5,
    txTimeoutMs: 5_000,
    dataDir: "unused",
    dbPath,
    ...over,
  };
  const lines: string[] = [];
  const log = createLogger("monitor", { level: "debug", write: (l) => lines.push(l) });
  const db = openDatabase(dbPath);
  const metrics = new Metrics();
  const transport = (url: string) => http(url, { timeout: 100, retryCount: 0 });
  const world: World = {
    l1,
    l2,
    ledger,
    config,
    lines,
    log,
    db,
    metrics,
    deps: (signal = new AbortController().signal) => ({
      config,
      db,
      log,
      signal,
      metrics,
      l1: publicClientFor(config.l1, transport(l1.url)),
      l2: publicClientFor(config.l2, transport(l2.url)),
      l2Wallet: walletClientFor(config.l2, config.relayerKey, transport(l2.url)),
      attestations: {
        deposit: async (id) => {
          if (ledger.paused) throw new AttestationShortfall(`deposit ${id}`, 1, 2, ["attester refused"]);
          world.attested.push(`deposit ${id}`);
          return { signatures: "0x1234", signers: [] };
        },
        withdrawalRequest: async (id) => {
          if (ledger.paused) throw new AttestationShortfall(`request ${id}`, 1, 2, ["attester refused"]);
          world.attested.push(`withdrawal ${id}`);
          return { signatures: "0x9abc", signers: [] };
        },
        batch: async () => ({ signatures: "0x", signers: [] }),
        exodus: async () => ({ signatures: "0x5678", signers: [] }),
      },
    }),
    deposit: (id, amount, opts = {}) => {
      l1.emit({
        address: STORAGE,
        abi: assetStorageAbi,
        eventName: "DepositQueued",
        args: {
          depositId: BigInt(id),
          recipient: opts.recipient ?? ALICE,
          tokenId: opts.tokenId ?? 0,
          amount,
          depositor: BOB,
          timestamp: 1_700_000_000n + BigInt(id),
        },
        blockNumber: opts.block ?? l1.blockNumber,
      });
    },
    requestWithdrawal: (id, owner, opts = {}) => {
      l1.emit({
        address: STORAGE,
        abi: assetStorageAbi,
        eventName: "WithdrawalRequestQueued",
        args: { requestId: BigInt(id), owner, tokenId: opts.tokenId ?? 0, timestamp: 1_700_000_000n + BigInt(id) },
        blockNumber: opts.block ?? l1.blockNumber,
      });
    },
    attested: [],
    errors: () => lines.map((l) => JSON.parse(l)).filter((e) => e.level === "error"),
  };
  return world;
}

/**
 * A fake ERC-20 on L1. A field left undefined is a function the token lacks (its call reverts with empty data);
 * `bytes32: true` answers name and symbol as bytes32 (as some old tokens do).
 */
export function fakeToken(
  l1: FakeChain,
  address: Address,
  m: { name?: string; symbol?: string; decimals?: number; bytes32?: boolean },
): void {
  const abi = m.bytes32
    ? parseAbi([
        "function name() view returns (bytes32)",
        "function symbol() view returns (bytes32)",
        "function decimals() view returns (uint8)",
      ])
    : erc20Abi;
  const impl: Record<string, () => unknown> = {};
  for (const field of ["name", "symbol", "decimals"] as const) {
    const v = m[field];
    if (v !== undefined) impl[field] = () => (typeof v === "string" && m.bytes32 ? stringToHex(v, { size: 32 }) : v);
  }
  l1.contract(address, abi, impl);
}
