/**
 * M-of-N attestations (docs/protocol.md section 14.2), pure: the EIP-712 domains and types of the
 * three messages, their digests, the check of one signature and the packing of `bytes signatures`.
 * The contracts compute the same digests (`batchDigest`, `depositDigest`, `exodusDigest`);
 * test/vectors/attestations.json, written from this module, is checked by both suites.
 */
import {
  type Address,
  getAddress,
  type Hex,
  hashDomain,
  hashStruct,
  hashTypedData,
  isAddressEqual,
  recoverAddress,
  type TypedData,
  type TypedDataDefinition,
} from "viem";
import { sign } from "viem/accounts";
import { assertBits, assertUint32, assertUint64, assertUint128 } from "./field.js";
import type { DepositRecord, QueueRequest, WithdrawalRequestRecord } from "./protocol.js";

/** secp256k1 group order n; OpenZeppelin's ECDSA accepts s <= n / 2 only. */
export const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
export const SIGNATURE_BYTES = 65;
export const ATTESTATION_VERSION = "1";

/** The EIP-712 domain of the contract that checks a signature (section 14.2). */
export interface AttestationDomain {
  name: "AssetStorage" | "AssetReceiving";
  version: typeof ATTESTATION_VERSION;
  chainId: number;
  verifyingContract: Address;
}

/** The domain of L1 `AssetStorage` (it checks BatchAttestation). */
export const l1Domain = (chainId: number, assetStorage: Address): AttestationDomain => ({
  name: "AssetStorage",
  version: ATTESTATION_VERSION,
  chainId,
  verifyingContract: getAddress(assetStorage),
});

/** The domain of L2 `AssetReceiving` (it checks DepositAttestation and ExodusAttestation). */
export const l2Domain = (chainId: number, assetReceiving: Address): AttestationDomain => ({
  name: "AssetReceiving",
  version: ATTESTATION_VERSION,
  chainId,
  verifyingContract: getAddress(assetReceiving),
});

export const EIP712_DOMAIN_TYPE = [
  { name: "name", type: "string" },
  { name: "version", type: "string" },
  { name: "chainId", type: "uint256" },
  { name: "verifyingContract", type: "address" },
] as const;

export const batchAttestationTypes = {
  BatchAttestation: [
    { name: "l2ChainId", type: "uint256" },
    { name: "l2Ledger", type: "address" },
    { name: "batchNumber", type: "uint64" },
    { name: "newOpChain", type: "uint256" },
    { name: "l2OpCount", type: "uint64" },
    { name: "l2OpHead", type: "bytes32" },
  ],
} as const satisfies TypedData;

export const depositAttestationTypes = {
  DepositAttestation: [
    { name: "l1ChainId", type: "uint256" },
    { name: "l1Storage", type: "address" },
    { name: "depositId", type: "uint64" },
    { name: "recipient", type: "address" },
    { name: "tokenId", type: "uint32" },
    { name: "amount", type: "uint128" },
    { name: "depositor", type: "address" },
    { name: "timestamp", type: "uint64" },
  ],
} as const satisfies TypedData;

export const withdrawalRequestAttestationTypes = {
  WithdrawalRequestAttestation: [
    { name: "l1ChainId", type: "uint256" },
    { name: "l1Storage", type: "address" },
    { name: "requestId", type: "uint64" },
    { name: "owner", type: "address" },
    { name: "tokenId", type: "uint32" },
    { name: "timestamp", type: "uint64" },
  ],
} as const satisfies TypedData;

export const exodusAttestationTypes = {
  ExodusAttestation: [
    { name: "l1ChainId", type: "uint256" },
    { name: "l1Storage", type: "address" },
  ],
} as const satisfies TypedData;

/** "After the first l2OpCount ops of l2Ledger, the op chain is newOpChain and the keccak head l2OpHead." */
export interface BatchMessage {
  l2ChainId: bigint;
  l2Ledger: Address;
  batchNumber: bigint;
  newOpChain: bigint;
  l2OpCount: bigint;
  l2OpHead: Hex;
}

/** "Deposit depositId of l1Storage has exactly this record." */
export interface DepositMessage extends Omit<DepositRecord, "tokenId"> {
  l1ChainId: bigint;
  l1Storage: Address;
  depositId: bigint;
  tokenId: number;
}

/** "Request requestId of l1Storage is a forced withdrawal request with exactly this record." */
export interface WithdrawalRequestMessage extends WithdrawalRequestRecord {
  l1ChainId: bigint;
  l1Storage: Address;
  requestId: bigint;
}

/** "l1Storage is in exodus." */
export interface ExodusMessage {
  l1ChainId: bigint;
  l1Storage: Address;
}

/** One message to sign, with the domain of the contract that checks it. */
export type Attestation =
  | { primaryType: "BatchAttestation"; domain: AttestationDomain; message: BatchMessage }
  | { primaryType: "DepositAttestation"; domain: AttestationDomain; message: DepositMessage }
  | { primaryType: "WithdrawalRequestAttestation"; domain: AttestationDomain; message: WithdrawalRequestMessage }
  | { primaryType: "ExodusAttestation"; domain: AttestationDomain; message: ExodusMessage };
export type AttestationKind = Attestation["primaryType"];
export type BatchAttestation = Extract<Attestation, { primaryType: "BatchAttestation" }>;
export type DepositAttestation = Extract<Attestation, { primaryType: "DepositAttestation" }>;
export type WithdrawalRequestAttestation = Extract<Attestation, { primaryType: "WithdrawalRequestAttestation" }>;
export type ExodusAttestation = Extract<Attestation, { primaryType: "ExodusAttestation" }>;

/** The two chains and contracts of a deployment, as every message names them. */
export interface BridgeContracts {
  l1ChainId: number;
  assetStorage: Address;
  l2ChainId: number;
  assetReceiving: Address;
}

export interface BatchClaim {
  batchNumber: bigint;
  newOpChain: bigint;
  l2OpCount: bigint;
  l2OpHead: Hex;
}

function assertBytes32(name: string, v: Hex): void {
  if (!/^0x[0-9a-fA-F]{64}$/.test(v)) throw new Error(`${name} ${v} is not 0x followed by 64 hex digits`);
}

/** BatchAttestation for L1 (domain AssetStorage), naming the L2 ledger. */
export function batchAttestation(c: BridgeContracts, claim: BatchClaim): BatchAttestation {
  assertUint64("batchNumber", claim.batchNumber);
  assertUint64("l2OpCount", claim.l2OpCount);
  assertBytes32("l2OpHead", claim.l2OpHead);
  assertBits("newOpChain", claim.newOpChain, 256);
  return {
    primaryType: "BatchAttestation",
    domain: l1Domain(c.l1ChainId, c.assetStorage),
    message: {
      l2ChainId: BigInt(c.l2ChainId),
      l2Ledger: getAddress(c.assetReceiving),
      ...claim,
      l2OpHead: claim.l2OpHead.toLowerCase() as Hex,
    },
  };
}

/** DepositAttestation for L2 (domain AssetReceiving), naming the L1 storage. */
export function depositAttestation(c: BridgeContracts, depositId: bigint, r: DepositRecord): DepositAttestation {
  assertUint64("depositId", depositId);
  assertUint32("tokenId", BigInt(r.tokenId));
  assertUint128("amount", r.amount);
  assertUint64("timestamp", r.timestamp);
  return {
    primaryType: "DepositAttestation",
    domain: l2Domain(c.l2ChainId, c.assetReceiving),
    message: {
      l1ChainId: BigInt(c.l1ChainId),
      l1Storage: getAddress(c.assetStorage),
      depositId,
      recipient: getAddress(r.recipient),
      tokenId: r.tokenId,
      amount: r.amount,
      depositor: getAddress(r.depositor),
      timestamp: r.timestamp,
    },
  };
}

/** WithdrawalRequestAttestation for L2 (domain AssetReceiving), naming the L1 storage. */
export function withdrawalRequestAttestation(
  c: BridgeContracts,
  requestId: bigint,
  r: WithdrawalRequestRecord,
): WithdrawalRequestAttestation {
  assertUint64("requestId", requestId);
  assertUint32("tokenId", BigInt(r.tokenId));
  assertUint64("timestamp", r.timestamp);
  return {
    primaryType: "WithdrawalRequestAttestation",
    domain: l2Domain(c.l2ChainId, c.assetReceiving),
    message: {
      l1ChainId: BigInt(c.l1ChainId),
      l1Storage: getAddress(c.assetStorage),
      requestId,
      owner: getAddress(r.owner),
      tokenId: r.tokenId,
      timestamp: r.timestamp,
    },
  };
}

/** The attestation L2 needs to serve queue request `q` (a credit or a forced withdrawal). */
export function queueRequestAttestation(
  c: BridgeContracts,
  q: QueueRequest,
): DepositAttestation | WithdrawalRequestAttestation {
  return q.kind === "deposit" ? depositAttestation(c, q.id, q.record) : withdrawalRequestAttestation(c, q.id, q.record);
}

/** ExodusAttestation for L2 (domain AssetReceiving), naming the L1 storage. */
export function exodusAttestation(c: BridgeContracts): ExodusAttestation {
  return {
    primaryType: "ExodusAttestation",
    domain: l2Domain(c.l2ChainId, c.assetReceiving),
    message: { l1ChainId: BigInt(c.l1ChainId), l1Storage: getAddress(c.assetStorage) },
  };
}

/** The EIP-712 types of each attestation kind: the one place a kind meets its types. */
export const ATTESTATION_TYPES = {
  BatchAttestation: batchAttestationTypes,
  DepositAttestation: depositAttestationTypes,
  WithdrawalRequestAttestation: withdrawalRequestAttestationTypes,
  ExodusAttestation: exodusAttestationTypes,
} as const satisfies Record<AttestationKind, TypedData>;

/**
 * `a` as viem's typed data: its types from ATTESTATION_TYPES. The union of kinds is more than viem's
 * generics follow, hence the cast; the Attestation type pairs each primaryType with its message.
 */
function typedDataOf(a: Attestation): TypedDataDefinition<TypedData, string> {
  const { domain, primaryType } = a;
  return {
    domain,
    types: ATTESTATION_TYPES[primaryType],
    primaryType,
    message: a.message as unknown as Record<string, unknown>,
  };
}

/** The EIP-712 digest keccak256(0x1901 ‖ domainSeparator ‖ structHash) that attesters sign. */
export function attestationDigest(a: Attestation): Hex {
  return hashTypedData(typedDataOf(a));
}

/** hashStruct of the message alone. */
export function attestationStructHash(a: Attestation): Hex {
  const { types, primaryType, message } = typedDataOf(a);
  return hashStruct({ data: message, primaryType, types });
}

/** The domain separator (what `domainSeparator()` of the contract returns). */
export function domainSeparatorOf(domain: AttestationDomain): Hex {
  return hashDomain({
    domain: { ...domain, chainId: BigInt(domain.chainId) },
    types: { EIP712Domain: EIP712_DOMAIN_TYPE },
  });
}

/** Signs `digest` with `privateKey`: 65 bytes r ‖ s ‖ v, low s, v in {27, 28}. */
export async function signDigest(digest: Hex, privateKey: Hex): Promise<Hex> {
  return sign({ hash: digest, privateKey, to: "hex" });
}

/** r, s and v of a 65-byte signature, or why it is not one. */
export function splitSignature(signature: Hex): { r: bigint; s: bigint; v: number } | { error: string } {
  if (!/^0x[0-9a-fA-F]{130}$/.test(signature)) {
    return {
      error: `signature must be 0x and ${SIGNATURE_BYTES * 2} hex digits (r ‖ s ‖ v), got ${signature.length - 2}`,
    };
  }
  return {
    r: BigInt(`0x${signature.slice(2, 66)}`),
    s: BigInt(`0x${signature.slice(66, 130)}`),
    v: Number.parseInt(signature.slice(130, 132), 16),
  };
}

/** Why a signature is not well-formed in OpenZeppelin's ECDSA sense, or null when it is. */
export function signatureFormError(signature: Hex): string | null {
  const parts = splitSignature(signature);
  if ("error" in parts) return parts.error;
  if (parts.v !== 27 && parts.v !== 28) return `v is ${parts.v}, must be 27 or 28`;
  if (parts.r === 0n || parts.r >= SECP256K1_N) return "r is 0 or not below the curve order";
  if (parts.s === 0n) return "s is 0";
  if (parts.s > SECP256K1_N / 2n) return "s is in the upper half of the curve order (high-s, malleable)";
  return null;
}

export type SignatureCheck = { ok: true; signer: Address } | { ok: false; reason: string };

/** Checks that `signature` is well-formed and recovers, over `digest`, to `expectedSigner`. */
export async function checkSignature(digest: Hex, signature: Hex, expectedSigner: Address): Promise<SignatureCheck> {
  const form = signatureFormError(signature);
  if (form !== null) return { ok: false, reason: form };
  let signer: Address;
  try {
    signer = await recoverAddress({ hash: digest, signature });
  } catch (error) {
    return { ok: false, reason: `signature does not recover: ${error instanceof Error ? error.message : error}` };
  }
  if (!isAddressEqual(signer, expectedSigner)) {
    return { ok: false, reason: `signature recovers to ${signer}, not to ${getAddress(expectedSigner)}: other digest` };
  }
  return { ok: true, signer: getAddress(expectedSigner) };
}

export interface SignerSignature {
  signer: Address;
  signature: Hex;
}

/** `bytes signatures` for the contracts: signers strictly ascending, 65-byte r ‖ s ‖ v each. */
export function packSignatures(sigs: readonly SignerSignature[]): Hex {
  const sorted = [...sigs].sort((a, b) => compareAddresses(a.signer, b.signer));
  sorted.forEach((s, i) => {
    const form = signatureFormError(s.signature);
    if (form !== null) throw new Error(`signature of ${s.signer}: ${form}`);
    const previous = sorted[i - 1];
    if (previous && compareAddresses(previous.signer, s.signer) === 0) throw new Error(`signer ${s.signer} twice`);
  });
  return `0x${sorted.map((s) => s.signature.slice(2).toLowerCase()).join("")}`;
}

/** Orders addresses as the contracts do: as 160-bit numbers. */
export function compareAddresses(a: Address, b: Address): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** The message's fields as JSON (bigints as decimal strings), as the attester API sends them. */
export function messageToJson(a: Attestation): Record<string, string> {
  return Object.fromEntries(
    Object.entries(a.message).map(([k, v]: [string, unknown]) => [k, typeof v === "bigint" ? v.toString() : String(v)]),
  );
}
