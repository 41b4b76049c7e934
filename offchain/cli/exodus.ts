/**
 * Exodus commands. `exit` proves the caller's L2 balances of the last proven state to L1: the
 * Merkle path of each slot comes from the `state_after` snapshot of the batch whose new root equals
 * L1's `stateRoot()` (docs/protocol.md sections 4 and 10). `cancel-deposit` refunds a deposit no
 * batch consumed, with the record read from L1's DepositQueued log.
 */
import type { Address } from "viem";
import { readBatchByNewRoot } from "../extractor/store.js";
import { type DepositRecord, depositWord, leafHash } from "../lib/protocol.js";
import { BridgeState } from "../lib/state.js";
import { emptyRoot, rootFromPath } from "../lib/tree.js";
import type { Db } from "../runtime/db.js";
import { storageAbi } from "./abi.js";
import { type CliContext, InputError, parseAddress } from "./context.js";
import { type CommandResult, txInfo, txLine } from "./result.js";
import { formatAmount, resolveToken } from "./tokens.js";
import { sendCall, TxError } from "./tx.js";

/** Why an exit cannot be built (nothing is sent). */
export class ExitPathError extends Error {
  override name = "ExitPathError";
}

/** Everything `AssetStorage.exit` takes for one slot. */
export interface ExitProof {
  batchNumber: number;
  slot: number;
  owner: Address;
  tokenId: number;
  balance: bigint;
  /** Leaf level first (section 4). */
  siblings: bigint[];
  root: bigint;
}

/**
 * The exits of `owner` (every token with a balance, or only `tokenId`) against `provenRoot`, from
 * the node database. Each path is checked to lead to `provenRoot` before it is returned.
 */
export function buildExitProofs(
  db: Db,
  provenRoot: bigint,
  depth: number,
  owner: Address,
  tokenId?: number,
): ExitProof[] {
  if (provenRoot === emptyRoot(depth)) {
    throw new ExitPathError(
      "no batch was proven on L1 before exodus: there are no L2 balances to exit; refund your deposits with cancel-deposit",
    );
  }
  const batch = readBatchByNewRoot(db, provenRoot);
  if (!batch) {
    throw new ExitPathError(
      `the node database has no batch with new root ${provenRoot} (L1's stateRoot): use the database of the ` +
        "operator's node that cut the proven batches (--db)",
    );
  }
  const state = BridgeState.fromJSON(batch.stateAfter);
  if (state.depth !== depth) throw new ExitPathError(`the database state has depth ${state.depth}, L1 has ${depth}`);
  if (state.root !== provenRoot)
    throw new ExitPathError(`batch ${batch.batchNumber}'s state snapshot does not give its root`);
  const ownerKey = BigInt(owner);
  const proofs: ExitProof[] = [];
  state.accountList().forEach((acc, slot) => {
    if (acc.owner !== ownerKey || acc.balance === 0n) return;
    if (tokenId !== undefined && acc.tokenId !== tokenId) return;
    const path = state.tree.path(slot);
    const leaf = leafHash(acc.owner, BigInt(acc.tokenId), acc.balance);
    if (path.leaf !== leaf || rootFromPath(leaf, path.siblings, BigInt(slot)) !== provenRoot) {
      throw new ExitPathError(`internal: the path of slot ${slot} does not lead to the proven root`);
    }
    proofs.push({
      batchNumber: batch.batchNumber,
      slot,
      owner,
      tokenId: acc.tokenId,
      balance: acc.balance,
      siblings: path.siblings,
      root: provenRoot,
    });
  });
  if (proofs.length === 0) {
    const which = tokenId === undefined ? "any token" : `token ${tokenId}`;
    throw new ExitPathError(
      `${owner} holds no balance of ${which} in the last proven state (batch ${batch.batchNumber})`,
    );
  }
  return proofs;
}

async function requireExodus(ctx: CliContext): Promise<void> {
  const active = await ctx
    .client("L1")
    .readContract({ address: ctx.assetStorage, abi: storageAbi, functionName: "exodusMode" });
  if (!active) {
    throw new TxError(
      "exodus is not active on L1: exit and cancel-deposit work only after AssetStorage.activateExodus " +
        "(possible once a deposit waited longer than the priority deadline; see `status`)",
    );
  }
}

export interface ExitArgs {
  token?: string;
  owner?: string;
  db?: string;
}

export async function exit(ctx: CliContext, a: ExitArgs): Promise<CommandResult> {
  const owner = a.owner !== undefined ? parseAddress(a.owner, "owner") : ctx.signer("L1").account.address;
  const tokenId = a.token !== undefined ? (await resolveToken(ctx, a.token, "L1")).tokenId : undefined;
  await requireExodus(ctx);
  const client = ctx.client("L1");
  const storage = ctx.assetStorage;
  const [root, depth] = await Promise.all([
    client.readContract({ address: storage, abi: storageAbi, functionName: "stateRoot" }),
    client.readContract({ address: storage, abi: storageAbi, functionName: "treeDepth" }),
  ]);
  const path = a.db ?? ctx.defaultDbPath;
  const db = ctx.openNodeDb(path);
  if (!db)
    throw new InputError(`no node database at ${path}: exit needs the state snapshots the extractor stores; pass --db`);
  let proofs: ExitProof[];
  try {
    proofs = buildExitProofs(db, root, depth, owner, tokenId);
  } finally {
    db.close();
  }
  const lines: string[] = [];
  const exits: Record<string, unknown>[] = [];
  for (const p of proofs) {
    const token = await resolveToken(ctx, String(p.tokenId), "L1");
    const done = await client.readContract({
      address: storage,
      abi: storageAbi,
      functionName: "slotExited",
      args: [BigInt(p.slot)],
    });
    if (done) {
      lines.push(`Slot ${p.slot} (${formatAmount(p.balance, token)}) was already exited.`);
      exits.push({ slot: p.slot, tokenId: p.tokenId, balance: p.balance, alreadyExited: true });
      continue;
    }
    const receipt = await sendCall(
      ctx,
      "L1",
      {
        address: storage,
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
  lines.push(
    `Proven state of batch ${proofs[0]?.batchNumber}; collect with \`claim\`${a.owner !== undefined ? ` (claim --for ${owner})` : ""}.`,
  );
  return { lines, data: { owner, root, batchNumber: proofs[0]?.batchNumber, exits } };
}

export interface CancelDepositArgs {
  "deposit-id": string;
}

/** The DepositQueued record of `depositId`, from L1 logs, checked against the stored word. */
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
  const word = await client.readContract({
    address: ctx.assetStorage,
    abi: storageAbi,
    functionName: "depositWords",
    args: [depositId],
  });
  if (depositWord(record) !== word) {
    throw new TxError(
      `the DepositQueued log of deposit ${depositId} does not match its stored word: the L1 RPC is not trustworthy`,
    );
  }
  return record;
}

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
