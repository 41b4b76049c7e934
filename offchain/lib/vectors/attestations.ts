/**
 * test/vectors/attestations.json (docs/protocol.md section 14.2): domains, messages, domain
 * separators, struct hashes and digests of the four attestations, each signed by three fixed
 * public test keys (anvil's dev keys), and the packed `signatures` of all three.
 * Signatures are RFC 6979 (deterministic), so the file is the same on every run.
 */
import { type Address, type Hex, keccak256, toHex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import {
  type Attestation,
  attestationDigest,
  attestationStructHash,
  type BridgeContracts,
  batchAttestation,
  depositAttestation,
  domainSeparatorOf,
  exodusAttestation,
  packSignatures,
  signDigest,
  withdrawalRequestAttestation,
} from "../attestation.js";
import { FIELD_MODULUS, MAX_UINT32, MAX_UINT64, MAX_UINT128 } from "../field.js";
import {
  type DepositRecord,
  nextOpLogHead,
  type Op,
  opChainOf,
  type WithdrawalRequestRecord,
  ZERO_HEAD,
} from "../protocol.js";
import type { AttestationCase, AttestationsFile } from "./schema.js";

/** Anvil's first three dev keys: public, for test vectors only. */
export const VECTOR_SIGNER_KEYS = [
  "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
  "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
  "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
] as const satisfies readonly Hex[];

const ANVIL: BridgeContracts = {
  l1ChainId: 31337,
  assetStorage: "0x5fbdb2315678afecb367f032d93f642f64180aa3",
  l2ChainId: 31338,
  assetReceiving: "0x5fbdb2315678afecb367f032d93f642f64180aa3",
};
const MAINNETISH: BridgeContracts = {
  l1ChainId: 1,
  assetStorage: "0xffffffffffffffffffffffffffffffffffffffff",
  l2ChainId: 324,
  assetReceiving: "0x0000000000000000000000000000000000000001",
};

const lower = (a: Address) => a.toLowerCase() as Address;
const dec = (x: bigint | number) => x.toString();

/** Message fields as JSON: decimal strings, lower-case addresses, bytes32 hex. */
function messageJson(a: Attestation): Record<string, string> {
  return Object.fromEntries(
    Object.entries(a.message).map(([k, v]: [string, unknown]) => [
      k,
      typeof v === "string" ? v.toLowerCase() : dec(v as bigint | number),
    ]),
  );
}

async function caseOf(note: string, a: Attestation): Promise<AttestationCase> {
  const digest = attestationDigest(a);
  const signatures = await Promise.all(
    VECTOR_SIGNER_KEYS.map(async (key) => ({
      signer: lower(privateKeyToAccount(key).address),
      signature: await signDigest(digest, key),
    })),
  );
  return {
    note,
    primaryType: a.primaryType,
    domain: { ...a.domain, verifyingContract: lower(a.domain.verifyingContract) },
    message: messageJson(a),
    domainSeparator: domainSeparatorOf(a.domain),
    structHash: attestationStructHash(a),
    digest,
    signatures,
    packed: packSignatures(signatures),
  };
}

const RECORDS: DepositRecord[] = [
  {
    recipient: "0xa11ce00000000000000000000000000000000001",
    tokenId: 0,
    amount: 1n,
    depositor: "0xb0b0000000000000000000000000000000000002",
    timestamp: 1_700_000_000n,
  },
  {
    recipient: "0xffffffffffffffffffffffffffffffffffffffff",
    tokenId: Number(MAX_UINT32),
    amount: MAX_UINT128,
    depositor: "0x0000000000000000000000000000000000000001",
    timestamp: MAX_UINT64,
  },
];

/** Batches over the op log of oplog.json (`ops`), as the attesters see it. */
function batchCases(ops: readonly Op[]): [string, Attestation][] {
  const n = ops.length;
  const headAfter = (count: number) => ops.slice(0, count).reduce(nextOpLogHead, ZERO_HEAD);
  return [
    [
      "batch 0 after the first 4 ops of oplog.json",
      batchAttestation(ANVIL, {
        batchNumber: 0n,
        newOpChain: opChainOf(ops.slice(0, 4)),
        l2OpCount: 4n,
        l2OpHead: headAfter(4),
      }),
    ],
    [
      `batch 2 after all ${n} ops of oplog.json`,
      batchAttestation(ANVIL, {
        batchNumber: 2n,
        newOpChain: opChainOf(ops),
        l2OpCount: BigInt(n),
        l2OpHead: headAfter(n),
      }),
    ],
    [
      "edges: batchNumber and l2OpCount 2^64 - 1, newOpChain r - 1, head all ones, other chains",
      batchAttestation(MAINNETISH, {
        batchNumber: MAX_UINT64,
        newOpChain: FIELD_MODULUS - 1n,
        l2OpCount: MAX_UINT64,
        l2OpHead: `0x${"ff".repeat(32)}`,
      }),
    ],
    [
      "zero head and chain (no op), batch 1",
      batchAttestation(ANVIL, { batchNumber: 1n, newOpChain: 0n, l2OpCount: 0n, l2OpHead: ZERO_HEAD }),
    ],
  ];
}

function depositCases(): [string, Attestation][] {
  return [
    ["deposit 0 on anvil", depositAttestation(ANVIL, 0n, RECORDS[0] as DepositRecord)],
    ["edges: every field at its maximum", depositAttestation(MAINNETISH, MAX_UINT64, RECORDS[1] as DepositRecord)],
  ];
}

const REQUESTS: WithdrawalRequestRecord[] = [
  { owner: "0xa11ce00000000000000000000000000000000001", tokenId: 0, timestamp: 1_700_000_000n },
  { owner: "0xffffffffffffffffffffffffffffffffffffffff", tokenId: Number(MAX_UINT32), timestamp: MAX_UINT64 },
];

function withdrawalRequestCases(): [string, Attestation][] {
  return [
    [
      "forced withdrawal request 1 on anvil (after deposit 0)",
      withdrawalRequestAttestation(ANVIL, 1n, REQUESTS[0] as WithdrawalRequestRecord),
    ],
    [
      "edges: every field at its maximum",
      withdrawalRequestAttestation(MAINNETISH, MAX_UINT64, REQUESTS[1] as WithdrawalRequestRecord),
    ],
  ];
}

function exodusCases(): [string, Attestation][] {
  return [
    ["exodus on anvil", exodusAttestation(ANVIL)],
    ["exodus on other chains", exodusAttestation(MAINNETISH)],
  ];
}

export async function buildAttestations(ops: readonly Op[]): Promise<AttestationsFile> {
  const all = async (cases: [string, Attestation][]) => Promise.all(cases.map(([note, a]) => caseOf(note, a)));
  return {
    description:
      "EIP-712 attestations: domain (name, version 1, chainId, verifyingContract), message fields, " +
      "domainSeparator, structHash, digest = keccak256(0x1901 ‖ domainSeparator ‖ structHash); each digest " +
      "signed by the three signers (r ‖ s ‖ v, low s, v 27/28) and packed with signers ascending.",
    spec: "docs/protocol.md section 14.2",
    typeHashes: {
      EIP712Domain: keccak256(
        toHex("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"),
      ),
      BatchAttestation: keccak256(
        toHex(
          "BatchAttestation(uint256 l2ChainId,address l2Ledger,uint64 batchNumber,uint256 newOpChain,uint64 l2OpCount,bytes32 l2OpHead)",
        ),
      ),
      DepositAttestation: keccak256(
        toHex(
          "DepositAttestation(uint256 l1ChainId,address l1Storage,uint64 depositId,address recipient,uint32 tokenId,uint128 amount,address depositor,uint64 timestamp)",
        ),
      ),
      WithdrawalRequestAttestation: keccak256(
        toHex(
          "WithdrawalRequestAttestation(uint256 l1ChainId,address l1Storage,uint64 requestId,address owner,uint32 tokenId,uint64 timestamp)",
        ),
      ),
      ExodusAttestation: keccak256(toHex("ExodusAttestation(uint256 l1ChainId,address l1Storage)")),
    },
    signers: VECTOR_SIGNER_KEYS.map((privateKey) => ({
      privateKey,
      address: lower(privateKeyToAccount(privateKey).address),
    })),
    batch: await all(batchCases(ops)),
    deposit: await all(depositCases()),
    withdrawalRequest: await all(withdrawalRequestCases()),
    exodus: await all(exodusCases()),
  };
}
