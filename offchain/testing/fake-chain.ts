/**
 * A programmable fake EVM node behind msw, for fast unit tests of services that use viem's http
 * transport. It is not an EVM: contract calls are answered by JavaScript functions keyed by ABI
 * function name, logs are whatever the test emits, and every signed transaction is decoded and
 * handed to `onTransaction`, which decides its receipt (success, revert, logs) or leaves it pending.
 * Nonces, "nonce too low", "replacement transaction underpriced" and same-nonce replacement behave
 * like a real node's mempool. `fail()` injects RPC errors, HTTP errors and timeouts.
 *
 *   const l2 = new FakeChain({ url: "http://l2.test", chainId: 31338 });
 *   l2.contract(receiving, assetReceivingAbi, { nextDepositId: () => 0n });
 *   l2.onTransaction = (tx) => ({ status: "success", logs: [...] });
 *   const server = setupServer(l1.handler(), l2.handler()); server.listen();
 *
 * Supported methods: eth_chainId, eth_blockNumber, eth_call, eth_estimateGas, eth_getLogs,
 * eth_sendRawTransaction, eth_getTransactionReceipt, eth_getTransactionByHash,
 * eth_getTransactionCount, eth_getBlockByNumber, eth_getCode, eth_maxPriorityFeePerGas, eth_gasPrice,
 * net_version. A call of a function the contract does not implement reverts with empty data. Anything else answers -32601, so a test notices an unexpected call.
 */
import {
  type Abi,
  type Address,
  decodeFunctionData,
  encodeAbiParameters,
  encodeErrorResult,
  encodeEventTopics,
  encodeFunctionResult,
  type Hex,
  keccak256,
  parseTransaction,
  recoverTransactionAddress,
  toFunctionSelector,
} from "viem";
import { HttpFailure, hang, jsonRpcHandler, RpcError, toQuantity } from "./rpc.js";

/** A contract call or a revert to answer with. */
export class Revert extends Error {
  constructor(
    readonly data: Hex,
    message = "execution reverted",
  ) {
    super(message);
  }
  /** A revert with a custom error of `abi`. */
  static custom(abi: Abi, errorName: string, args: readonly unknown[] = []): Revert {
    return new Revert(encodeErrorResult({ abi, errorName, args } as never), `execution reverted: ${errorName}`);
  }
  /** A revert with `Error(string)`. */
  static reason(reason: string): Revert {
    const data = encodeErrorResult({
      abi: [{ type: "error", name: "Error", inputs: [{ name: "message", type: "string" }] }],
      errorName: "Error",
      args: [reason],
    });
    return new Revert(data, `execution reverted: ${reason}`);
  }
}

export interface CallContext {
  from: Address | undefined;
  to: Address;
  value: bigint;
  chain: FakeChain;
}

/** Answers a call of one function: returns the decoded result (as viem's encodeFunctionResult takes it) or throws Revert. */
export type FunctionImpl = (args: readonly unknown[], ctx: CallContext) => unknown;

export interface LogSpec {
  address: Address;
  abi: Abi;
  eventName: string;
  args: Record<string, unknown>;
  blockNumber?: bigint;
  transactionHash?: Hex;
}

export interface SentTx {
  hash: Hex;
  from: Address;
  to: Address | undefined;
  data: Hex;
  value: bigint;
  nonce: number;
  gas: bigint;
  maxFeePerGas: bigint;
  maxPriorityFeePerGas: bigint;
  /** Decoded when `to` is a registered contract. */
  functionName?: string;
  args?: readonly unknown[];
}

export type TxOutcome = { status: "success" | "reverted"; logs?: LogSpec[]; gasUsed?: bigint } | "pending";

export type FaultMode = "error" | "timeout" | "http500";

interface StoredLog {
  address: Address;
  topics: Hex[];
  data: Hex;
  blockNumber: bigint;
  transactionHash: Hex;
  logIndex: number;
}

interface Receipt {
  tx: SentTx;
  status: "success" | "reverted";
  blockNumber: bigint;
  gasUsed: bigint;
  logs: StoredLog[];
}

const lower = (a: string) => a.toLowerCase();
const hash32 = (n: bigint | number) => `0x${BigInt(n).toString(16).padStart(64, "0")}` as Hex;

/** Topics and data of an event, as a node would put them in a log. */
export function encodeLog(abi: Abi, eventName: string, args: Record<string, unknown>): { topics: Hex[]; data: Hex } {
  const topics = encodeEventTopics({ abi, eventName, args } as never) as Hex[];
  const event = abi.find((i) => i.type === "event" && i.name === eventName);
  if (event?.type !== "event") throw new Error(`no event ${eventName} in the ABI`);
  const plain = event.inputs.filter((i) => !i.indexed);
  const data = encodeAbiParameters(
    plain,
    plain.map((i) => args[i.name as string]),
  );
  return { topics: topics.map((t) => t ?? hash32(0)), data };
}

export class FakeChain {
  readonly url: string;
  readonly chainId: number;
  blockNumber: bigint;
  baseFeePerGas = 1_000_000_000n;
  priorityFeePerGas = 100_000_000n;
  /** Block timestamp of `blockNumber` (seconds). */
  timestamp = 1_700_000_000n;
  /** Every request seen, in order (method and params). */
  readonly requests: { method: string; params: unknown[] }[] = [];
  /** Every transaction accepted by eth_sendRawTransaction, replacements included. */
  readonly sent: SentTx[] = [];
  /** Decides the fate of each accepted transaction (default: success, no logs). */
  onTransaction: (tx: SentTx, chain: FakeChain) => TxOutcome = () => ({ status: "success" });
  /** How long a "timeout" fault holds the answer, in ms (use a client timeout well below it). */
  timeoutMs = 400;
  /** When set, eth_getLogs over more blocks than this fails as many providers do (-32005). */
  maxLogRange?: bigint;

  private readonly contracts = new Map<string, { abi: Abi; impl: Record<string, FunctionImpl> }>();
  private readonly logs: StoredLog[] = [];
  private readonly receipts = new Map<string, Receipt>();
  private readonly pending = new Map<string, SentTx>(); // `${from}:${nonce}` -> tx
  private readonly mined = new Map<string, number>(); // from -> next nonce
  private readonly faults: { method: string; remaining: number; mode: FaultMode }[] = [];
  private nextLogIndex = 0;

  constructor(opts: { url: string; chainId: number; blockNumber?: bigint }) {
    this.url = opts.url;
    this.chainId = opts.chainId;
    this.blockNumber = opts.blockNumber ?? 100n;
  }

  /** Registers a contract: eth_call and eth_estimateGas of its functions go to `impl[functionName]`. */
  contract(address: Address, abi: Abi, impl: Record<string, FunctionImpl>): this {
    this.contracts.set(lower(address), { abi, impl });
    return this;
  }

  /** Adds one log (default block: the current block). */
  emit(spec: LogSpec): StoredLog {
    const { topics, data } = encodeLog(spec.abi, spec.eventName, spec.args);
    const log: StoredLog = {
      address: spec.address,
      topics,
      data,
      blockNumber: spec.blockNumber ?? this.blockNumber,
      transactionHash: spec.transactionHash ?? hash32(0xfeed0000n + BigInt(this.logs.length)),
      logIndex: this.nextLogIndex++,
    };
    this.logs.push(log);
    return log;
  }

  /** The next `times` calls of `method` ("*" = any) fail with `mode`. */
  fail(method: string, times = 1, mode: FaultMode = "error"): this {
    this.faults.push({ method, remaining: times, mode });
    return this;
  }

  /** Mines a transaction that `onTransaction` left pending. */
  mine(hash: Hex, outcome: Exclude<TxOutcome, "pending">): void {
    const tx = [...this.pending.values()].find((t) => t.hash === hash);
    if (!tx) throw new Error(`fake chain: ${hash} is not pending`);
    this.include(tx, outcome);
  }

  /** Pending (unmined) transactions. */
  pendingTxs(): SentTx[] {
    return [...this.pending.values()];
  }

  /** Requests of one method. */
  callsOf(method: string): unknown[][] {
    return this.requests.filter((r) => r.method === method).map((r) => r.params);
  }

  /** Transactions that reached a receipt, in order. */
  minedTxs(): { tx: SentTx; status: "success" | "reverted" }[] {
    return [...this.receipts.values()].map((r) => ({ tx: r.tx, status: r.status }));
  }

  handler() {
    return jsonRpcHandler(this.url, (method, params) => this.answer(method, params));
  }

  private include(tx: SentTx, outcome: Exclude<TxOutcome, "pending">): void {
    this.pending.delete(`${lower(tx.from)}:${tx.nonce}`);
    this.blockNumber += 1n;
    this.timestamp += 12n;
    this.mined.set(lower(tx.from), tx.nonce + 1);
    const logs = (outcome.status === "success" ? (outcome.logs ?? []) : []).map((l) =>
      this.emit({ ...l, blockNumber: this.blockNumber, transactionHash: tx.hash }),
    );
    this.receipts.set(tx.hash, {
      tx,
      status: outcome.status,
      blockNumber: this.blockNumber,
      gasUsed: outcome.gasUsed ?? 50_000n,
      logs,
    });
  }

  private fault(method: string): FaultMode | undefined {
    const f = this.faults.find((x) => x.remaining > 0 && (x.method === method || x.method === "*"));
    if (!f) return undefined;
    f.remaining -= 1;
    return f.mode;
  }

  private answer(method: string, params: unknown[]): unknown {
    this.requests.push({ method, params });
    const fault = this.fault(method);
    if (fault === "timeout") return hang(this.timeoutMs);
    if (fault === "http500") throw new HttpFailure(500);
    if (fault === "error") throw new RpcError(-32603, `injected failure of ${method}`);
    switch (method) {
      case "eth_chainId":
        return toQuantity(this.chainId);
      case "net_version":
        return String(this.chainId);
      case "eth_blockNumber":
        return toQuantity(this.blockNumber);
      case "eth_maxPriorityFeePerGas":
        return toQuantity(this.priorityFeePerGas);
      case "eth_gasPrice":
        return toQuantity(this.baseFeePerGas + this.priorityFeePerGas);
      case "eth_getBlockByNumber":
        return this.block(params[0] as string);
      case "eth_call":
        return this.call(params[0] as CallParams);
      case "eth_estimateGas":
        this.call(params[0] as CallParams);
        return toQuantity(100_000n);
      case "eth_getLogs":
        return this.getLogs(params[0] as LogFilter);
      case "eth_sendRawTransaction":
        return this.sendRaw(params[0] as Hex);
      case "eth_getTransactionReceipt":
        return this.receipt(params[0] as Hex);
      case "eth_getTransactionByHash":
        return null;
      case "eth_getCode":
        return this.code(params[0] as string);
      case "eth_getTransactionCount": {
        const from = lower(params[0] as string);
        const mined = this.mined.get(from) ?? 0;
        if (params[1] !== "pending") return toQuantity(mined);
        const queued = [...this.pending.values()].filter((t) => lower(t.from) === from).length;
        return toQuantity(mined + queued);
      }
      default:
        throw new RpcError(-32601, `fake chain: method ${method} not supported`);
    }
  }

  /**
   * Runtime code of a registered contract: a stand-in that holds `PUSH4 <selector>` for every
   * implemented function (what a Solidity dispatcher contains), so code inspection works; "0x" elsewhere.
   */
  private code(address: string): Hex {
    const c = this.contracts.get(lower(address));
    if (!c) return "0x";
    const selectors = c.abi
      .filter((i) => i.type === "function" && c.impl[i.name] !== undefined)
      .map((i) => `63${toFunctionSelector(i as never).slice(2)}`);
    return `0x${selectors.join("")}00`;
  }

  private block(tag: string) {
    const n =
      tag === "latest" || tag === "pending" || tag === "safe" || tag === "finalized" ? this.blockNumber : BigInt(tag);
    return {
      number: toQuantity(n),
      hash: hash32(0xb10c0000n + n),
      parentHash: hash32(0xb10c0000n + n - 1n),
      timestamp: toQuantity(this.timestamp - (this.blockNumber - n) * 12n),
      baseFeePerGas: toQuantity(this.baseFeePerGas),
      gasLimit: toQuantity(30_000_000n),
      gasUsed: "0x0",
      miner: `0x${"00".repeat(20)}`,
      extraData: "0x",
      logsBloom: `0x${"00".repeat(256)}`,
      transactions: [],
      uncles: [],
      nonce: "0x0000000000000000",
      difficulty: "0x0",
      size: "0x0",
      stateRoot: hash32(0),
      receiptsRoot: hash32(0),
      transactionsRoot: hash32(0),
      sha3Uncles: hash32(0),
      mixHash: hash32(0),
    };
  }

  private call(p: CallParams): Hex {
    const to = p.to;
    const c = to ? this.contracts.get(lower(to)) : undefined;
    if (!to || !c) throw new RpcError(-32000, `fake chain: no contract at ${to}`);
    const input = (p.data ?? p.input ?? "0x") as Hex;
    let decoded: { functionName: string; args?: readonly unknown[] };
    try {
      decoded = decodeFunctionData({ abi: c.abi, data: input }) as typeof decoded;
    } catch (error) {
      throw new RpcError(-32000, `fake chain: cannot decode call to ${to}: ${(error as Error).message}`);
    }
    const impl = c.impl[decoded.functionName];
    // Like a contract without that function (and no fallback): a revert with empty data.
    if (!impl)
      throw new RpcError(3, `execution reverted (fake chain: ${to} does not implement ${decoded.functionName})`, "0x");
    try {
      const result = impl(decoded.args ?? [], {
        from: p.from,
        to,
        value: p.value ? BigInt(p.value) : 0n,
        chain: this,
      });
      const fn = c.abi.find((i) => i.type === "function" && i.name === decoded.functionName);
      if (fn?.type === "function" && fn.outputs.length === 0) return "0x";
      return encodeFunctionResult({ abi: c.abi, functionName: decoded.functionName, result } as never);
    } catch (error) {
      if (error instanceof Revert) throw new RpcError(3, error.message, error.data);
      throw error;
    }
  }

  private getLogs(f: LogFilter) {
    const from = f.fromBlock === undefined || f.fromBlock === "earliest" ? 0n : toBlock(f.fromBlock, this.blockNumber);
    const to = f.toBlock === undefined ? this.blockNumber : toBlock(f.toBlock, this.blockNumber);
    if (this.maxLogRange !== undefined && to - from + 1n > this.maxLogRange) {
      throw new RpcError(-32005, `query exceeds max block range ${this.maxLogRange}`);
    }
    const addresses =
      f.address === undefined ? undefined : (Array.isArray(f.address) ? f.address : [f.address]).map(lower);
    const topics = f.topics ?? [];
    return this.logs
      .filter((l) => l.blockNumber >= from && l.blockNumber <= to)
      .filter((l) => !addresses || addresses.includes(lower(l.address)))
      .filter((l) =>
        topics.every((t, i) => {
          if (t === null || t === undefined) return true;
          const want = (Array.isArray(t) ? t : [t]).map(lower);
          const have = l.topics[i];
          return have !== undefined && want.includes(lower(have));
        }),
      )
      .sort((a, b) =>
        a.blockNumber === b.blockNumber ? a.logIndex - b.logIndex : a.blockNumber < b.blockNumber ? -1 : 1,
      )
      .map((l) => this.formatLog(l));
  }

  private formatLog(l: StoredLog) {
    return {
      address: l.address,
      topics: l.topics,
      data: l.data,
      blockNumber: toQuantity(l.blockNumber),
      blockHash: hash32(0xb10c0000n + l.blockNumber),
      transactionHash: l.transactionHash,
      transactionIndex: "0x0",
      logIndex: toQuantity(l.logIndex),
      removed: false,
    };
  }

  private async sendRaw(raw: Hex): Promise<Hex> {
    const parsed = parseTransaction(raw);
    const from = await recoverTransactionAddress({ serializedTransaction: raw as never });
    const hash = keccak256(raw);
    const nonce = parsed.nonce ?? 0;
    const tx: SentTx = {
      hash,
      from,
      to: parsed.to ?? undefined,
      data: parsed.data ?? "0x",
      value: parsed.value ?? 0n,
      nonce,
      gas: parsed.gas ?? 0n,
      maxFeePerGas: parsed.maxFeePerGas ?? parsed.gasPrice ?? 0n,
      maxPriorityFeePerGas: parsed.maxPriorityFeePerGas ?? parsed.gasPrice ?? 0n,
    };
    if (this.receipts.has(hash) || [...this.pending.values()].some((t) => t.hash === hash)) {
      throw new RpcError(-32000, "already known");
    }
    if (parsed.chainId !== undefined && parsed.chainId !== this.chainId) {
      throw new RpcError(-32000, `invalid chain id ${parsed.chainId}`);
    }
    const next = this.mined.get(lower(from)) ?? 0;
    if (nonce < next) throw new RpcError(-32000, `nonce too low: next nonce ${next}, tx nonce ${nonce}`);
    const key = `${lower(from)}:${nonce}`;
    const previous = this.pending.get(key);
    if (previous) {
      const minFee = previous.maxFeePerGas + previous.maxFeePerGas / 10n;
      const minTip = previous.maxPriorityFeePerGas + previous.maxPriorityFeePerGas / 10n;
      if (tx.maxFeePerGas < minFee || tx.maxPriorityFeePerGas < minTip) {
        throw new RpcError(-32000, "replacement transaction underpriced");
      }
    }
    const c = tx.to ? this.contracts.get(lower(tx.to)) : undefined;
    if (c) {
      try {
        const d = decodeFunctionData({ abi: c.abi, data: tx.data }) as {
          functionName: string;
          args?: readonly unknown[];
        };
        tx.functionName = d.functionName;
        tx.args = d.args ?? [];
      } catch {
        // not a function of the registered ABI: leave undecoded
      }
    }
    this.sent.push(tx);
    this.pending.set(key, tx); // replaces `previous`, which can no longer be mined
    if (nonce > next) return hash; // a nonce gap: stays queued, like a real mempool
    const outcome = this.onTransaction(tx, this);
    if (outcome !== "pending") this.include(tx, outcome);
    return hash;
  }

  private receipt(hash: Hex) {
    const r = this.receipts.get(hash);
    if (!r) return null;
    return {
      transactionHash: hash,
      transactionIndex: "0x0",
      blockHash: hash32(0xb10c0000n + r.blockNumber),
      blockNumber: toQuantity(r.blockNumber),
      from: r.tx.from,
      to: r.tx.to ?? null,
      cumulativeGasUsed: toQuantity(r.gasUsed),
      gasUsed: toQuantity(r.gasUsed),
      effectiveGasPrice: toQuantity(this.baseFeePerGas + r.tx.maxPriorityFeePerGas),
      contractAddress: null,
      logs: r.logs.map((l) => this.formatLog(l)),
      logsBloom: `0x${"00".repeat(256)}`,
      status: r.status === "success" ? "0x1" : "0x0",
      type: "0x2",
    };
  }
}

interface CallParams {
  from?: Address;
  to?: Address;
  data?: Hex;
  input?: Hex;
  value?: Hex;
}

interface LogFilter {
  address?: Address | Address[];
  topics?: (Hex | Hex[] | null)[];
  fromBlock?: string;
  toBlock?: string;
}

function toBlock(tag: string, latest: bigint): bigint {
  if (tag === "latest" || tag === "pending" || tag === "safe" || tag === "finalized") return latest;
  if (tag === "earliest") return 0n;
  return BigInt(tag);
}
