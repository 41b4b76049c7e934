/**
 * What a courier (the monitor, the sender, the CLI) needs from the attesters (docs/protocol.md
 * section 14): the packed signatures of at least the threshold for one message, signers ascending.
 * Couriers hold no power: they only carry what the attesters signed. The production source asks the
 * attesters' HTTP APIs (offchain/runtime/attestations.ts); tests may sign with local keys
 * (offchain/testing/attesters.ts).
 */

import type { Address, Hex } from "viem";
import type { BatchClaim } from "../lib/attestation.js";
import { BridgeError } from "../lib/errors.js";
import type { DepositRecord, QueueRequest, WithdrawalRequestRecord } from "../lib/protocol.js";

export type { BatchClaim };

export interface Attested {
  /** r ‖ s ‖ v per signer, signers strictly ascending: the `signatures` argument. */
  signatures: Hex;
  /** The signers, ascending. */
  signers: Address[];
}

export interface AttestationSource {
  /** Signatures that deposit `depositId` of L1 has exactly `record`. */
  deposit(depositId: bigint, record: DepositRecord): Promise<Attested>;
  /** Signatures that L1 queue request `requestId` is a forced withdrawal request with exactly `record`. */
  withdrawalRequest(requestId: bigint, record: WithdrawalRequestRecord): Promise<Attested>;
  /** Signatures that L2's op chain, op count and head are the claim's, for batch `claim.batchNumber`. */
  batch(claim: BatchClaim): Promise<Attested>;
  /** Signatures that L1 is in exodus. */
  exodus(): Promise<Attested>;
}

/** Fewer than the threshold signed: each attester's answer says why. Couriers wait and retry. */
export class AttestationShortfall extends BridgeError {
  override name = "AttestationShortfall";
  constructor(
    readonly what: string,
    readonly got: number,
    readonly needed: number,
    readonly reasons: readonly string[],
  ) {
    super(`${what}: ${got} of ${needed} attester signatures${reasons.length ? ` (${reasons.join("; ")})` : ""}`);
  }
}

/** The signatures L2 needs to serve queue request `q`: a deposit's or a forced withdrawal request's. */
export function attestQueueRequest(source: AttestationSource, q: QueueRequest): Promise<Attested> {
  return q.kind === "deposit" ? source.deposit(q.id, q.record) : source.withdrawalRequest(q.id, q.record);
}
