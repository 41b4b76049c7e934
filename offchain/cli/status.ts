/**
 * `status`: L1 (last proven batch, root, deposit queue, exodus), L2 (op count, halted) and, when the
 * node database is there, extractor and prover progress. Each part that cannot be read is reported
 * as unavailable with the reason instead of failing the whole command.
 */

import { BullmqProofQueue, describeProofQueue } from "../prover/bullmq-queue.js";
import { loadQueueConfig } from "../prover/config.js";
import { ConfigError } from "../runtime/config.js";
import { readAlarms } from "../runtime/node-db/alarms.js";
import { readBatch, readExtractorProgress } from "../runtime/node-db/extractor.js";
import { type Db, tableExists } from "../runtime/node-db/index.js";
import { type QueueStats, SqliteProofQueue } from "../runtime/node-db/proof-jobs.js";
import { receivingAbi, storageAbi } from "./abi.js";
import { chainErrorOf } from "./chain-check.js";
import type { CliContext } from "./context.js";
import type { CommandResult } from "./result.js";

async function l1Status(ctx: CliContext) {
  const client = ctx.client("L1");
  const address = ctx.assetStorage;
  const read = <T>(functionName: string, args: readonly unknown[] = []) =>
    client.readContract({ address, abi: storageAbi, functionName, args } as never) as Promise<T>;
  const [stateRoot, opChain, batchCount, depositCount, processedDeposits, exodusMode, priorityDeadline, block] =
    await Promise.all([
      read<bigint>("stateRoot"),
      read<bigint>("opChain"),
      read<bigint>("batchCount"),
      read<bigint>("depositCount"),
      read<bigint>("processedDeposits"),
      read<boolean>("exodusMode"),
      read<bigint>("priorityDeadline"),
      client.getBlock(),
    ]);
  let oldestPending: { depositId: bigint; queuedAt: bigint; exodusOpensAt: bigint } | null = null;
  if (processedDeposits < depositCount) {
    const queuedAt = await client.readContract({
      address,
      abi: storageAbi,
      functionName: "requestTimestamp",
      args: [processedDeposits],
    });
    oldestPending = { depositId: processedDeposits, queuedAt, exodusOpensAt: queuedAt + priorityDeadline };
  }
  return {
    stateRoot,
    opChain,
    batchCount,
    lastProvenBatch: batchCount > 0n ? batchCount - 1n : null,
    depositCount,
    processedDeposits,
    pendingDeposits: depositCount - processedDeposits,
    exodusMode,
    priorityDeadline,
    blockTimestamp: block.timestamp,
    oldestPending,
  };
}

async function l2Status(ctx: CliContext) {
  const client = ctx.client("L2");
  const address = ctx.assetReceiving;
  const [opCount, halted, nextDepositId] = await Promise.all([
    client.readContract({ address, abi: receivingAbi, functionName: "opCount" }),
    client.readContract({ address, abi: receivingAbi, functionName: "halted" }),
    client.readContract({ address, abi: receivingAbi, functionName: "nextDepositId" }),
  ]);
  return { opCount, halted, creditedDeposits: nextDepositId };
}

/** With REDIS_URL (a prover cluster) the proof queue is the BullMQ queue on Redis, not the database's table. */
async function clusterProverStats(): Promise<(QueueStats & { cluster: string; workerNames: string[] }) | undefined> {
  const qc = loadQueueConfig(process.env);
  if (!qc.redisUrl) return undefined;
  const q = new BullmqProofQueue({ url: qc.redisUrl, queueName: qc.queueName, commandTimeoutMs: 5000 });
  try {
    return { ...(await q.stats()), cluster: describeProofQueue(qc), workerNames: await q.workerNames() };
  } finally {
    await q.close();
  }
}

async function nodeStatus(db: Db, provenBatch: bigint | null) {
  const extractor = readExtractorProgress(db) ?? null;
  const prover =
    (await clusterProverStats()) ?? (tableExists(db, "proof_jobs") ? await new SqliteProofQueue(db).stats() : null);
  const proven = provenBatch !== null ? readBatch(db, Number(provenBatch)) : undefined;
  return {
    alarms: readAlarms(db),
    extractor,
    prover: prover ? { ...prover, queueDepth: prover.pending + prover.proving } : null,
    provenOps: proven ? proven.firstOp + proven.opCount : provenBatch === null ? 0 : null,
    provenBatchRoot: proven ? proven.newRoot : null,
  };
}

const reason = (e: unknown) =>
  e instanceof ConfigError
    ? e.problems.join("; ")
    : (chainErrorOf(e)?.message ?? (e instanceof Error ? (e.message.split("\n")[0] ?? "") : String(e)));

export async function status(ctx: CliContext, a: { db?: string }): Promise<CommandResult> {
  const [l1, l2] = await Promise.allSettled([l1Status(ctx), l2Status(ctx)]);
  const lines: string[] = [];
  const data: Record<string, unknown> = {};
  let provenBatch: bigint | null = null;
  let stateRoot: bigint | undefined;

  if (l1.status === "fulfilled") {
    const s = l1.value;
    data.l1 = s;
    provenBatch = s.lastProvenBatch;
    stateRoot = s.stateRoot;
    lines.push(
      "L1 AssetStorage",
      `  last proven batch: ${s.lastProvenBatch === null ? "none yet" : `#${s.lastProvenBatch}`} (${s.batchCount} batches)`,
      `  state root:        ${s.stateRoot}`,
      `  deposits:          ${s.depositCount} queued, ${s.processedDeposits} proven, ${s.pendingDeposits} pending`,
    );
    if (s.oldestPending) {
      const wait = s.oldestPending.exodusOpensAt - s.blockTimestamp;
      lines.push(
        `  oldest pending:    deposit #${s.oldestPending.depositId}; exodus can be activated ${
          wait > 0n ? `in ${wait} s` : "now"
        } (deadline ${s.priorityDeadline} s)`,
      );
    }
    lines.push(`  exodus mode:       ${s.exodusMode ? "ACTIVE (use exit, cancel-deposit, claim)" : "off"}`);
  } else {
    data.l1 = { unavailable: reason(l1.reason) };
    lines.push(`L1: unavailable (${reason(l1.reason)})`);
  }

  if (l2.status === "fulfilled") {
    data.l2 = l2.value;
    lines.push(
      "L2 AssetReceiving",
      `  ops logged:        ${l2.value.opCount}`,
      `  deposits credited: ${l2.value.creditedDeposits}`,
      `  halted:            ${l2.value.halted ? "yes (exodus)" : "no"}`,
    );
  } else {
    data.l2 = { unavailable: reason(l2.reason) };
    lines.push(`L2: unavailable (${reason(l2.reason)})`);
  }

  const path = a.db ?? ctx.defaultDbPath;
  let db: Db | undefined;
  try {
    db = ctx.openNodeDb(path);
    if (!db) {
      data.node = { unavailable: `no database at ${path}` };
      lines.push(`Node: no database at ${path} (pass --db or set DATA_DIR for extractor and prover progress)`);
    } else {
      const n = await nodeStatus(db, provenBatch);
      data.node = { db: path, ...n };
      lines.push(`Node (${path})`);
      for (const al of n.alarms) {
        lines.push(
          `  ALARM ${al.name} (${al.service}, since ${new Date(al.since).toISOString()}): ${al.message}`,
          `    what to do: ${al.action}`,
        );
      }
      const x = n.extractor;
      lines.push(
        x
          ? `  extractor:         ${x.opCount} ops extracted (last op ${x.lastOpIndex ?? "none"}), ${x.pendingOps} waiting for a batch, ` +
              `last batch cut ${x.lastBatch ? `#${x.lastBatch.batchNumber}` : "none"}`
          : "  extractor:         has not run on this database",
      );
      const cluster = n.prover as { cluster?: string; workerNames?: string[]; workers: number } | null;
      if (cluster?.cluster)
        lines.push(
          `  prover cluster:    ${cluster.cluster}; ${cluster.workers} prover processes connected` +
            (cluster.workerNames?.length ? ` (${cluster.workerNames.join(", ")})` : ""),
        );
      lines.push(
        n.prover
          ? `  prover:            queue depth ${n.prover.queueDepth} (${n.prover.pending} pending, ${n.prover.proving} proving), ` +
              `${n.prover.proven} proven, ${n.prover.failed} failed, ${n.prover.workers} workers busy`
          : "  prover:            no proof queue in this database",
      );
      if (n.provenOps !== null) lines.push(`  ops proven on L1:  ${n.provenOps}`);
      if (n.provenBatchRoot !== null && stateRoot !== undefined && n.provenBatchRoot !== stateRoot) {
        lines.push("  WARNING: this database's batch for the proven batch number has a different root than L1");
      }
    }
  } catch (error) {
    data.node = { unavailable: reason(error) };
    lines.push(`Node: unavailable (${reason(error)})`);
  } finally {
    db?.close();
  }
  return { lines, data };
}
