/**
 * What an honest attester signs (docs/protocol.md section 14.3), pure: each request is compared
 * with what the attester followed at a confirmed block. The answer is the attestation to sign, or
 * a refusal that says whether it is "not yet" (retry later) or a mismatch (an alarm), naming the
 * differing field with the attester's value.
 */
import { getAddress, isAddress } from "viem";
import {
  type Attestation,
  type BatchClaim,
  type BridgeContracts,
  batchAttestation,
  exodusAttestation,
  queueRequestAttestation,
} from "../lib/attestation.js";
import type { DepositRecord, QueueRequest, WithdrawalRequestRecord } from "../lib/protocol.js";
import type { Refusal } from "../runtime/attestations.js";
import { queueKindName, queueRequestDiff } from "../runtime/l1-queue.js";
import type { FollowedRequest, OpLogPoint } from "./store.js";

export type Decision = { sign: Attestation } | { refuse: Refusal };

/** Addresses in checksum form, numbers as decimals. */
const show = (v: string) => (isAddress(v, { strict: false }) ? getAddress(v) : v);

const mismatch = (field: string, expected: string, got: string, reason: string): Decision => ({
  refuse: { error: "mismatch", reason, field, expected, got },
});

/** What the attester followed on L2, for batch requests. */
export interface OpLogView {
  /** Ops followed (all checked against events and the ledger's opHead()/opCount()). */
  opCount: number;
  /** Last L2 block followed. */
  followedBlock: bigint;
  /** Set when following L2 stopped on a mismatch. */
  halted?: string;
  at(count: number): OpLogPoint | undefined;
  countOfHead(head: `0x${string}`): number | undefined;
}

/** Signs a batch tuple only if the followed op log after l2OpCount ops has exactly that op chain and head. */
export function decideBatch(c: BridgeContracts, view: OpLogView, claim: BatchClaim): Decision {
  if (view.halted) return { refuse: { error: "unavailable", reason: `not following L2: ${view.halted}` } };
  const count = claim.l2OpCount;
  if (count > BigInt(view.opCount)) {
    return {
      refuse: {
        error: "not-yet",
        reason: `op count ${count} not reached yet: ${view.opCount} L2 ops followed up to block ${view.followedBlock}; retry later`,
      },
    };
  }
  const point = view.at(Number(count));
  if (!point) return { refuse: { error: "unavailable", reason: `op ${count} is missing from the attester database` } };
  const headOk = point.head.toLowerCase() === claim.l2OpHead.toLowerCase();
  const chainOk = point.opChain === claim.newOpChain;
  if (!headOk && !chainOk) {
    const other = view.countOfHead(claim.l2OpHead);
    if (other !== undefined && view.at(other)?.opChain === claim.newOpChain) {
      return mismatch(
        "l2OpCount",
        String(other),
        String(count),
        `l2OpHead and newOpChain are those after ${other} L2 ops, not ${count}`,
      );
    }
  }
  if (!headOk) {
    return mismatch(
      "l2OpHead",
      point.head,
      claim.l2OpHead,
      `the keccak op head after ${count} L2 ops is ${point.head}${chainOk ? "" : " (newOpChain differs too)"}`,
    );
  }
  if (!chainOk) {
    return mismatch(
      "newOpChain",
      String(point.opChain),
      String(claim.newOpChain),
      `the Poseidon op chain after ${count} L2 ops is ${point.opChain}`,
    );
  }
  return { sign: batchAttestation(c, claim) };
}

/** What the attester followed on L1, for queue requests (deposits and forced withdrawal requests). */
export interface QueueView {
  /** Requests followed, both kinds (= the next id expected). */
  requestCount: number;
  followedBlock: bigint;
  halted?: string;
  request(id: number): FollowedRequest | undefined;
}

/** What a courier asks about queue request `id`: its kind, and the record to check when it gives one. */
export type QueueAsk =
  | { kind: "deposit"; id: bigint; record?: DepositRecord }
  | { kind: "withdrawal"; id: bigint; record?: WithdrawalRequestRecord };

/**
 * Signs queue request `ask.id` as L1 logged it, with the attestation of its kind; refuses when the
 * request has the other kind, or when `ask.record` differs in any field (409, naming the first).
 */
export function decideQueueRequest(c: BridgeContracts, view: QueueView, ask: QueueAsk): Decision {
  const name = queueKindName(ask.kind);
  if (view.halted) return { refuse: { error: "unavailable", reason: `not following L1: ${view.halted}` } };
  if (ask.id >= BigInt(view.requestCount)) {
    return {
      refuse: {
        error: "not-yet",
        reason: `${name} ${ask.id} not seen yet: ${view.requestCount} queue requests followed up to L1 block ${view.followedBlock}; retry later`,
      },
    };
  }
  const seen = view.request(Number(ask.id));
  if (!seen)
    return { refuse: { error: "unavailable", reason: `request ${ask.id} is missing from the attester database` } };
  const { blockNumber: _, ...followed } = seen;
  if (followed.kind !== ask.kind) {
    return mismatch(
      "kind",
      followed.kind,
      ask.kind,
      `L1 queue request ${ask.id} is a ${queueKindName(followed.kind)}, not a ${name}`,
    );
  }
  if (ask.record) {
    const differ = queueRequestDiff(followed, { ...followed, record: ask.record } as QueueRequest);
    const first = differ[0];
    if (first !== undefined) {
      const all = differ.map((d) => `${d.field} is ${show(d.want)}, asked ${show(d.got)}`).join(", ");
      return mismatch(first.field, show(first.want), show(first.got), `L1 ${name} ${ask.id} differs: ${all}`);
    }
  }
  return { sign: queueRequestAttestation(c, followed) };
}

/** Signs exodus only when L1 exodusMode() is true at the confirmed block. */
export function decideExodus(
  c: BridgeContracts,
  atConfirmed: boolean,
  atHead: boolean,
  confirmedBlock: bigint,
): Decision {
  if (atConfirmed) return { sign: exodusAttestation(c) };
  if (atHead) {
    return {
      refuse: {
        error: "not-yet",
        reason: `L1 is in exodus at its head but not yet at confirmed block ${confirmedBlock}; retry later`,
      },
    };
  }
  return mismatch("exodusMode", "false", "true", `L1 exodusMode() is false at block ${confirmedBlock}`);
}
