/**
 * Shared fixtures of the extractor tests (not a test file itself).
 */
import { HttpResponse, http } from "msw";
import { decodeFunctionData, encodeAbiParameters, encodeEventTopics, encodeFunctionResult, type Hex } from "viem";
import { assetReceivingAbi } from "../lib/abi.js";
import { nextOpLogHead, type Op, ZERO_ADDRESS, ZERO_HEAD } from "../lib/protocol.js";
import type { StoredOp } from "../runtime/node-db/extractor.js";

export const ALICE = "0x00000000000000000000000000000000000a11ce" as const;
export const BOB = "0x0000000000000000000000000000000000000b0b" as const;
export const CAROL = "0x00000000000000000000000000000000000ca201" as const;

/** A valid op sequence: credits, transfers and a withdrawal, `n` ops long. */
export function sampleOps(n: number): Op[] {
  const ops: Op[] = [];
  for (let i = 0; ops.length < n; i++) {
    ops.push({ kind: 1, tokenId: i % 2, from: ZERO_ADDRESS, to: ALICE, amount: 1000n + BigInt(i) });
    if (ops.length < n) ops.push({ kind: 2, tokenId: i % 2, from: ALICE, to: i % 3 === 0 ? BOB : CAROL, amount: 10n });
    if (ops.length < n) ops.push({ kind: 3, tokenId: i % 2, from: ALICE, to: BOB, amount: 5n });
  }
  return ops;
}

/** The op-log heads of `ops` from genesis. */
export function headsOf(ops: readonly Op[]): Hex[] {
  let head: Hex = ZERO_HEAD;
  return ops.map((op) => {
    head = nextOpLogHead(head, op);
    return head;
  });
}

export function storedOps(ops: readonly Op[], start: number, extractedAt: number): StoredOp[] {
  const heads = headsOf(ops);
  return ops.slice(start).map((op, i) => ({
    opIndex: start + i,
    op,
    head: heads[start + i] as Hex,
    blockNumber: start + i + 1,
    transactionHash: `0x${"cd".repeat(32)}`,
    logIndex: 0,
    extractedAt,
  }));
}

/**
 * A fake L2 node behind msw that serves just what the extractor reads: eth_blockNumber, eth_getLogs
 * of OpLogged, eth_call of opCount()/opHead() at a block, eth_getBlockByNumber. Tests tamper with
 * emitted heads, drop events, override the stored head and inject failures.
 */
export interface FakeOp {
  opIndex: number;
  op: Op;
  /** The head the event carries (default: the correct one). */
  emittedHead: Hex;
  block: number;
  logIndex: number;
}

export class FakeL2 {
  readonly ops: FakeOp[] = [];
  /** Latest block number. */
  tip = 0;
  /** Events with these op indices are not returned by getLogs. */
  readonly hidden = new Set<number>();
  /** Replaces the stored opHead()/opCount() answer at a block (fault injection). */
  storedOverride: ((block: number) => { count: number; head: Hex } | undefined) | undefined;
  /** Fails the next calls of a method: HTTP 500 ("http") or a JSON-RPC error ("rpc"). */
  readonly faults: { method: string; remaining: number; mode: "http" | "rpc" }[] = [];
  /** Every method called, in order. */
  readonly calls: string[] = [];
  /** Called on every request (tests use it to abort at a chosen point). */
  onRequest: ((method: string, params: unknown[]) => void) | undefined;
  private head: Hex = ZERO_HEAD;

  constructor(
    readonly url: string,
    readonly address: Hex,
  ) {}

  /** Mines one block holding `ops` (possibly none). */
  mine(ops: readonly Op[] = []): number {
    this.tip += 1;
    ops.forEach((op, i) => {
      this.head = nextOpLogHead(this.head, op);
      this.ops.push({ opIndex: this.ops.length, op, emittedHead: this.head, block: this.tip, logIndex: i });
    });
    return this.tip;
  }

  /** Mines `ops` one op per block. */
  mineEach(ops: readonly Op[]): void {
    for (const op of ops) this.mine([op]);
  }

  fail(method: string, times: number, mode: "http" | "rpc" = "rpc"): void {
    this.faults.push({ method, remaining: times, mode });
  }

  /** Blocks whose hash changed (a simulated reorg). */
  readonly reorged = new Set<number>();

  blockHash(n: number): Hex {
    return `0x${(0xb10c0000 + n + (this.reorged.has(n) ? 0x1000000 : 0)).toString(16).padStart(64, "0")}`;
  }

  private stored(block: number): { count: number; head: Hex } {
    const override = this.storedOverride?.(block);
    if (override) return override;
    const ops = this.ops.filter((o) => o.block <= block);
    const last = ops[ops.length - 1];
    return { count: ops.length, head: last ? headsOf(this.ops.map((o) => o.op))[last.opIndex]! : ZERO_HEAD };
  }

  answer(method: string, params: unknown[]): unknown {
    this.calls.push(method);
    this.onRequest?.(method, params);
    const fault = this.faults.find((f) => f.remaining > 0 && (f.method === method || f.method === "*"));
    if (fault) {
      fault.remaining -= 1;
      throw fault.mode === "http" ? new FakeHttpError() : new Error(`injected failure of ${method}`);
    }
    const q = (n: number | bigint) => `0x${n.toString(16)}`;
    const blockOf = (tag: unknown) =>
      tag === "latest" || tag === undefined ? this.tip : Number(BigInt(tag as string));
    switch (method) {
      case "eth_chainId":
        return q(31338);
      case "eth_blockNumber":
        return q(this.tip);
      case "eth_getBlockByNumber": {
        const n = blockOf(params[0]);
        return {
          number: q(n),
          hash: this.blockHash(n),
          parentHash: this.blockHash(n - 1),
          timestamp: q(1_700_000_000 + n),
          gasLimit: q(30_000_000),
          gasUsed: "0x0",
          baseFeePerGas: "0x1",
          miner: ZERO_ADDRESS,
          extraData: "0x",
          logsBloom: `0x${"00".repeat(256)}`,
          transactions: [],
          uncles: [],
          nonce: "0x0000000000000000",
          difficulty: "0x0",
          size: "0x0",
          stateRoot: ZERO_HEAD,
          receiptsRoot: ZERO_HEAD,
          transactionsRoot: ZERO_HEAD,
          sha3Uncles: ZERO_HEAD,
          mixHash: ZERO_HEAD,
        };
      }
      case "eth_call": {
        const call = params[0] as { to: Hex; data?: Hex; input?: Hex };
        if (call.to.toLowerCase() !== this.address.toLowerCase()) throw new Error(`no contract at ${call.to}`);
        const { functionName } = decodeFunctionData({ abi: assetReceivingAbi, data: (call.data ?? call.input) as Hex });
        const s = this.stored(blockOf(params[1]));
        if (functionName === "opCount")
          return encodeFunctionResult({ abi: assetReceivingAbi, functionName, result: BigInt(s.count) });
        if (functionName === "opHead")
          return encodeFunctionResult({ abi: assetReceivingAbi, functionName, result: s.head });
        throw new Error(`fake L2 does not implement ${functionName}`);
      }
      case "eth_getLogs": {
        const f = params[0] as { address: Hex; fromBlock: Hex; toBlock: Hex; topics?: (Hex | null)[] };
        const [topic0] = encodeEventTopics({ abi: assetReceivingAbi, eventName: "OpLogged" });
        if (f.address.toLowerCase() !== this.address.toLowerCase() || f.topics?.[0] !== topic0) return [];
        const from = Number(BigInt(f.fromBlock));
        const to = Number(BigInt(f.toBlock));
        return this.ops
          .filter((o) => o.block >= from && o.block <= to && !this.hidden.has(o.opIndex))
          .map((o) => {
            const topics = encodeEventTopics({
              abi: assetReceivingAbi,
              eventName: "OpLogged",
              args: { opIndex: BigInt(o.opIndex), kind: o.op.kind, tokenId: o.op.tokenId },
            });
            return {
              address: this.address,
              topics,
              data: encodeAbiParameters(
                [{ type: "address" }, { type: "address" }, { type: "uint128" }, { type: "bytes32" }],
                [o.op.from, o.op.to, o.op.amount, o.emittedHead],
              ),
              blockNumber: q(o.block),
              blockHash: this.blockHash(o.block),
              transactionHash: `0x${(0x7000 + o.opIndex).toString(16).padStart(64, "0")}`,
              transactionIndex: "0x0",
              logIndex: q(o.logIndex),
              removed: false,
            };
          });
      }
      default:
        throw new Error(`fake L2: method ${method} not supported`);
    }
  }

  /** The msw handler of this node. */
  handler() {
    return http.post(this.url, async ({ request }) => {
      const req = (await request.json()) as { id: number; method: string; params?: unknown[] };
      try {
        return HttpResponse.json({ jsonrpc: "2.0", id: req.id, result: this.answer(req.method, req.params ?? []) });
      } catch (error) {
        if (error instanceof FakeHttpError) return new HttpResponse("bad gateway", { status: 502 });
        return HttpResponse.json({
          jsonrpc: "2.0",
          id: req.id,
          error: { code: -32603, message: (error as Error).message },
        });
      }
    });
  }
}

class FakeHttpError extends Error {}

/** A proof queue double that records jobs (idempotent by batch number, like the real one) and can fail. */
export class RecordingQueue {
  readonly jobs = new Map<number, { batchNumber: number; input: Record<string, unknown>; publicSignals: string[] }>();
  calls = 0;
  failNext = 0;
  async enqueue(job: { batchNumber: number; input: Record<string, unknown>; publicSignals: string[] }): Promise<void> {
    this.calls += 1;
    if (this.failNext > 0) {
      this.failNext -= 1;
      throw new Error("queue unavailable");
    }
    if (!this.jobs.has(job.batchNumber)) this.jobs.set(job.batchNumber, job);
  }
}

/** Resolves once `cond()` holds (polls every 5 ms), or rejects after `ms`. */
export async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > ms) throw new Error("condition not reached in time");
    await new Promise((r) => setTimeout(r, 5));
  }
}
