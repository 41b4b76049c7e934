/** The explorer API's batches: the extractor's cut, the proof job and the L1 submission. */
import type { Hex } from "viem";
import type { BatchRow, JobRow, SubmissionRow } from "../runtime/node-db/explorer.js";
import type { L1Events, L1Snapshot } from "./chain.js";
import { type ApiCore, sources } from "./sources.js";
import { type BatchStatus, type BatchView, DEFAULT_LIMIT, type Unavailable } from "./views.js";

/** Proof-job rows of `numbers`, or null (and an `unavailable` entry) when the source cannot be read. */
export async function jobRows(
  api: ApiCore,
  numbers: number[],
  add: (u: Unavailable) => void,
): Promise<Map<number, JobRow> | null> {
  try {
    return await api.jobs.jobs(numbers);
  } catch (error) {
    add({ side: api.jobs.side, message: api.jobs.describe(error) });
    return null;
  }
}

export async function batchViews(
  api: ApiCore,
  rows: BatchRow[],
  l1: L1Snapshot | null,
  events: L1Events | null,
  add: (u: Unavailable) => void,
): Promise<BatchView[]> {
  const numbers = rows.map((r) => r.batchNumber);
  const jobs = rows.length > 0 ? await jobRows(api, numbers, add) : new Map<number, JobRow>();
  const subs = api.tables.submissions(numbers);
  const now = api.now();
  const out: BatchView[] = [];
  for (const b of rows) {
    const job = jobs?.get(b.batchNumber);
    const sub: SubmissionRow | undefined = subs.get(b.batchNumber);
    const verified = events?.batches.get(b.batchNumber);
    const landedOnL1 =
      sub?.status === "landed" || verified !== undefined || (l1 ? b.batchNumber < l1.batchCount : false);
    let elapsedMs: number | null = null;
    if (job?.status === "proving" && job.worker) {
      const key = `${b.batchNumber}:${job.worker}:${job.attempts}`;
      const since = api.provingSince.get(key) ?? Math.min(job.updatedAt, now);
      api.provingSince.set(key, since);
      elapsedMs = now - since;
    } else if (job?.status === "proven") {
      elapsedMs = job.provingMs;
    }
    let status: BatchStatus;
    if (landedOnL1) status = "submitted";
    else if (sub?.status === "sent") status = "sending";
    else if (job?.status === "proven") status = "proven";
    else if (job?.status === "proving") status = "proving";
    else if (job?.status === "failed") status = "failed";
    else if (jobs === null) status = "unknown";
    else status = "pending";
    const tx = (sub?.txHash ?? verified?.txHash ?? null) as Hex | null;
    let gasUsed = sub?.gasUsed != null ? BigInt(sub.gasUsed) : null;
    if (landedOnL1 && gasUsed === null && tx) gasUsed = await api.chain.gasUsed(tx);
    out.push({
      batchNumber: b.batchNumber,
      status,
      ops: b.opCount,
      firstOp: b.firstOp,
      deposits: { first: b.firstDepositId, count: b.depositCount },
      withdrawals: b.ops.filter((o) => o.kind === 3).length,
      newRoot: BigInt(b.newRoot),
      createdAt: b.createdAt,
      proof: {
        status: jobs === null ? "unavailable" : (job?.status ?? "not-enqueued"),
        worker: job?.worker ?? null,
        attempts: job?.attempts ?? 0,
        elapsedMs,
        provingMs: job?.provingMs ?? null,
        error: job?.status === "failed" || job?.status === "pending" ? (job.lastError ?? null) : null,
      },
      l1: {
        tx: landedOnL1 || sub?.status === "sent" ? tx : null,
        gasUsed: landedOnL1 ? gasUsed : null,
        effectiveGasPrice: sub?.effectiveGasPrice != null ? BigInt(sub.effectiveGasPrice) : null,
        block: sub?.l1Block != null ? BigInt(sub.l1Block) : (verified?.blockNumber ?? null),
        error: !landedOnL1 && (sub?.status === "reverted" || sub?.status === "failed") ? sub.error : null,
      },
    });
  }
  return out;
}

export async function batches(api: ApiCore, limit = DEFAULT_LIMIT) {
  const s = await sources(api, { l1: true, events: true });
  const batches = await batchViews(api, api.tables.latestBatches(limit), s.l1, s.events, s.add);
  const counts: Record<BatchStatus, number> = {
    pending: 0,
    proving: 0,
    proven: 0,
    sending: 0,
    submitted: 0,
    failed: 0,
    unknown: 0,
  };
  for (const b of batches) counts[b.status] += 1;
  return {
    total: api.tables.batchCount(),
    l1BatchCount: s.l1?.batchCount ?? null,
    counts,
    batches,
    unavailable: s.unavailable,
  };
}
