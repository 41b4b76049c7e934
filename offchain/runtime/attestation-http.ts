/**
 * The production attestation source: the courier side of offchain/runtime/attestations.ts
 * (`collectAttestations`) bound to one deployment. Before each collection it reads, from the contract
 * that will check the signatures, the set in force (`attesters()`, `attesterThreshold()`) and the
 * other chain it names (L1: `l2ChainId()`, `l2Ledger()`; L2: `l1ChainId()`, `l1Storage()`), so a set
 * change on chain is followed without a restart and a courier never packs a non-member's signature.
 */
import type { Address, PublicClient } from "viem";
import { assetReceivingAbi, assetStorageAbi } from "../lib/abi.js";
import {
  type Attestation,
  type BatchClaim,
  type BridgeContracts,
  batchAttestation,
  depositAttestation,
  exodusAttestation,
  withdrawalRequestAttestation,
} from "../lib/attestation.js";
import type { DepositRecord, WithdrawalRequestRecord } from "../lib/protocol.js";
import { AttestationShortfall, type AttestationSource, type Attested } from "./attestation-source.js";
import { AttestationQuorumError, type AttesterSet, collectAttestations } from "./attestations.js";
import type { Logger } from "./log.js";

export interface HttpAttestationsOptions {
  urls: readonly string[];
  /** L1 AssetStorage (checks batch attestations): needed for `batch`. */
  l1?: { client: PublicClient; assetStorage: Address };
  /** L2 AssetReceiving (checks queue request and exodus attestations): needed for `deposit`, `withdrawalRequest`, `exodus`. */
  l2?: { client: PublicClient; assetReceiving: Address };
  /** Per attester (default 5 s). */
  timeoutMs?: number;
  log?: Logger;
}

type Checker = { contracts: BridgeContracts; set: AttesterSet };

/** The deployment and the set as L1 AssetStorage sees them. */
async function fromL1(client: PublicClient, assetStorage: Address): Promise<Checker> {
  const read = <T>(functionName: "l2ChainId" | "l2Ledger" | "attesters" | "attesterThreshold") =>
    client.readContract({ address: assetStorage, abi: assetStorageAbi, functionName }) as Promise<T>;
  const [chainId, l2ChainId, assetReceiving, attesters, threshold] = await Promise.all([
    client.getChainId(),
    read<bigint>("l2ChainId"),
    read<Address>("l2Ledger"),
    read<readonly Address[]>("attesters"),
    read<number>("attesterThreshold"),
  ]);
  return {
    contracts: { l1ChainId: chainId, assetStorage, l2ChainId: Number(l2ChainId), assetReceiving },
    set: { attesters, threshold },
  };
}

/** The deployment and the set as L2 AssetReceiving sees them. */
async function fromL2(client: PublicClient, assetReceiving: Address): Promise<Checker> {
  const read = <T>(functionName: "l1ChainId" | "l1Storage" | "attesters" | "attesterThreshold") =>
    client.readContract({ address: assetReceiving, abi: assetReceivingAbi, functionName }) as Promise<T>;
  const [chainId, l1ChainId, assetStorage, attesters, threshold] = await Promise.all([
    client.getChainId(),
    read<bigint>("l1ChainId"),
    read<Address>("l1Storage"),
    read<readonly Address[]>("attesters"),
    read<number>("attesterThreshold"),
  ]);
  return {
    contracts: { l1ChainId: Number(l1ChainId), assetStorage, l2ChainId: chainId, assetReceiving },
    set: { attesters, threshold },
  };
}

/** The attestation source over HTTP attesters (see the file comment). */
export function httpAttestations(o: HttpAttestationsOptions): AttestationSource {
  const collect = async (what: string, attestation: Attestation, set: AttesterSet): Promise<Attested> => {
    try {
      const r = await collectAttestations({ urls: o.urls, attestation, set, timeoutMs: o.timeoutMs, log: o.log });
      return { signatures: r.signatures, signers: r.signers };
    } catch (error) {
      if (!(error instanceof AttestationQuorumError)) throw error;
      const reasons = error.outcomes.filter((x) => !x.ok).map((x) => `${x.url}: ${x.ok ? "" : x.reason}`);
      throw new AttestationShortfall(what, error.valid, error.needed, reasons);
    }
  };
  const l2 = async () => {
    if (!o.l2)
      throw new Error("httpAttestations: queue request and exodus attestations need the L2 ledger (options.l2)");
    return fromL2(o.l2.client, o.l2.assetReceiving);
  };
  return {
    async deposit(depositId: bigint, record: DepositRecord) {
      const { contracts, set } = await l2();
      return collect(`deposit ${depositId}`, depositAttestation(contracts, depositId, record), set);
    },
    async withdrawalRequest(requestId: bigint, record: WithdrawalRequestRecord) {
      const { contracts, set } = await l2();
      const attestation = withdrawalRequestAttestation(contracts, requestId, record);
      return collect(`forced withdrawal request ${requestId}`, attestation, set);
    },
    async batch(claim: BatchClaim) {
      if (!o.l1) throw new Error("httpAttestations: batch attestations need L1 AssetStorage (options.l1)");
      const { contracts, set } = await fromL1(o.l1.client, o.l1.assetStorage);
      return collect(`batch ${claim.batchNumber}`, batchAttestation(contracts, claim), set);
    },
    async exodus() {
      const { contracts, set } = await l2();
      return collect("exodus", exodusAttestation(contracts), set);
    },
  };
}
