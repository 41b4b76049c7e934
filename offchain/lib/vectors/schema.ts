/**
 * The shape of test/vectors/*.json. The generator (generate.ts) writes these shapes; every reader
 * (vectors.test.ts, the circuit suite) parses them with these schemas, so a malformed file fails
 * loudly with the path of the bad field. Big numbers are decimal strings, addresses and bytes32
 * are 0x hex, small structural numbers (kind, depth, slot, index, batch size) are JSON numbers.
 */
import { z } from "zod";
import type { Op } from "../protocol.js";

export const Dec = z.string().regex(/^(0|[1-9][0-9]*)$/, "expected a decimal string");
export const Address = z.string().regex(/^0x[0-9a-f]{40}$/, "expected a lower-case 0x address");
export const Bytes32 = z.string().regex(/^0x[0-9a-f]{64}$/, "expected 0x and 64 lower-case hex digits");
const Int = z.number().int().nonnegative();
const Kind = z.number().int().min(0).max(4);
const RealKind = z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)]);
const Hex = z.string().regex(/^0x([0-9a-f]{2})*$/, "expected 0x and lower-case hex bytes");
const Header = { description: z.string(), spec: z.string() };

export const PoseidonFile = z.object({
  ...Header,
  fieldModulus: Dec,
  cases: z.array(z.object({ inputs: z.array(Dec).min(2).max(4), output: Dec })),
});

export const PackingFile = z.object({
  ...Header,
  cases: z.array(z.object({ kind: Kind, tokenId: Dec, account: Address, packed: Dec })),
});

export const OpJson = z.object({ kind: RealKind, tokenId: Dec, from: Address, to: Address, amount: Dec });
/** An op as a cheater would give it: any kind, no rule applied. */
export const RawOpJson = OpJson.extend({ kind: Int });

export const OplogFile = z.object({
  ...Header,
  initialLogHead: Bytes32,
  initialOpChain: Dec,
  ops: z.array(OpJson.extend({ index: Int, packedHead: Dec, logHead: Bytes32, opChain: Dec })),
});

export const DepositsFile = z.object({
  ...Header,
  records: z.array(
    z.object({
      recipient: Address,
      tokenId: Dec,
      amount: Dec,
      depositor: Address,
      timestamp: Dec,
      /** depositHash: the whole 256-bit requestHashes(id) of a deposit. */
      hash: Bytes32,
    }),
  ),
  /** Forced withdrawal requests; hash = withdrawalRequestHash. */
  requests: z.array(z.object({ owner: Address, tokenId: Dec, timestamp: Dec, hash: Bytes32 })),
});

const Account = { owner: Address, tokenId: Dec, balance: Dec };

export const TreeFile = z.object({
  ...Header,
  emptyRoots: z.array(z.object({ depth: Int, root: Dec })),
  trees: z.array(
    z.object({
      depth: Int,
      root: Dec,
      leaves: z.array(z.object({ slot: Int, ...Account, leaf: Dec })),
      paths: z.array(z.object({ slot: Int, occupied: z.boolean(), ...Account, leaf: Dec, siblings: z.array(Dec) })),
    }),
  ),
});

export const BatchFile = z.object({
  ...Header,
  sequences: z.array(
    z.object({
      depth: Int,
      batchSize: Int,
      publicSlots: Int,
      genesisRoot: Dec,
      batches: z.array(
        z.object({
          note: z.string(),
          oldRoot: Dec,
          newRoot: Dec,
          oldOpChain: Dec,
          newOpChain: Dec,
          ops: z.array(OpJson.extend({ srcSlot: Int.nullable(), dstSlot: Int.nullable() })),
          l1Slots: z.array(z.object({ kind: Kind, tokenId: Dec, account: Address, amount: Dec })),
          publicInputs: z.array(Dec),
          stateAfter: z.array(z.object({ slot: Int, ...Account, leaf: Dec })),
        }),
      ),
    }),
  ),
  refused: z.array(
    z.object({
      note: z.string(),
      depth: Int,
      batchSize: Int,
      /** kind: not 1..4; toZero: a real op to address 0; forcedTo: kind 4 with to != from; balance: a debit above the
       * owner's leaf (or from a pair without a leaf); zeroAmount: amount 0 in a kind other than 4. */
      rule: z.enum(["kind", "toZero", "forcedTo", "balance", "zeroAmount"]),
      setup: z.array(OpJson),
      op: RawOpJson,
    }),
  ),
});

export const OpDataFile = z.object({
  ...Header,
  recordBytes: z.literal(61),
  batches: z.array(
    z.object({
      note: z.string(),
      firstOpIndex: Int,
      startHead: Bytes32,
      ops: z.array(OpJson.extend({ record: Hex, head: Bytes32 })),
      data: Hex,
      endHead: Bytes32,
    }),
  ),
  invalid: z.array(z.object({ note: z.string(), data: Hex })),
});

const Signature = z.string().regex(/^0x[0-9a-f]{128}(1b|1c)$/, "expected a 65-byte r ‖ s ‖ v signature, v 27 or 28");

export const AttestationCase = z.object({
  note: z.string(),
  primaryType: z.enum(["BatchAttestation", "DepositAttestation", "WithdrawalRequestAttestation", "ExodusAttestation"]),
  domain: z.object({
    name: z.enum(["AssetStorage", "AssetReceiving"]),
    version: z.literal("1"),
    chainId: z.number().int().positive(),
    verifyingContract: Address,
  }),
  /** Field name -> decimal string, lower-case address or bytes32, in the type's field order. */
  message: z.record(z.string(), z.string()),
  domainSeparator: Bytes32,
  structHash: Bytes32,
  digest: Bytes32,
  signatures: z.array(z.object({ signer: Address, signature: Signature })),
  /** The signatures concatenated with signers ascending (the contracts' `bytes signatures`). */
  packed: z.string().regex(/^0x([0-9a-f]{130})*$/),
});

export const AttestationsFile = z.object({
  ...Header,
  typeHashes: z.object({
    EIP712Domain: Bytes32,
    BatchAttestation: Bytes32,
    DepositAttestation: Bytes32,
    WithdrawalRequestAttestation: Bytes32,
    ExodusAttestation: Bytes32,
  }),
  signers: z.array(z.object({ privateKey: Bytes32, address: Address })),
  batch: z.array(AttestationCase),
  deposit: z.array(AttestationCase),
  withdrawalRequest: z.array(AttestationCase),
  exodus: z.array(AttestationCase),
});

export type PoseidonFile = z.infer<typeof PoseidonFile>;
export type PackingFile = z.infer<typeof PackingFile>;
export type OpJson = z.infer<typeof OpJson>;
export type RawOpJson = z.infer<typeof RawOpJson>;

/** A vector file's op as the protocol core's Op. */
export const opFromJson = (o: OpJson): Op => ({
  kind: o.kind,
  tokenId: Number(o.tokenId),
  from: o.from as `0x${string}`,
  to: o.to as `0x${string}`,
  amount: BigInt(o.amount),
});
export type OplogFile = z.infer<typeof OplogFile>;
export type DepositsFile = z.infer<typeof DepositsFile>;
export type TreeFile = z.infer<typeof TreeFile>;
export type BatchFile = z.infer<typeof BatchFile>;
export type OpDataFile = z.infer<typeof OpDataFile>;
export type AttestationCase = z.infer<typeof AttestationCase>;
export type AttestationsFile = z.infer<typeof AttestationsFile>;

/** Every vector file, by name, with its schema. */
export const VECTOR_FILES = {
  "poseidon.json": PoseidonFile,
  "packing.json": PackingFile,
  "oplog.json": OplogFile,
  "deposits.json": DepositsFile,
  "tree.json": TreeFile,
  "batch.json": BatchFile,
  "opdata.json": OpDataFile,
  "attestations.json": AttestationsFile,
} as const;
export type VectorFileName = keyof typeof VECTOR_FILES;
