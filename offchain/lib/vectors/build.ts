/**
 * Builds the contents of test/vectors/*.json from the TypeScript protocol core. Pure and
 * deterministic: no clock, no randomness (signatures are RFC 6979), fixed key order, so two runs
 * give identical bytes. Async only because viem's signing is.
 */
import { poseidon2, poseidon3, poseidon4 } from "poseidon-lite";
import { bigIntToAddress, FIELD_MODULUS, MAX_UINT32, MAX_UINT64, MAX_UINT128, MAX_UINT160 } from "../field.js";
import {
  batchPublicInputs,
  type DepositRecord,
  depositHash,
  encodeOps,
  leafHash,
  nextOpChain,
  nextOpLogHead,
  OP_RECORD_BYTES,
  type Op,
  OpKind,
  opChainOf,
  opHead,
  packHead,
  type WithdrawalRequestRecord,
  withdrawalRequestHash,
  ZERO_ADDRESS,
  ZERO_HEAD,
} from "../protocol.js";
import { emptyRoot, StateTree } from "../tree.js";
import { VectorState } from "./apply.js";
import { buildAttestations } from "./attestations.js";
import type {
  BatchFile,
  DepositsFile,
  OpDataFile,
  OpJson,
  OplogFile,
  PackingFile,
  PoseidonFile,
  RawOpJson,
  TreeFile,
  VectorFileName,
} from "./schema.js";

type Address = `0x${string}`;

const r = FIELD_MODULUS;
const MAX_TOKEN = Number(MAX_UINT32);
const MAX_ADDRESS = bigIntToAddress(MAX_UINT160);
const ONE_ADDRESS = bigIntToAddress(1n);
const ALICE: Address = "0xa11ce00000000000000000000000000000000001";
const BOB: Address = "0xb0b0000000000000000000000000000000000002";
const CAROL: Address = "0xca10100000000000000000000000000000000003";
const DAVE: Address = "0xd00d000000000000000000000000000000000004";

const dec = (x: bigint | number): string => x.toString();

const credit = (to: Address, tokenId: number, amount: bigint): Op => ({
  kind: 1,
  tokenId,
  from: ZERO_ADDRESS,
  to,
  amount,
});
const transfer = (from: Address, to: Address, tokenId: number, amount: bigint): Op => ({
  kind: 2,
  tokenId,
  from,
  to,
  amount,
});
const withdraw = (from: Address, to: Address, tokenId: number, amount: bigint): Op => ({
  kind: 3,
  tokenId,
  from,
  to,
  amount,
});

/** A relayed forced withdrawal: from = to = owner, amount = the owner's spendable balance (maybe 0). */
const forced = (owner: Address, tokenId: number, amount: bigint): Op => ({
  kind: 4,
  tokenId,
  from: owner,
  to: owner,
  amount,
});

const opJson = (op: Op): OpJson => ({
  kind: op.kind,
  tokenId: dec(op.tokenId),
  from: op.from,
  to: op.to,
  amount: dec(op.amount),
});

const account = (owner: bigint, tokenId: bigint, balance: bigint) => ({
  owner: bigIntToAddress(owner),
  tokenId: dec(tokenId),
  balance: dec(balance),
});

export function buildPoseidon(): PoseidonFile {
  const inputs: bigint[][] = [
    [0n, 0n],
    [1n, 2n],
    [0n, r - 1n],
    [r - 1n, 0n],
    [r - 1n, r - 1n],
    [MAX_UINT128, MAX_UINT160],
    [0n, 0n, 0n],
    [1n, 2n, 3n],
    [r - 1n, r - 1n, r - 1n],
    [MAX_UINT160, MAX_UINT32, MAX_UINT128],
    [BigInt(ALICE), 0n, 0n],
    [0n, 0n, 0n, 0n],
    [1n, 2n, 3n, 4n],
    [r - 1n, r - 1n, r - 1n, r - 1n],
    [0n, (1n << 194n) - 1n, MAX_UINT160, MAX_UINT128],
  ];
  const hash = (x: bigint[]): bigint => {
    if (x.length === 2) return poseidon2(x);
    if (x.length === 3) return poseidon3(x);
    return poseidon4(x);
  };
  return {
    description:
      "circomlib Poseidon over BN254 with 2, 3 and 4 inputs (poseidon-lite; poseidon-solidity PoseidonT3/T4/T5).",
    spec: "docs/protocol.md sections 2 and 3",
    fieldModulus: dec(r),
    cases: inputs.map((x) => ({ inputs: x.map(dec), output: dec(hash(x)) })),
  };
}

export function buildPacking(): PackingFile {
  const cases: [number, bigint, bigint][] = [];
  for (let kind = 0; kind <= 4; kind++) {
    for (const tokenId of [0n, MAX_UINT32])
      for (const account of [0n, MAX_UINT160]) cases.push([kind, tokenId, account]);
  }
  cases.push([1, 1n, BigInt(ALICE)], [3, 7n, BigInt(DAVE)], [2, 0n, BigInt(BOB)], [0, 123456n, BigInt(CAROL)]);
  cases.push([4, 0n, BigInt(ALICE)], [4, 1n, 1n], [4, 7n, BigInt(DAVE)]);
  return {
    description:
      "head(op) and the public a of a slot: kind + (tokenId << 3) + (account << 35), kind 3 bits (0..4), " +
      "tokenId 32 bits, account 160 bits (< 2^195).",
    spec: "docs/protocol.md sections 7 and 8",
    cases: cases.map(([kind, tokenId, account]) => ({
      kind,
      tokenId: dec(tokenId),
      account: bigIntToAddress(account),
      packed: dec(packHead(kind, tokenId, account)),
    })),
  };
}

/** A valid L2 history: every op is provable from the empty state (vectors.test.ts replays it). */
export const OPLOG_OPS: readonly Op[] = [
  credit(ALICE, 0, 1n),
  credit(BOB, MAX_TOKEN, MAX_UINT128),
  credit(ALICE, 1, 1000n),
  transfer(ALICE, BOB, 0, 1n),
  transfer(BOB, BOB, MAX_TOKEN, MAX_UINT128),
  withdraw(BOB, MAX_ADDRESS, MAX_TOKEN, MAX_UINT128),
  transfer(ALICE, CAROL, 1, 400n),
  withdraw(CAROL, DAVE, 1, 400n),
  withdraw(BOB, BOB, 0, 1n),
  credit(CAROL, MAX_TOKEN, 5n),
  transfer(CAROL, ALICE, MAX_TOKEN, 5n),
  credit(ONE_ADDRESS, 2, 2n),
  forced(ALICE, 1, 600n),
  forced(ALICE, 1, 0n),
  forced(DAVE, 9, 0n),
  forced(ALICE, MAX_TOKEN, 5n),
  forced(ONE_ADDRESS, 2, 2n),
];

export function buildOplog(): OplogFile {
  let logHead = ZERO_HEAD;
  let opChain = 0n;
  return {
    description:
      "L2 op log: keccak head h_{k+1} = keccak256(abi.encode(h_k, kind, tokenId, from, to, amount)) and the circuit's " +
      "Poseidon op chain o_{k+1} = Poseidon(o_k, packedHead, to, amount), after each op.",
    spec: "docs/protocol.md sections 6 and 7",
    initialLogHead: ZERO_HEAD,
    initialOpChain: "0",
    ops: OPLOG_OPS.map((op, index) => {
      logHead = nextOpLogHead(logHead, op);
      opChain = nextOpChain(opChain, op);
      return { index, ...opJson(op), packedHead: dec(opHead(op)), logHead, opChain: dec(opChain) };
    }),
  };
}

export function buildDeposits(): DepositsFile {
  const records: DepositRecord[] = [
    { recipient: ALICE, tokenId: 0, amount: 1n, depositor: ALICE, timestamp: 0n },
    { recipient: BOB, tokenId: MAX_TOKEN, amount: MAX_UINT128, depositor: CAROL, timestamp: MAX_UINT64 },
    { recipient: ZERO_ADDRESS, tokenId: 0, amount: 1n, depositor: MAX_ADDRESS, timestamp: 1700000000n },
    { recipient: MAX_ADDRESS, tokenId: 1, amount: 10n ** 18n, depositor: ONE_ADDRESS, timestamp: 1n },
    { recipient: CAROL, tokenId: 7, amount: 12345n, depositor: DAVE, timestamp: 1700000000n },
    { recipient: ALICE, tokenId: 0, amount: MAX_UINT128, depositor: ALICE, timestamp: MAX_UINT64 - 1n },
  ];
  const requests: WithdrawalRequestRecord[] = [
    { owner: ALICE, tokenId: 0, timestamp: 1700000000n },
    { owner: MAX_ADDRESS, tokenId: MAX_TOKEN, timestamp: MAX_UINT64 },
    { owner: ONE_ADDRESS, tokenId: 1, timestamp: 0n },
    { owner: ZERO_ADDRESS, tokenId: 0, timestamp: 0n },
    { owner: DAVE, tokenId: 7, timestamp: 1700000000n },
  ];
  return {
    description:
      "L1 priority queue records: deposits, hash = depositHash = keccak256(abi.encode(recipient, tokenId, amount, " +
      "depositor, timestamp)) (five words); forced withdrawal requests, hash = withdrawalRequestHash = " +
      "keccak256(abi.encode(uint8(4), owner, tokenId, timestamp)) (four words). requestHashes(id) stores the whole hash.",
    spec: "docs/protocol.md section 5",
    records: records.map((rec) => ({
      recipient: rec.recipient,
      tokenId: dec(rec.tokenId),
      amount: dec(rec.amount),
      depositor: rec.depositor,
      timestamp: dec(rec.timestamp),
      hash: depositHash(rec),
    })),
    requests: requests.map((req) => ({
      owner: req.owner,
      tokenId: dec(req.tokenId),
      timestamp: dec(req.timestamp),
      hash: withdrawalRequestHash(req),
    })),
  };
}

interface TreeSpec {
  depth: number;
  leaves: { slot: number; owner: bigint; tokenId: bigint; balance: bigint }[];
  paths: number[];
}

function buildTree(spec: TreeSpec): TreeFile["trees"][number] {
  const tree = new StateTree(spec.depth);
  for (const l of spec.leaves) tree.set(l.slot, leafHash(l.owner, l.tokenId, l.balance));
  return {
    depth: spec.depth,
    root: dec(tree.root),
    leaves: spec.leaves.map((l) => ({
      slot: l.slot,
      ...account(l.owner, l.tokenId, l.balance),
      leaf: dec(tree.leaf(l.slot)),
    })),
    paths: spec.paths.map((slot) => {
      const l = spec.leaves.find((x) => x.slot === slot);
      const p = tree.path(slot);
      return {
        slot,
        occupied: l !== undefined,
        ...account(l?.owner ?? 0n, l?.tokenId ?? 0n, l?.balance ?? 0n),
        leaf: dec(p.leaf),
        siblings: p.siblings.map(dec),
      };
    }),
  };
}

export function buildTreeFile(): TreeFile {
  const a = BigInt(ALICE);
  const b = BigInt(BOB);
  const c = BigInt(CAROL);
  const trees: TreeSpec[] = [
    {
      depth: 4,
      leaves: [
        { slot: 0, owner: a, tokenId: 0n, balance: 100n },
        { slot: 1, owner: b, tokenId: 0n, balance: 0n },
        { slot: 2, owner: c, tokenId: MAX_UINT32, balance: MAX_UINT128 },
        { slot: 15, owner: MAX_UINT160, tokenId: MAX_UINT32, balance: MAX_UINT128 },
      ],
      paths: [0, 1, 2, 3, 9, 14, 15],
    },
    {
      depth: 16,
      leaves: [
        { slot: 0, owner: a, tokenId: 0n, balance: 1n },
        { slot: 1, owner: b, tokenId: MAX_UINT32, balance: MAX_UINT128 },
        { slot: 2, owner: a, tokenId: 1n, balance: 0n },
        { slot: 3, owner: c, tokenId: 0n, balance: 10n ** 18n },
        { slot: 4, owner: 0n, tokenId: 0n, balance: 7n },
        { slot: 300, owner: BigInt(DAVE), tokenId: 5n, balance: 12345n },
        { slot: 65535, owner: MAX_UINT160, tokenId: MAX_UINT32, balance: MAX_UINT128 },
      ],
      paths: [0, 3, 4, 5, 300, 40000, 65534, 65535],
    },
  ];
  const depths = Array.from({ length: 16 }, (_, i) => 2 * (i + 1));
  return {
    description:
      "State tree (4-ary, depth / 2 levels, even depths): empty roots (zeros[i+1] = Poseidon(z, z, z, z), z = zeros[i]), " +
      "and trees with leaves Poseidon(owner, tokenId, balance), roots and Merkle paths (3 siblings per level, level-major " +
      "from the leaf level up, each level's in ascending position order; digit (slot >> 2j) & 3 = the node's position at " +
      "level j). Unoccupied slots hold leaf 0.",
    spec: "docs/protocol.md section 4",
    emptyRoots: depths.map((depth) => ({ depth, root: dec(emptyRoot(depth)) })),
    trees: trees.map(buildTree),
  };
}

interface SequenceSpec {
  depth: number;
  batchSize: number;
  /** K: slot records and public pairs per batch (section 8). */
  publicSlots: number;
  batches: { note: string; ops: Op[] }[];
}

function buildSequence(spec: SequenceSpec): BatchFile["sequences"][number] {
  const state = new VectorState(spec.depth);
  let opChain = 0n;
  return {
    depth: spec.depth,
    batchSize: spec.batchSize,
    publicSlots: spec.publicSlots,
    genesisRoot: dec(state.root),
    batches: spec.batches.map(({ note, ops }) => {
      const oldRoot = state.root;
      const oldOpChain = opChain;
      const touched = ops.map((op) => state.apply(op));
      opChain = opChainOf(ops, oldOpChain);
      const boundary = { oldRoot, newRoot: state.root, oldOpChain, newOpChain: opChain };
      const visible = ops.filter((op) => op.kind !== OpKind.Transfer);
      const l1Slots = Array.from({ length: spec.publicSlots }, (_, k) => {
        const op = visible[k];
        if (op === undefined) return { kind: 0, tokenId: "0", account: ZERO_ADDRESS, amount: "0" };
        return { kind: op.kind, tokenId: dec(op.tokenId), account: op.to, amount: dec(op.amount) };
      });
      return {
        note,
        oldRoot: dec(oldRoot),
        newRoot: dec(state.root),
        oldOpChain: dec(oldOpChain),
        newOpChain: dec(opChain),
        ops: ops.map((op, i) => ({
          ...opJson(op),
          ...(touched[i] as { srcSlot: number | null; dstSlot: number | null }),
        })),
        l1Slots,
        publicInputs: batchPublicInputs(boundary, ops, spec.batchSize, spec.publicSlots).map(dec),
        stateAfter: state.accountList().map((acc, slot) => ({
          slot,
          ...account(acc.owner, acc.tokenId, acc.balance),
          leaf: dec(leafHash(acc.owner, acc.tokenId, acc.balance)),
        })),
      };
    }),
  };
}

export function buildBatch(): BatchFile {
  const sequences: SequenceSpec[] = [
    {
      depth: 16,
      batchSize: 4,
      publicSlots: 4,
      batches: [
        {
          note: "full batch: credits (max token, max amount) and a transfer to an existing slot",
          ops: [
            credit(ALICE, 0, 100n),
            credit(BOB, MAX_TOKEN, MAX_UINT128),
            transfer(ALICE, BOB, 0, 40n),
            credit(ALICE, 1, 1n),
          ],
        },
        {
          note: "self-transfer and a withdrawal to another L1 address, 2 no-ops",
          ops: [transfer(ALICE, ALICE, 0, 10n), withdraw(ALICE, DAVE, 0, 60n)],
        },
        {
          note: "max-amount transfer drains a slot, max-amount withdrawal, credit to a new pair, 1 no-op",
          ops: [
            transfer(BOB, ALICE, MAX_TOKEN, MAX_UINT128),
            withdraw(ALICE, ALICE, MAX_TOKEN, MAX_UINT128),
            credit(CAROL, 0, 1n),
          ],
        },
        { note: "all no-ops: root and op chain unchanged", ops: [] },
        {
          note: "transfer and withdrawal that drain both slots, withdrawal to the max address",
          ops: [transfer(BOB, CAROL, 0, 40n), withdraw(CAROL, MAX_ADDRESS, 0, 41n)],
        },
      ],
    },
    {
      depth: 16,
      batchSize: 2,
      publicSlots: 2,
      batches: [
        {
          note: "two credits to one pair up to a balance of 2^128 - 1",
          ops: [credit(ALICE, 0, 5n), credit(ALICE, 0, MAX_UINT128 - 5n)],
        },
        { note: "max-amount transfer to a new pair, 1 no-op", ops: [transfer(ALICE, BOB, 0, MAX_UINT128)] },
        {
          note: "withdrawal then transfer back",
          ops: [withdraw(BOB, BOB, 0, 1n), transfer(BOB, ALICE, 0, 2n)],
        },
      ],
    },
  ];
  sequences.push({
    depth: 16,
    batchSize: 4,
    publicSlots: 4,
    batches: [
      {
        note: "forced withdrawals: part of a balance, 0 by an owner without a leaf (no slot assigned), after credits",
        ops: [credit(ALICE, 0, 100n), credit(BOB, 0, 50n), forced(ALICE, 0, 30n), forced(CAROL, 0, 0n)],
      },
      {
        note: "forced withdrawal draining a leaf, then 0 from the drained leaf, a transfer, 0 from a funded leaf",
        ops: [forced(ALICE, 0, 70n), forced(ALICE, 0, 0n), transfer(BOB, ALICE, 0, 50n), forced(BOB, 0, 0n)],
      },
      {
        note: "only zero forced withdrawals: the root stays, the op chain moves, (a, b) = (packed, 0)",
        ops: [forced(DAVE, 0, 0n), forced(ALICE, MAX_TOKEN, 0n)],
      },
      {
        note: "max token and amount: credit 2^128 - 1, forced withdrawal of all of it, a withdrawal, 1 no-op",
        ops: [
          credit(MAX_ADDRESS, MAX_TOKEN, MAX_UINT128),
          forced(MAX_ADDRESS, MAX_TOKEN, MAX_UINT128),
          withdraw(ALICE, DAVE, 0, 50n),
        ],
      },
    ],
  });
  sequences.push({
    depth: 16,
    batchSize: 4,
    publicSlots: 2,
    batches: [
      {
        note: "K < N: transfer-free credits fill both pairs, the batch is full at 2 L1-visible ops",
        ops: [credit(ALICE, 0, 100n), credit(BOB, 0, 50n)],
      },
      {
        note: "K < N: a withdrawal between transfers lands in pair 0, pair 1 stays (0, 0)",
        ops: [transfer(ALICE, BOB, 0, 10n), withdraw(BOB, DAVE, 0, 5n), transfer(BOB, CAROL, 0, 1n)],
      },
      {
        note: "K < N: transfers only, then a credit and a withdrawal in the last two slots route to pairs 0 and 1",
        ops: [
          transfer(CAROL, ALICE, 0, 1n),
          transfer(ALICE, CAROL, 0, 2n),
          credit(DAVE, 0, 7n),
          withdraw(ALICE, ALICE, 0, 3n),
        ],
      },
    ],
  });
  return {
    description:
      "Batches applied in order from the genesis (empty) tree, slots assigned by first appearance. publicInputs = " +
      "oldRoot, newRoot, oldOpChain, newOpChain, then (a_k, b_k) for k < publicSlots: the k-th L1-visible op (credit, " +
      "withdrawal, forced withdrawal) in log order, (0, 0) after the last; l1Slots are the publicSlots records " +
      "submitBatch receives, in the same order (kind 0 records after the last L1-visible op; transfers have no " +
      "record; kind 4 with account = the owner for forced withdrawals); stateAfter lists " +
      "every assigned slot after the batch. refused: ops that no batch may contain, each after its setup ops " +
      "(applied from genesis); rule names what refuses it.",
    spec: "docs/protocol.md sections 4, 7 and 8",
    sequences: sequences.map(buildSequence),
    refused: buildRefused(),
  };
}

/** Ops the circuit, L2 and the off-chain state refuse, each after a valid setup (docs/protocol.md section 8). */
function buildRefused(): BatchFile["refused"] {
  const setup = [credit(ALICE, 0, 100n), credit(BOB, 1, 7n)];
  const raw = (kind: number, from: Address, to: Address, tokenId: number, amount: bigint): RawOpJson => ({
    kind,
    tokenId: dec(tokenId),
    from,
    to,
    amount: dec(amount),
  });
  const cases: [string, BatchFile["refused"][number]["rule"], RawOpJson][] = [
    ["kind 5 (3 bits, not a kind)", "kind", raw(5, ALICE, ALICE, 0, 10n)],
    ["kind 6", "kind", raw(6, ALICE, BOB, 0, 10n)],
    ["kind 7", "kind", raw(7, ZERO_ADDRESS, ALICE, 0, 10n)],
    ["kind 8 (does not fit 3 bits)", "kind", raw(8, ZERO_ADDRESS, ALICE, 0, 10n)],
    ["transfer to address 0", "toZero", raw(2, ALICE, ZERO_ADDRESS, 0, 10n)],
    ["withdrawal to L1 address 0", "toZero", raw(3, ALICE, ZERO_ADDRESS, 0, 10n)],
    ["credit to address 0", "toZero", raw(1, ZERO_ADDRESS, ZERO_ADDRESS, 0, 10n)],
    ["forced withdrawal by address 0, amount 0", "toZero", raw(4, ZERO_ADDRESS, ZERO_ADDRESS, 0, 0n)],
    ["forced withdrawal paid to another address than its owner (to != from)", "forcedTo", raw(4, ALICE, BOB, 0, 100n)],
    ["forced withdrawal of 0 paid to another address", "forcedTo", raw(4, CAROL, BOB, 0, 0n)],
    ["forced withdrawal above the owner's balance (101 of 100)", "balance", raw(4, ALICE, ALICE, 0, 101n)],
    ["forced withdrawal of 2^128 - 1 from a balance of 7", "balance", raw(4, BOB, BOB, 1, MAX_UINT128)],
    ["forced withdrawal of 1 by an owner without a leaf", "balance", raw(4, CAROL, CAROL, 0, 1n)],
    ["forced withdrawal of another token than the leaf's", "balance", raw(4, ALICE, ALICE, 1, 1n)],
    ["transfer of amount 0 (only kind 4 may move 0)", "zeroAmount", raw(2, ALICE, BOB, 0, 0n)],
    ["withdrawal of amount 0", "zeroAmount", raw(3, ALICE, ALICE, 0, 0n)],
  ];
  return cases.map(([note, rule, op]) => {
    const state = new VectorState(16);
    for (const o of setup) state.apply(o);
    let refused = false;
    try {
      state.apply({ ...op, kind: op.kind as Op["kind"], tokenId: Number(op.tokenId), amount: BigInt(op.amount) } as Op);
    } catch {
      refused = true;
    }
    if (!refused) throw new Error(`refused vector "${note}" is accepted by the vector model`);
    return { note, depth: 16, batchSize: 4, rule, setup: setup.map(opJson), op };
  });
}

/**
 * opdata.json: the compact op data of section 8 ("Op data on L1") over oplog.json's ops, split into
 * batches, with the keccak head chain L1 recomputes from the stored head.
 */
export function buildOpData(): OpDataFile {
  const cuts = [0, 4, 8, 12, OPLOG_OPS.length];
  let head = ZERO_HEAD;
  const batches: OpDataFile["batches"] = [];
  for (let b = 0; b + 1 < cuts.length; b++) {
    const first = cuts[b] as number;
    const ops = OPLOG_OPS.slice(first, cuts[b + 1]);
    const startHead = head;
    const rows = ops.map((op) => {
      head = nextOpLogHead(head, op);
      return { ...opJson(op), record: encodeOps([op]), head };
    });
    batches.push({
      note: `ops ${first}..${first + ops.length - 1} of oplog.json`,
      firstOpIndex: first,
      startHead,
      ops: rows,
      data: encodeOps(ops),
      endHead: head,
    });
  }
  const edge = [forced(MAX_ADDRESS, MAX_TOKEN, MAX_UINT128), forced(ONE_ADDRESS, 0, 0n)];
  const edgeStart = `0x${"ff".repeat(32)}` as const;
  let edgeHead: `0x${string}` = edgeStart;
  batches.push({
    note: "edges from a head of all ones: every field at its maximum, then a zero forced withdrawal",
    firstOpIndex: 0,
    startHead: edgeStart,
    ops: edge.map((op) => {
      edgeHead = nextOpLogHead(edgeHead, op);
      return { ...opJson(op), record: encodeOps([op]), head: edgeHead };
    }),
    data: encodeOps(edge),
    endHead: edgeHead,
  });
  return {
    description:
      "Posted op data: one 61-byte record per op, kind (1) ‖ tokenId (4) ‖ from (20) ‖ to (20) ‖ amount (16), " +
      "big-endian, concatenated in log order (data = encodeOps(ops)); record is each op's own 61 bytes and head the " +
      "keccak op-log head h_{k+1} = keccak256(abi.encode(h_k, kind, tokenId, from, to, amount)) after it, from startHead " +
      "(the stored l2OpHead) to endHead (the attested l2OpHead). invalid: data that decodeOps refuses.",
    spec: "docs/protocol.md sections 6 and 8 (Op data on L1)",
    recordBytes: OP_RECORD_BYTES,
    batches,
    invalid: buildInvalidOpData(),
  };
}

function buildInvalidOpData(): OpDataFile["invalid"] {
  const good = encodeOps([credit(ALICE, 0, 1n)]);
  const withKind = (kind: number) => `0x${kind.toString(16).padStart(2, "0")}${good.slice(4)}` as const;
  return [
    { note: "one byte short of a record", data: good.slice(0, -2) as `0x${string}` },
    { note: "one byte past a record", data: `${good}00` as `0x${string}` },
    { note: "kind 0 (a no-op is never posted)", data: withKind(0) },
    { note: "kind 5", data: withKind(5) },
    { note: "a credit to address 0", data: encodeOpsUnchecked(1, 0n, 0n, 1n) },
    { note: "a transfer of amount 0", data: encodeOpsUnchecked(2, BigInt(ALICE), BigInt(BOB), 0n) },
    { note: "a forced withdrawal with to != from", data: encodeOpsUnchecked(4, BigInt(ALICE), BigInt(BOB), 1n) },
  ];
}

/** One 61-byte record without the op checks of encodeOps (for the invalid cases). */
function encodeOpsUnchecked(kind: number, from: bigint, to: bigint, amount: bigint): `0x${string}` {
  const hex = (x: bigint, bytes: number) => x.toString(16).padStart(2 * bytes, "0");
  return `0x${hex(BigInt(kind), 1)}${hex(0n, 4)}${hex(from, 20)}${hex(to, 20)}${hex(amount, 16)}`;
}

/** Every vector file as the exact text written to disk (2-space JSON, trailing newline). */
export async function buildVectorFiles(): Promise<Map<VectorFileName, string>> {
  const json = (x: unknown): string => `${JSON.stringify(x, null, 2)}\n`;
  return new Map<VectorFileName, string>([
    ["poseidon.json", json(buildPoseidon())],
    ["packing.json", json(buildPacking())],
    ["oplog.json", json(buildOplog())],
    ["deposits.json", json(buildDeposits())],
    ["tree.json", json(buildTreeFile())],
    ["batch.json", json(buildBatch())],
    ["opdata.json", json(buildOpData())],
    ["attestations.json", json(await buildAttestations(OPLOG_OPS))],
  ]);
}
