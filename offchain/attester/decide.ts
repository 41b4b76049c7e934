/**
 * What an honest attester signs (docs/protocol.md section 14.3), pure: each request is compared
 * with what the attester followed at a confirmed block. The answer is the attestation to sign, or
 * a refusal that says whether it is "not yet" (retry later) or a mismatch (an alarm), naming the
 * differing field with the attester's value.
 */
import { getAddress } from "viem";
import {
  type Attestation,
  type BatchClaim,
  type BridgeContracts,
  batchAttestation,
  depositAttestation,
  exodusAttestation,
} from "../lib/attestation.js";
import type { DepositRecord } from "../lib/protocol.js";
import type { Refusal } from "../runtime/attestations.js";
import type { FollowedDeposit, OpLogPoint } from "./store.js";

export type Decision = { sign: Attestation } | { refuse: Refusal };

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

/** What the attester followed on L1, for deposit requests. */
export interface DepositView {
  depositCount: number;
  followedBlock: bigint;
  halted?: string;
  deposit(id: number): FollowedDeposit | undefined;
}

const RECORD_FIELDS = ["recipient", "tokenId", "amount", "depositor", "timestamp"] as const;
const show = (v: string | number | bigint) => (typeof v === "string" ? getAddress(v) : String(v));

/** Signs deposit `id`'s record as L1 logged it; refuses when `asked` differs in any field. */
export function decideDeposit(c: BridgeContracts, view: DepositView, id: bigint, asked?: DepositRecord): Decision {
  if (view.halted) return { refuse: { error: "unavailable", reason: `not following L1: ${view.halted}` } };
  if (id >= BigInt(view.depositCount)) {
    return {
      refuse: {
        error: "not-yet",
        reason: `deposit ${id} not seen yet: ${view.depositCount} deposits followed up to L1 block ${view.followedBlock}; retry later`,
      },
    };
  }
  const seen = view.deposit(Number(id));
  if (!seen) return { refuse: { error: "unavailable", reason: `deposit ${id} is missing from the attester database` } };
  if (asked) {
    const differ = RECORD_FIELDS.filter((f) => show(seen[f]).toLowerCase() !== show(asked[f]).toLowerCase());
    const first = differ[0];
    if (first !== undefined) {
      const all = differ.map((f) => `${f} is ${show(seen[f])}, asked ${show(asked[f])}`).join(", ");
      return mismatch(first, show(seen[first]), show(asked[first]), `L1 deposit ${id} differs: ${all}`);
    }
  }
  return { sign: depositAttestation(c, id, seen) };
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
