/**
 * An in-process attestation source for tests: signs with local keys the digests the contracts
 * themselves compute (`depositDigest`, `withdrawalRequestDigest`, `batchDigest`, `exodusDigest`), so it shares no EIP-712 code
 * with the attester service it stands in for. It signs whatever it is asked: a test that wants an
 * honest attester runs offchain/attester/ instead.
 */
import { type Address, concat, type Hex, type PublicClient } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { assetReceivingAbi, assetStorageAbi } from "../lib/abi.js";
import type { DepositRecord, WithdrawalRequestRecord } from "../lib/protocol.js";
import type { AttestationSource, Attested, BatchClaim } from "../runtime/attestation-source.js";
import { ANVIL_KEYS } from "./anvil.js";

/** Three anvil dev keys used as the test attester set (threshold 2). */
export const TEST_ATTESTER_KEYS = [ANVIL_KEYS[6], ANVIL_KEYS[7], ANVIL_KEYS[8]] as readonly Hex[];
export const TEST_ATTESTER_THRESHOLD = 2;

/** The addresses of `keys`, ascending (the order the contracts require). */
export function sortedAttesters(keys: readonly Hex[]): { address: Address; key: Hex }[] {
  return keys
    .map((key) => ({ address: privateKeyToAccount(key).address, key }))
    .sort((a, b) => (BigInt(a.address) < BigInt(b.address) ? -1 : 1));
}

/** Packs the signatures of `keys` (ascending by address) over `digest`. */
export async function packedSignaturesOf(keys: readonly Hex[], digest: Hex): Promise<Attested> {
  const signers = sortedAttesters(keys);
  const sigs = await Promise.all(signers.map((s) => privateKeyToAccount(s.key).sign({ hash: digest })));
  return { signatures: concat(sigs), signers: signers.map((s) => s.address) };
}

export interface LocalAttestersOptions {
  l1: PublicClient;
  l2: PublicClient;
  assetStorage: Address;
  assetReceiving: Address;
  /** The keys that sign (default: the first TEST_ATTESTER_THRESHOLD test keys). */
  keys?: readonly Hex[];
}

/** An AttestationSource whose `keys` sign every request. */
export function localAttesters(o: LocalAttestersOptions): AttestationSource {
  const keys =
    o.keys ??
    sortedAttesters(TEST_ATTESTER_KEYS)
      .slice(0, TEST_ATTESTER_THRESHOLD)
      .map((s) => s.key);
  return {
    async deposit(depositId: bigint, record: DepositRecord) {
      const digest = await o.l2.readContract({
        address: o.assetReceiving,
        abi: assetReceivingAbi,
        functionName: "depositDigest",
        args: [depositId, record],
      });
      return packedSignaturesOf(keys, digest);
    },
    async withdrawalRequest(requestId: bigint, record: WithdrawalRequestRecord) {
      const digest = await o.l2.readContract({
        address: o.assetReceiving,
        abi: assetReceivingAbi,
        functionName: "withdrawalRequestDigest",
        args: [requestId, record],
      });
      return packedSignaturesOf(keys, digest);
    },
    async batch(c: BatchClaim) {
      const digest = await o.l1.readContract({
        address: o.assetStorage,
        abi: assetStorageAbi,
        functionName: "batchDigest",
        args: [c.batchNumber, c.newOpChain, c.l2OpCount, c.l2OpHead],
      });
      return packedSignaturesOf(keys, digest);
    },
    async exodus() {
      const digest = await o.l2.readContract({
        address: o.assetReceiving,
        abi: assetReceivingAbi,
        functionName: "exodusDigest",
      });
      return packedSignaturesOf(keys, digest);
    },
  };
}
