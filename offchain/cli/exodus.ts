/**
 * Exodus commands, from an L1 RPC alone (docs/protocol.md sections 10 and 15). `exit-data` rebuilds
 * the last proven state from the op data every batch posted on L1 and writes it; `exit` rebuilds it,
 * exits each of the owner's non-zero, not yet exited slots and cancels the owner's unconsumed
 * deposits. `cancel-deposit` refunds one deposit, with the record read from L1's DepositQueued log.
 */

import { writeFileSync } from "node:fs";
import { BridgeError } from "../lib/errors.js";
import { type DepositRecord, depositHash } from "../lib/protocol.js";
import { type ExitProof, exitDataOf, exitProofs, unconsumedDeposits } from "../lib/rebuild.js";
import { DEFAULT_BLOCK_RANGE, type HistoryProgress, type L1Rebuild, rebuildFromL1 } from "../runtime/l1-history.js";
import { storageAbi } from "./abi.js";
import { type CliContext, InputError, parseAddress } from "./context.js";
import { type CommandResult, txInfo, txLine } from "./result.js";
import { formatAmount, resolveToken } from "./tokens.js";
import { sendCall, TxError } from "./tx.js";

export type { ExitProof };

/** Why an exit cannot be built (nothing is sent). */
export class ExitPathError extends BridgeError {
  override name = "ExitPathError";
}

/** Where the L1 history is read from (exit, exit-data). */
export interface L1SourceArgs {
  "l1-rpc"?: string;
  "asset-storage"?: string;
  "from-block"?: string;
  "block-range"?: string;
}

function parseCount(value: string | undefined, option: string, min: bigint): bigint | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value.trim()) || BigInt(value.trim()) < min) {
    throw new InputError(`--${option} must be a whole number${min > 0n ? ` of at least ${min}` : ""}, got "${value}"`);
  }
  return BigInt(value.trim());
}

function describeProgress(p: HistoryProgress): string {
  if (p.kind === "split") return `the L1 RPC refused blocks ${p.from}..${p.to}: asking ${p.range} blocks at a time`;
  return `read L1 blocks ${p.from}..${p.to} of ${p.target}: ${p.batches} batches, ${p.requests} queue requests so far`;
}

/** The last proven state rebuilt from L1 logs alone, with progress lines for a long scan. */
export async function rebuildForCli(ctx: CliContext, a: L1SourceArgs): Promise<L1Rebuild> {
  await ctx.overrideL1({ rpcUrl: a["l1-rpc"], assetStorage: a["asset-storage"] });
  const fromBlock =
    parseCount(a["from-block"], "from-block", 0n) ??
    (ctx.assetStorageGiven ? 0n : BigInt(ctx.deployment("L1").deployBlock));
  const blockRange = Number(parseCount(a["block-range"], "block-range", 1n) ?? BigInt(DEFAULT_BLOCK_RANGE));
  const started = Date.now();
  let lastLine = 0;
  const rebuilt = await rebuildFromL1({
    client: ctx.client("L1"),
    assetStorage: ctx.assetStorage,
    fromBlock,
    blockRange,
    onProgress: (p) => {
      if (p.kind === "split" || p.to === p.target || Date.now() - lastLine >= 1000) {
        lastLine = Date.now();
        ctx.report(describeProgress(p));
      }
    },
  });
  ctx.report(
    `rebuilt ${rebuilt.batchCount} batches (${rebuilt.state.opCount} ops, ${rebuilt.state.slotCount} slots) in ` +
      `${((Date.now() - started) / 1000).toFixed(1)} s; root ${rebuilt.stateRoot} = L1's stateRoot()`,
  );
  return rebuilt;
}

export interface ExitDataArgs extends L1SourceArgs {
  out: string;
}

export async function exitData(ctx: CliContext, a: ExitDataArgs): Promise<CommandResult> {
  const r = await rebuildForCli(ctx, a);
  const data = exitDataOf(r.state, { chainId: r.chainId, assetStorage: r.assetStorage, batchCount: r.batchCount });
  writeFileSync(a.out, `${JSON.stringify(data, null, 2)}\n`);
  return {
    lines: [
      `Wrote ${a.out}: ${data.accounts.length} slots of the state proven by ${r.batchCount} batches, root ${data.stateRoot}.`,
      "Anyone can check it by recomputing the root from the accounts (docs/protocol.md section 15).",
    ],
    data: { out: a.out, block: r.block, batchCount: r.batchCount, stateRoot: r.stateRoot, slots: data.accounts.length },
  };
}

async function requireExodus(ctx: CliContext): Promise<void> {
  const active = await ctx
    .client("L1")
    .readContract({ address: ctx.assetStorage, abi: storageAbi, functionName: "exodusMode" });
  if (!active) {
    throw new TxError(
      "exodus is not active on L1: exit and cancel-deposit work only after AssetStorage.activateExodus " +
        "(possible once a request waited longer than the priority deadline; see `status`)",
    );
  }
}

export interface ExitArgs extends L1SourceArgs {
  token?: string;
  owner?: string;
}

async function sendExits(ctx: CliContext, proofs: ExitProof[], lines: string[]): Promise<Record<string, unknown>[]> {
  const client = ctx.client("L1");
  const exits: Record<string, unknown>[] = [];
  for (const p of proofs) {
    const token = await resolveToken(ctx, String(p.tokenId), "L1");
    const args = [BigInt(p.slot)] as const;
    if (await client.readContract({ address: ctx.assetStorage, abi: storageAbi, functionName: "slotExited", args })) {
      lines.push(`Slot ${p.slot} (${formatAmount(p.balance, token)}) was already exited.`);
      exits.push({ slot: p.slot, tokenId: p.tokenId, balance: p.balance, alreadyExited: true });
      continue;
    }
    const receipt = await sendCall(
      ctx,
      "L1",
      {
        address: ctx.assetStorage,
        abi: storageAbi,
        functionName: "exit",
        args: [BigInt(p.slot), p.owner, p.tokenId, p.balance, p.siblings],
      },
      `exit slot ${p.slot}`,
    );
    lines.push(
      `Exited slot ${p.slot}: ${formatAmount(p.balance, token)} of ${p.owner} is now claimable on L1.`,
      txLine("L1", receipt),
    );
    exits.push({ slot: p.slot, tokenId: p.tokenId, symbol: token.symbol, balance: p.balance, tx: txInfo(receipt) });
  }
  return exits;
}

async function sendCancels(
  ctx: CliContext,
  deposits: { id: bigint; record: DepositRecord }[],
  lines: string[],
): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for (const { id, record } of deposits) {
    const token = await resolveToken(ctx, String(record.tokenId), "L1");
    if (await isCancelled(ctx, id)) {
      lines.push(`Deposit #${id} (${formatAmount(record.amount, token)}) was already cancelled.`);
      out.push({ depositId: id, alreadyCancelled: true });
      continue;
    }
    await checkStoredHash(ctx, id, record);
    const receipt = await sendCall(
      ctx,
      "L1",
      { address: ctx.assetStorage, abi: storageAbi, functionName: "cancelDeposit", args: [id, record] },
      `cancelDeposit ${id}`,
    );
    lines.push(`Deposit #${id} cancelled: ${formatAmount(record.amount, token)} is claimable by ${record.depositor}.`);
    lines.push(txLine("L1", receipt));
    out.push({ depositId: id, tokenId: record.tokenId, amount: record.amount, tx: txInfo(receipt) });
  }
  return out;
}

/**
 * `exit`: rebuilds the proven state from L1 alone, exits each of the owner's non-zero slots not yet
 * exited, then cancels each of the owner's deposits that no proven batch consumed.
 */
export async function exit(ctx: CliContext, a: ExitArgs): Promise<CommandResult> {
  await ctx.overrideL1({ rpcUrl: a["l1-rpc"], assetStorage: a["asset-storage"] });
  const owner = a.owner !== undefined ? parseAddress(a.owner, "owner") : ctx.signer("L1").account.address;
  const tokenId = a.token !== undefined ? (await resolveToken(ctx, a.token, "L1")).tokenId : undefined;
  await requireExodus(ctx);
  const r = await rebuildForCli(ctx, { ...a, "l1-rpc": undefined, "asset-storage": undefined });
  const proofs = exitProofs(r.state, owner, tokenId);
  const deposits = unconsumedDeposits(r.history.queue, r.processedDeposits, owner, tokenId);
  if (proofs.length === 0 && deposits.length === 0) {
    const which = tokenId === undefined ? "any token" : `token ${tokenId}`;
    throw new ExitPathError(
      `${owner} holds no balance of ${which} in the state proven by ${r.batchCount} batches and has no unconsumed deposit`,
    );
  }
  const lines: string[] = [];
  const exits = await sendExits(ctx, proofs, lines);
  const cancels = await sendCancels(ctx, deposits, lines);
  lines.push(
    `Proven state of ${r.batchCount} batches; collect with \`claim\`${a.owner !== undefined ? ` (claim --for ${owner})` : ""}.`,
  );
  return { lines, data: { owner, root: r.stateRoot, batchCount: r.batchCount, exits, cancels } };
}

export interface CancelDepositArgs {
  "deposit-id": string;
}

/** The DepositQueued record of `depositId`, from L1 logs, checked against the stored hash. */
export async function depositRecord(ctx: CliContext, depositId: bigint): Promise<DepositRecord> {
  const client = ctx.client("L1");
  const logs = await client.getContractEvents({
    address: ctx.assetStorage,
    abi: storageAbi,
    eventName: "DepositQueued",
    args: { depositId },
    fromBlock: BigInt(ctx.deployment("L1").deployBlock),
    toBlock: "latest",
    strict: true,
  });
  const log = logs[0];
  if (!log)
    throw new TxError(`no DepositQueued log for deposit ${depositId} on L1 (check DEPLOYMENTS_DIR and the L1 RPC)`);
  const { recipient, tokenId, amount, depositor, timestamp } = log.args;
  const record: DepositRecord = { recipient, tokenId, amount, depositor, timestamp };
  await checkStoredHash(ctx, depositId, record);
  return record;
}

/** Throws unless `record` hashes to `requestHashes(depositId)` (the log came from a trustworthy RPC). */
async function checkStoredHash(ctx: CliContext, depositId: bigint, record: DepositRecord): Promise<void> {
  const stored = await ctx.client("L1").readContract({
    address: ctx.assetStorage,
    abi: storageAbi,
    functionName: "requestHashes",
    args: [depositId],
  });
  if (depositHash(record) !== stored) {
    throw new TxError(
      `the DepositQueued log of deposit ${depositId} does not match its stored hash: the L1 RPC is not trustworthy`,
    );
  }
}

const isCancelled = (ctx: CliContext, depositId: bigint) =>
  ctx
    .client("L1")
    .readContract({ address: ctx.assetStorage, abi: storageAbi, functionName: "depositCancelled", args: [depositId] });

export async function cancelDeposit(ctx: CliContext, a: CancelDepositArgs): Promise<CommandResult> {
  const raw = a["deposit-id"].trim();
  if (!/^\d+$/.test(raw) || BigInt(raw) >= 1n << 64n) {
    throw new InputError(`--deposit-id must be a deposit number (0, 1, 2, ...), got "${a["deposit-id"]}"`);
  }
  const depositId = BigInt(raw);
  ctx.signer("L1");
  await requireExodus(ctx);
  const client = ctx.client("L1");
  const storage = ctx.assetStorage;
  const [processed, count, cancelled] = await Promise.all([
    client.readContract({ address: storage, abi: storageAbi, functionName: "processedDeposits" }),
    client.readContract({ address: storage, abi: storageAbi, functionName: "depositCount" }),
    client.readContract({ address: storage, abi: storageAbi, functionName: "depositCancelled", args: [depositId] }),
  ]);
  if (depositId >= count)
    throw new InputError(`there is no deposit ${depositId} on L1 (deposits 0..${count - 1n} exist)`);
  if (depositId < processed) {
    throw new TxError(
      `deposit ${depositId} was consumed by a proven batch: its amount is part of the proven L2 balances; use exit`,
    );
  }
  if (cancelled) throw new TxError(`deposit ${depositId} was already cancelled: its depositor can claim it`);
  const record = await depositRecord(ctx, depositId);
  const receipt = await sendCall(
    ctx,
    "L1",
    { address: storage, abi: storageAbi, functionName: "cancelDeposit", args: [depositId, record] },
    `cancelDeposit ${depositId}`,
  );
  const token = await resolveToken(ctx, String(record.tokenId), "L1");
  return {
    lines: [
      `Deposit #${depositId} cancelled: ${formatAmount(record.amount, token)} is claimable by ${record.depositor} on L1.`,
      txLine("L1", receipt),
      "Collect it with `claim` (signed by the depositor, or claim --for <depositor>).",
    ],
    data: { depositId, record, tx: txInfo(receipt) },
  };
}
