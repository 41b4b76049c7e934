import type { ExtractorCursor } from "../runtime/node-db/extractor.js";
import type { ExodusState } from "../runtime/node-db/monitor.js";
import { type ApiCore, sources } from "./sources.js";

export async function status(api: ApiCore) {
  const s = await sources(api, { l1: true, l2: true, events: true });
  const t = api.tables;
  const monitorExodus = t.checkpoint<ExodusState>("monitor:exodus") ?? null;
  const cursor = t.checkpoint<ExtractorCursor>("extractor:cursor") ?? null;
  const dbBatches = t.batchCount();
  const l1 = s.l1;
  let queue = null;
  if (l1) {
    const pending = l1.depositCount - l1.processedDeposits;
    const queuedAt = l1.oldestPendingQueuedAt;
    const age = queuedAt === null ? null : l1.blockTimestamp - queuedAt;
    queue = {
      pending,
      oldestPendingId: pending > 0n ? l1.processedDeposits : null,
      oldestQueuedAt: queuedAt,
      ageSeconds: age,
      deadlineSeconds: l1.priorityDeadline,
      secondsLeft: age === null ? null : l1.priorityDeadline - age,
      exodusCanBeActivated: age !== null && age >= l1.priorityDeadline && !l1.exodusMode,
    };
  }
  const provenBatch = l1 && l1.batchCount > 0n ? Number(l1.batchCount - 1n) : null;
  const dbProven = provenBatch === null ? undefined : t.batch(provenBatch);
  return {
    now: api.now(),
    l1: l1 ? { ...l1, assetStorageBlock: undefined } : null,
    l2: s.l2,
    provenRoot: l1
      ? {
          root: l1.stateRoot,
          opChain: l1.opChain,
          batchNumber: provenBatch,
          batchCount: l1.batchCount,
          /** Whether the database's batch of that number ends at the same root (null when it does not have it). */
          matchesDatabase: dbProven ? BigInt(dbProven.newRoot) === l1.stateRoot : null,
        }
      : null,
    depositQueue: queue,
    exodus: {
      active: l1?.exodusMode ?? (monitorExodus !== null ? true : null),
      activatedAt: s.events?.exodus ? { tx: s.events.exodus.txHash, timestamp: s.events.exodus.timestamp } : null,
      l2Halted: s.l2?.halted ?? null,
      relayedToL2: monitorExodus?.relayed ?? null,
    },
    node: {
      deposits: t.depositCount(),
      opsExtracted: cursor?.opCount ?? t.opCount(),
      batches: dbBatches,
      database: t.has("schema_migrations"),
    },
    /** Conditions that stop the bridge until an operator acts (docs/operations.md, Alarms). */
    alarms: t.alarms(),
    unavailable: s.unavailable,
  };
}
