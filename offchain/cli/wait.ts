/**
 * `wait --withdrawal <op>`: follows an L2 withdrawal until it is claimable on L1, printing each step
 * as it happens (to stderr; the result goes to stdout). The chains alone decide: withdrawal ops are
 * proven in L2 log order and each one gives exactly one `WithdrawalQueued` log on L1, so the k-th
 * withdrawal op of L2 is proven once L1 has k + 1 of those logs (docs/protocol.md sections 6 and 9).
 * The node database, when there is one, adds which batch the node cut it into.
 */
import { type Address, type Hex, parseEventLogs } from "viem";
import { readBatch, readExtractorProgress } from "../runtime/node-db/extractor.js";
import { sleep } from "../runtime/retry.js";
import { receivingAbi, storageAbi } from "./abi.js";
import { type CliContext, InputError } from "./context.js";
import type { CommandResult } from "./result.js";
import { formatAmount, resolveToken, type TokenInfo } from "./tokens.js";
import { TxError } from "./tx.js";

export interface WaitArgs {
  withdrawal: string;
  timeout?: string;
  db?: string;
}

const KIND_WITHDRAW = 3;
const POLL_MS = 1_000;
const HEARTBEAT_MS = 30_000;

interface WithdrawalOp {
  opIndex: number;
  tokenId: number;
  from: Address;
  recipient: Address;
  amount: bigint;
  l2Tx: Hex;
  l2Block: bigint;
}

/** The op index from `--withdrawal`: a number, or the hash of the L2 withdraw transaction. */
async function opIndexOf(ctx: CliContext, value: string): Promise<number> {
  const v = value.trim();
  if (/^\d+$/.test(v) && BigInt(v) < 1n << 63n) return Number(v);
  if (!/^0x[0-9a-fA-F]{64}$/.test(v)) {
    throw new InputError(
      `--withdrawal must be the L2 op number that withdraw printed (0, 1, 2, ...) or its L2 transaction hash, got "${value}"`,
    );
  }
  const receipt = await ctx
    .client("L2")
    .getTransactionReceipt({ hash: v as Hex })
    .catch(() => undefined);
  if (!receipt) throw new InputError(`--withdrawal ${v}: L2 has no receipt for this transaction`);
  const op = parseEventLogs({ abi: receivingAbi, eventName: "OpLogged", logs: receipt.logs }).find(
    (l) => l.args.kind === KIND_WITHDRAW,
  );
  if (!op) throw new InputError(`--withdrawal ${v}: this L2 transaction holds no withdrawal`);
  return Number(op.args.opIndex);
}

async function readWithdrawalOp(ctx: CliContext, opIndex: number): Promise<WithdrawalOp> {
  const client = ctx.client("L2");
  const fromBlock = BigInt(ctx.deployment("L2").deployBlock);
  const [log] = await client.getContractEvents({
    address: ctx.assetReceiving,
    abi: receivingAbi,
    eventName: "OpLogged",
    args: { opIndex: BigInt(opIndex) },
    fromBlock,
    strict: true,
  });
  if (!log) {
    const count = await client.readContract({
      address: ctx.assetReceiving,
      abi: receivingAbi,
      functionName: "opCount",
    });
    throw new InputError(`--withdrawal ${opIndex}: L2 has no op ${opIndex} (it has ${count} ops, 0..${count - 1n})`);
  }
  const kinds: Record<number, string> = { 1: "a deposit credit", 2: "a transfer" };
  if (log.args.kind !== KIND_WITHDRAW) {
    throw new InputError(`--withdrawal ${opIndex}: L2 op ${opIndex} is ${kinds[log.args.kind] ?? "not a withdrawal"}`);
  }
  return {
    opIndex,
    tokenId: log.args.tokenId,
    from: log.args.from,
    recipient: log.args.to,
    amount: log.args.amount,
    l2Tx: log.transactionHash,
    l2Block: log.blockNumber,
  };
}

/** How many withdrawal ops come before `op` in the L2 log. */
async function withdrawalOrdinal(ctx: CliContext, op: WithdrawalOp): Promise<number> {
  const earlier = await ctx.client("L2").getContractEvents({
    address: ctx.assetReceiving,
    abi: receivingAbi,
    eventName: "OpLogged",
    args: { kind: KIND_WITHDRAW },
    fromBlock: BigInt(ctx.deployment("L2").deployBlock),
    toBlock: op.l2Block,
    strict: true,
  });
  return earlier.filter((l) => l.args.opIndex < BigInt(op.opIndex)).length;
}

/** The node's batch holding op `opIndex`, from the node database; undefined without one or before it is cut. */
function nodeBatchOf(ctx: CliContext, opIndex: number, dbPath?: string): number | undefined {
  let db: ReturnType<CliContext["openNodeDb"]>;
  try {
    db = ctx.openNodeDb(dbPath);
    const last = db ? readExtractorProgress(db)?.lastBatch : undefined;
    if (!db || !last || last.firstOp + last.opCount <= opIndex) return undefined;
    for (let n = last.batchNumber; n >= 0; n--) {
      const b = readBatch(db, n);
      if (b && b.firstOp <= opIndex && opIndex < b.firstOp + b.opCount) return n;
      if (!b || b.firstOp < opIndex) break;
    }
    return undefined;
  } catch {
    return undefined; // the database is an extra: a busy or foreign file only loses the batch step
  } finally {
    db?.close();
  }
}

function parseTimeout(value: string | undefined): number {
  if (value === undefined) return 1_800_000;
  const v = value.trim();
  if (!/^\d+$/.test(v) || Number(v) < 1) {
    throw new InputError(`--timeout must be a whole number of seconds above zero, got "${value}"`);
  }
  return Number(v) * 1000;
}

export async function waitWithdrawal(ctx: CliContext, a: WaitArgs): Promise<CommandResult> {
  const timeoutMs = parseTimeout(a.timeout);
  const opIndex = await opIndexOf(ctx, a.withdrawal);
  const op = await readWithdrawalOp(ctx, opIndex);
  const token = await resolveToken(ctx, String(op.tokenId), "L2");
  const ordinal = await withdrawalOrdinal(ctx, op);
  const what = `${formatAmount(op.amount, token)} to ${op.recipient}`;
  ctx.progress(`withdrawal (L2 op ${opIndex}): ${what}, requested in L2 tx ${op.l2Tx}`);
  const proven = await followToL1(ctx, op, ordinal, token, timeoutMs, a.db);
  const pending = await ctx.client("L1").readContract({
    address: ctx.assetStorage,
    abi: storageAbi,
    functionName: "pendingWithdrawals",
    args: [op.recipient, op.tokenId],
  });
  return {
    lines: [
      `Withdrawal (L2 op ${opIndex}) of ${what} is claimable on L1: proven in batch #${proven.batchNumber} (L1 tx ${proven.l1Tx}).`,
      pending > 0n
        ? `Pending for ${op.recipient}: ${formatAmount(pending, token)}. Collect it with \`claim --token ${token.symbol}\` (as the recipient, or \`claim --for ${op.recipient}\`).`
        : `Nothing is pending for ${op.recipient} in ${token.symbol} any more: it was claimed already.`,
    ],
    data: {
      opIndex,
      tokenId: op.tokenId,
      symbol: token.symbol,
      amount: op.amount,
      l1Recipient: op.recipient,
      l2Tx: op.l2Tx,
      batchNumber: proven.batchNumber,
      l1Tx: proven.l1Tx,
      claimable: true,
      pending,
    },
  };
}

type QueuedLog = {
  args: { batchNumber: bigint; recipient: Address; tokenId: number; amount: bigint };
  transactionHash: Hex;
};

/** Reads L1's WithdrawalQueued logs block range by block range; `next()` returns the log number `ordinal` once there. */
function withdrawalLogs(ctx: CliContext, ordinal: number) {
  const l1 = ctx.client("L1");
  let fromBlock = BigInt(ctx.deployment("L1").deployBlock);
  let seen = 0;
  return {
    get seen() {
      return seen;
    },
    async next(): Promise<QueuedLog | undefined> {
      const head = await l1.getBlockNumber();
      if (head < fromBlock) return undefined;
      const logs = await l1.getContractEvents({
        address: ctx.assetStorage,
        abi: storageAbi,
        eventName: "WithdrawalQueued",
        fromBlock,
        toBlock: head,
        strict: true,
      });
      fromBlock = head + 1n;
      const ours = logs[ordinal - seen];
      seen += logs.length;
      return ours;
    },
  };
}

/** Throws unless L1's log is this withdrawal (deployments of two different bridges would pair wrongly). */
function checkSame(log: QueuedLog, op: WithdrawalOp, ordinal: number, token: TokenInfo): void {
  const a = log.args;
  if (a.recipient.toLowerCase() === op.recipient.toLowerCase() && a.tokenId === op.tokenId && a.amount === op.amount) {
    return;
  }
  throw new TxError(
    `L1's withdrawal #${ordinal} (batch #${a.batchNumber}) is ${formatAmount(a.amount, token)} of token ${a.tokenId} to ` +
      `${a.recipient}, not this one: the L1 deployment and the L2 one do not belong together (check DEPLOYMENTS_DIR)`,
  );
}

/** Polls L1 (and the node database) until the withdrawal's WithdrawalQueued log is there. */
async function followToL1(
  ctx: CliContext,
  op: WithdrawalOp,
  ordinal: number,
  token: TokenInfo,
  timeoutMs: number,
  dbPath: string | undefined,
): Promise<{ batchNumber: bigint; l1Tx: Hex }> {
  const start = Date.now();
  const logs = withdrawalLogs(ctx, ordinal);
  let nodeBatch: number | undefined;
  let lastNote = start;
  const provenSoFar = () => `L1 has proven the first ${logs.seen} L2 withdrawals; this one is #${ordinal}`;
  ctx.progress(
    `waiting for the batch that proves it on L1 (it is L2 withdrawal #${ordinal}, counting from 0); then it is claimable`,
  );
  for (;;) {
    const ours = await logs.next();
    if (ours) {
      checkSame(ours, op, ordinal, token);
      ctx.progress(`proven on L1 in batch #${ours.args.batchNumber} (tx ${ours.transactionHash})`);
      return { batchNumber: ours.args.batchNumber, l1Tx: ours.transactionHash };
    }
    if (nodeBatch === undefined) {
      nodeBatch = nodeBatchOf(ctx, op.opIndex, dbPath);
      if (nodeBatch !== undefined)
        ctx.progress(`in batch #${nodeBatch} of the node; waiting for its proof to reach L1`);
    }
    await refuseExodus(ctx, op);
    const now = Date.now();
    if (now - start >= timeoutMs) {
      throw new TxError(
        `withdrawal (L2 op ${op.opIndex}) is not proven on L1 after ${Math.round(timeoutMs / 1000)} s ` +
          `(${provenSoFar()}, counting from 0): is the node running? \`status\` shows its progress`,
      );
    }
    if (now - lastNote >= HEARTBEAT_MS) {
      lastNote = now;
      ctx.progress(`still waiting (${Math.round((now - start) / 1000)} s): ${provenSoFar()}`);
    }
    await sleep(Math.min(POLL_MS, Math.max(0, timeoutMs - (now - start))));
  }
}

async function refuseExodus(ctx: CliContext, op: WithdrawalOp): Promise<void> {
  const exodus = await ctx
    .client("L1")
    .readContract({ address: ctx.assetStorage, abi: storageAbi, functionName: "exodusMode" });
  if (!exodus) return;
  throw new TxError(
    "exodus was activated on L1 before this withdrawal was proven: no batch will prove it now, and the last proven " +
      `L2 state still counts the amount in the balance of ${op.from}, who gets it back with \`exit\``,
  );
}
