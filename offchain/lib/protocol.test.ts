import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { poseidon4 } from "poseidon-lite";
import { FIELD_MODULUS, MAX_UINT32, MAX_UINT64, MAX_UINT128, MAX_UINT160 } from "./field.js";
import {
  batchPublicInputs,
  checkOp,
  type DepositRecord,
  decodeOps,
  depositHash,
  encodeOps,
  leafHash,
  nextOpChain,
  nextOpLogHead,
  nodeHash,
  OP_RECORD_BYTES,
  type Op,
  opChainOf,
  opHead,
  packHead,
  queueRequestHash,
  slotPublicPair,
  type WithdrawalRequestRecord,
  withdrawalRequestHash,
  ZERO_ADDRESS,
  ZERO_HEAD,
} from "./protocol.js";

const r = FIELD_MODULUS;
const A = "0x1111111111111111111111111111111111111111";
const B = "0x2222222222222222222222222222222222222222";
const C = "0x3333333333333333333333333333333333333333";
const MAX_ADDRESS = "0xffffffffffffffffffffffffffffffffffffffff";

const credit = (to: `0x${string}`, tokenId: number, amount: bigint): Op => ({
  kind: 1,
  tokenId,
  from: ZERO_ADDRESS,
  to,
  amount,
});
const transfer = (from: `0x${string}`, to: `0x${string}`, tokenId: number, amount: bigint): Op => ({
  kind: 2,
  tokenId,
  from,
  to,
  amount,
});
const withdraw = (from: `0x${string}`, to: `0x${string}`, tokenId: number, amount: bigint): Op => ({
  kind: 3,
  tokenId,
  from,
  to,
  amount,
});
const forced = (owner: `0x${string}`, tokenId: number, amount: bigint): Op => ({
  kind: 4,
  tokenId,
  from: owner,
  to: owner,
  amount,
});

describe("Poseidon known answers (values not computed by poseidon-lite)", () => {
  it("nodeHash(1, 2, 3, 4) is the value of docs/protocol.md section 3 (= PoseidonT5.hash([1, 2, 3, 4]), below)", () => {
    assert.equal(
      nodeHash(1n, 2n, 3n, 4n),
      18821383157269793795438455681495246036402687001665670618754263018637548127333n,
    );
  });

  it("nodeHash(0, 0, 0, 0) is the depth-2 empty root of test/vectors/tree.json (checked against PoseidonT5)", () => {
    assert.equal(
      nodeHash(0n, 0n, 0n, 0n),
      2351654555892372227640888372176282444150254868378439619268573230312091195718n,
    );
  });

  it("leafHash(1, 2, 3) matches poseidon-solidity PoseidonT4", () => {
    // Computed with poseidon-solidity PoseidonT4.hash([1, 2, 3]) in a one-off forge script.
    assert.equal(leafHash(1n, 2n, 3n), 6542985608222806190361240322586112750744169038454362455181422643027100751666n);
  });

  it("nextOpChain(1, op with head 2, to 3, amount 4) matches poseidon-solidity PoseidonT5", () => {
    // A transfer of token 0 from 0x0 has head 2 + (0 << 3) + (0 << 35) = 2.
    // Computed with poseidon-solidity PoseidonT5.hash([1, 2, 3, 4]) in a one-off forge script.
    const op = transfer(ZERO_ADDRESS, "0x0000000000000000000000000000000000000003", 0, 4n);
    assert.equal(opHead(op), 2n);
    assert.equal(nextOpChain(1n, op), 18821383157269793795438455681495246036402687001665670618754263018637548127333n);
  });
});

describe("nodeHash / leafHash ranges", () => {
  it("nodeHash accepts r - 1 and rejects r and negatives", () => {
    assert.equal(typeof nodeHash(r - 1n, r - 1n, r - 1n, r - 1n), "bigint");
    assert.throws(() => nodeHash(r, 0n, 0n, 0n), /c0 = .* out of range/);
    assert.throws(() => nodeHash(0n, 0n, 0n, r), /c3 = .* out of range/);
    assert.throws(() => nodeHash(-1n, 0n, 0n, 0n), /c0 = -1 is out of range/);
  });

  it("leafHash accepts the max owner, token and balance", () => {
    const leaf = leafHash(MAX_UINT160, MAX_UINT32, MAX_UINT128);
    assert.ok(leaf > 0n && leaf < r);
  });

  it("leafHash rejects owner >= 2^160, tokenId >= 2^32, balance >= 2^128 and negatives", () => {
    assert.throws(() => leafHash(MAX_UINT160 + 1n, 0n, 0n), /owner = .* 0 <= x < 2\^160/);
    assert.throws(() => leafHash(-1n, 0n, 0n), /owner = -1/);
    assert.throws(() => leafHash(1n, MAX_UINT32 + 1n, 0n), /tokenId = 4294967296/);
    assert.throws(() => leafHash(1n, 0n, MAX_UINT128 + 1n), /balance = 340282366920938463463374607431768211456/);
    assert.throws(() => leafHash(1n, 0n, -1n), /balance = -1/);
  });

  it("a drained slot is not an empty slot: leafHash(owner, token, 0) != 0", () => {
    assert.notEqual(leafHash(1n, 0n, 0n), 0n);
    assert.notEqual(leafHash(1n, 0n, 0n), leafHash(2n, 0n, 0n));
    assert.notEqual(leafHash(1n, 0n, 0n), leafHash(1n, 1n, 0n));
  });
});

describe("packHead", () => {
  it("packs by hand-checked values (3-bit kind)", () => {
    assert.equal(packHead(0, 0n, 0n), 0n);
    assert.equal(packHead(2, 1n, 1n), 2n + 8n + 34359738368n); // 2 + (1 << 3) + (1 << 35)
    assert.equal(packHead(4, 0n, 1n), 4n + 34359738368n);
    // every tokenId and account bit set: bits 3..194; kind in the low 3 bits.
    assert.equal(packHead(3, MAX_UINT32, MAX_UINT160), (1n << 195n) - 8n + 3n);
    assert.equal(packHead(4, MAX_UINT32, MAX_UINT160), (1n << 195n) - 4n);
    assert.equal(packHead(0, MAX_UINT32, 0n), 0x7fffffff8n);
    assert.equal(packHead(1, 0n, MAX_UINT160), (MAX_UINT160 << 35n) + 1n);
  });

  it("keeps the fields apart: no carry from one field into the next", () => {
    for (const kind of [0, 1, 2, 3, 4]) {
      const x = packHead(kind, MAX_UINT32, MAX_UINT160);
      assert.equal(x & 7n, BigInt(kind));
      assert.equal((x >> 3n) & MAX_UINT32, MAX_UINT32);
      assert.equal(x >> 35n, MAX_UINT160);
      assert.ok(x < 1n << 195n && x < r);
    }
  });

  it("rejects bad kinds, tokenIds and accounts", () => {
    assert.throws(() => packHead(5, 0n, 0n), /kind 5 is not in 0..4/);
    assert.throws(() => packHead(7, 0n, 0n), /kind 7 is not in 0..4/);
    assert.throws(() => packHead(8, 0n, 0n), /kind 8 is not in 0..4/);
    assert.throws(() => packHead(-1, 0n, 0n), /kind -1 is not in 0..4/);
    assert.throws(() => packHead(1.5, 0n, 0n), /kind 1.5 is not in 0..4/);
    assert.throws(() => packHead(1, MAX_UINT32 + 1n, 0n), /tokenId = 4294967296/);
    assert.throws(() => packHead(1, -1n, 0n), /tokenId = -1/);
    assert.throws(() => packHead(1, 0n, MAX_UINT160 + 1n), /is not a 160-bit number/);
    assert.throws(() => packHead(1, 0n, -1n), /is not a 160-bit number/);
  });
});

describe("opHead and op checks", () => {
  it("uses kind, tokenId and from (not to)", () => {
    assert.equal(opHead(credit(A, 7, 1n)), 1n + (7n << 3n));
    assert.equal(opHead(transfer(A, B, 0, 1n)), 2n + (BigInt(A) << 35n));
    assert.equal(
      opHead(withdraw(A, MAX_ADDRESS, 4294967295, MAX_UINT128)),
      3n + (MAX_UINT32 << 3n) + (BigInt(A) << 35n),
    );
    assert.equal(opHead(forced(C, 9, 0n)), 4n + (9n << 3n) + (BigInt(C) << 35n));
  });

  it("accepts the edge amounts 1 and 2^128 - 1, and 0 for a forced withdrawal only", () => {
    assert.doesNotThrow(() => opHead(credit(A, 0, 1n)));
    assert.doesNotThrow(() => opHead(credit(A, 0, MAX_UINT128)));
    assert.doesNotThrow(() => opHead(forced(A, 0, 0n)));
    assert.doesNotThrow(() => opHead(forced(A, 4294967295, MAX_UINT128)));
  });

  it("rejects malformed ops with a clear message", () => {
    const bad: [Op, RegExp][] = [
      [{ ...credit(A, 0, 1n), kind: 0 as 1 }, /op kind 0 is not 1, 2, 3 or 4/],
      [{ ...credit(A, 0, 1n), kind: 5 as 1 }, /op kind 5 is not 1, 2, 3 or 4/],
      [{ ...forced(A, 0, 1n), kind: 7 as 1 }, /op kind 7 is not 1, 2, 3 or 4/],
      [credit(A, 0, 0n), /op amount must be non-zero/],
      [transfer(A, B, 0, 0n), /op amount must be non-zero/],
      [withdraw(A, B, 0, 0n), /op amount must be non-zero/],
      [credit(A, 0, MAX_UINT128 + 1n), /amount = 340282366920938463463374607431768211456/],
      [forced(A, 0, MAX_UINT128 + 1n), /amount = 340282366920938463463374607431768211456/],
      [credit(A, 0, -1n), /amount = -1/],
      [credit(A, 4294967296, 1n), /tokenId = 4294967296/],
      [credit(A, -1, 1n), /tokenId = -1/],
      [credit(A, 0.5, 1n), /tokenId 0.5 is not an integer/],
      [{ ...credit(A, 0, 1n), from: B }, /a credit op must have from = 0x0/],
      [credit(ZERO_ADDRESS, 0, 1n), /a credit op must have to != 0x0/],
      [transfer(A, ZERO_ADDRESS, 0, 1n), /a transfer op must have to != 0x0/],
      [withdraw(A, ZERO_ADDRESS, 0, 1n), /a withdrawal op must have to != 0x0/],
      [{ ...forced(A, 0, 1n), to: B }, /a forced withdrawal op must have to = from/],
      [{ ...forced(A, 0, 0n), to: B }, /a forced withdrawal op must have to = from/],
      [forced(ZERO_ADDRESS, 0, 0n), /a forced withdrawal op must have to != 0x0/],
      [transfer(A, "0x1234" as `0x${string}`, 0, 1n), /"0x1234" is not an address/],
      [transfer("0xnothex" as `0x${string}`, B, 0, 1n), /"0xnothex" is not an address/],
    ];
    for (const [op, message] of bad) {
      assert.throws(
        () => opHead(op),
        message,
        JSON.stringify(op, (_, v) => (typeof v === "bigint" ? `${v}` : v)),
      );
      assert.throws(() => nextOpLogHead(ZERO_HEAD, op), message);
      assert.throws(() => nextOpChain(0n, op), message);
      assert.throws(() => checkOp(op), message);
    }
  });
});

describe("op chain (section 7)", () => {
  const ops = [credit(A, 0, 5n), transfer(A, B, 0, 2n), transfer(B, B, 0, 1n), withdraw(A, C, 0, 3n)];

  it("is Poseidon(chain, head, to, amount), step by step", () => {
    let chain = 0n;
    for (const op of ops) {
      const expected = poseidon4([chain, opHead(op), BigInt(op.to), op.amount]);
      chain = nextOpChain(chain, op);
      assert.equal(chain, expected);
    }
    assert.equal(opChainOf(ops), chain);
  });

  it("continues from a start value and is the identity on no ops", () => {
    const first = opChainOf(ops.slice(0, 2));
    assert.equal(opChainOf(ops.slice(2), first), opChainOf(ops));
    assert.equal(opChainOf([], 0n), 0n);
    assert.equal(opChainOf([], 12345n), 12345n);
  });

  it("depends on the order, the recipient and the amount", () => {
    assert.notEqual(opChainOf([ops[0]!, ops[1]!]), opChainOf([ops[1]!, ops[0]!]));
    assert.notEqual(opChainOf([credit(A, 0, 5n)]), opChainOf([credit(B, 0, 5n)]));
    assert.notEqual(opChainOf([credit(A, 0, 5n)]), opChainOf([credit(A, 0, 6n)]));
  });

  it("rejects a start value outside the field", () => {
    assert.throws(() => nextOpChain(r, ops[0]!), /opChain = .* out of range/);
    assert.throws(() => opChainOf(ops, -1n), /opChain = -1 is out of range/);
    assert.doesNotThrow(() => nextOpChain(r - 1n, ops[0]!));
  });
});

describe("op-log head (section 6)", () => {
  it("matches keccak256(abi.encode(...)) computed with cast", () => {
    // cast keccak $(cast abi-encode "f(bytes32,uint8,uint32,address,address,uint128)" \
    //   0x00..00 1 7 0x0000000000000000000000000000000000000000 0x1111111111111111111111111111111111111111 1000)
    const h1 = nextOpLogHead(ZERO_HEAD, credit(A, 7, 1000n));
    assert.equal(h1, "0xd0fbca3aac27538ae439518d8cf1c0a9288710bcc6dbbf9d85e36534cb667d28");
    // cast keccak $(cast abi-encode "f(bytes32,uint8,uint32,address,address,uint128)" \
    //   <h1> 3 4294967295 0x1111111111111111111111111111111111111111 0xffff...ffff 340282366920938463463374607431768211455)
    const h2 = nextOpLogHead(h1, withdraw(A, MAX_ADDRESS, 4294967295, MAX_UINT128));
    assert.equal(h2, "0xca20ee1f3e7568d9093c9f57cc86bc98c580438db111373c340728931ee30217");
  });

  it("chains: a different previous head gives a different head", () => {
    const op = transfer(A, B, 1, 10n);
    const h = nextOpLogHead(ZERO_HEAD, op);
    assert.notEqual(nextOpLogHead(h, op), h);
    assert.match(h, /^0x[0-9a-f]{64}$/);
  });

  it("rejects a head that is not 32 bytes", () => {
    assert.throws(() => nextOpLogHead("0x1234", credit(A, 0, 1n)));
  });
});

describe("queue request hashes (section 5)", () => {
  const rec1: DepositRecord = {
    recipient: B,
    tokenId: 4294967295,
    amount: MAX_UINT128,
    depositor: C,
    timestamp: 1700000000n,
  };
  const rec2: DepositRecord = {
    recipient: ZERO_ADDRESS,
    tokenId: 0,
    amount: 1n,
    depositor: MAX_ADDRESS,
    timestamp: MAX_UINT64,
  };
  const req1: WithdrawalRequestRecord = { owner: B, tokenId: 4294967295, timestamp: 1700000000n };

  it("depositHash matches keccak256(abi.encode(...)) computed with cast", () => {
    // cast keccak $(cast abi-encode "f(address,uint32,uint128,address,uint64)" \
    //   0x2222222222222222222222222222222222222222 4294967295 340282366920938463463374607431768211455 \
    //   0x3333333333333333333333333333333333333333 1700000000)
    assert.equal(depositHash(rec1), "0x580706d4156892761fd2709a9f914ea9a2d40b9c9373c105ad925d4416d68b48");
    // cast keccak $(cast abi-encode "f(address,uint32,uint128,address,uint64)" \
    //   0x0000000000000000000000000000000000000000 0 1 0xffffffffffffffffffffffffffffffffffffffff 18446744073709551615)
    assert.equal(depositHash(rec2), "0xe2a3c5d613498a1fa4fe26b9a570272c07498862c141cb322964e86782db4129");
  });

  it("withdrawalRequestHash is keccak256 of the four words uint8(4), owner, tokenId, timestamp", () => {
    // keccak256 of the 128 bytes 0x..04 ‖ 0x..2222...22 ‖ 0x..ffffffff ‖ 0x..6553f100 (hand-padded words).
    assert.equal(withdrawalRequestHash(req1), "0x578e9369e9107515c610488319a8cd709bb6f656ddf675e751161c9f119f67d8");
    assert.equal(
      withdrawalRequestHash({ owner: ZERO_ADDRESS, tokenId: 0, timestamp: 0n }),
      "0x63e2b1d93dc0aebd29be29c0a2f85f4ea6958ad12774d74f3d77c40474df7ba4",
    );
    assert.equal(
      withdrawalRequestHash({ owner: MAX_ADDRESS, tokenId: 1, timestamp: MAX_UINT64 }),
      "0x99d8d10b16a681a7b47f5bccd55b4ec539fbe4bb28136b38a5882d9a3b6d2543",
    );
  });

  it("queueRequestHash picks the hash of the request's kind", () => {
    assert.equal(queueRequestHash({ kind: "deposit", id: 0n, record: rec1 }), depositHash(rec1));
    assert.equal(queueRequestHash({ kind: "withdrawal", id: 1n, record: req1 }), withdrawalRequestHash(req1));
  });

  it("changes with every field", () => {
    const base = depositHash(rec1);
    const variants: DepositRecord[] = [
      { ...rec1, recipient: A },
      { ...rec1, tokenId: 0 },
      { ...rec1, amount: 1n },
      { ...rec1, depositor: A },
      { ...rec1, timestamp: 1700000001n },
    ];
    for (const v of variants) assert.notEqual(depositHash(v), base);
    const requests: WithdrawalRequestRecord[] = [
      { ...req1, owner: A },
      { ...req1, tokenId: 0 },
      { ...req1, timestamp: 1700000001n },
    ];
    for (const v of requests) assert.notEqual(withdrawalRequestHash(v), withdrawalRequestHash(req1));
  });

  it("rejects out-of-range fields", () => {
    assert.throws(() => depositHash({ ...rec1, tokenId: 4294967296 }), /tokenId = 4294967296/);
    assert.throws(() => depositHash({ ...rec1, amount: MAX_UINT128 + 1n }), /amount = /);
    assert.throws(() => depositHash({ ...rec1, timestamp: MAX_UINT64 + 1n }), /timestamp = 18446744073709551616/);
    assert.throws(() => depositHash({ ...rec1, timestamp: -1n }), /timestamp = -1/);
    assert.throws(() => withdrawalRequestHash({ ...req1, tokenId: 4294967296 }), /tokenId = 4294967296/);
    assert.throws(() => withdrawalRequestHash({ ...req1, timestamp: MAX_UINT64 + 1n }), /timestamp = /);
  });
});

describe("op data on L1 (section 8)", () => {
  const ops = [
    credit(A, 7, 1000n),
    transfer(A, B, 0, 1n),
    withdraw(B, MAX_ADDRESS, 4294967295, MAX_UINT128),
    forced(C, 1, 0n),
  ];

  it("is 61 bytes per op: kind ‖ tokenId ‖ from ‖ to ‖ amount, big-endian", () => {
    const data = encodeOps(ops);
    assert.equal(OP_RECORD_BYTES, 61);
    assert.equal(data.length, 2 + 2 * 61 * ops.length);
    assert.equal(
      encodeOps([credit(A, 7, 1000n)]),
      `0x01${"00000007"}${"00".repeat(20)}${"11".repeat(20)}${"0".repeat(29)}3e8`,
    );
    assert.equal(encodeOps([]), "0x");
  });

  it("decodes back to the same ops", () => {
    const lower = (o: Op) => ({ ...o, from: o.from.toLowerCase(), to: o.to.toLowerCase() });
    assert.deepEqual(decodeOps(encodeOps(ops)).map(lower), ops.map(lower));
    assert.deepEqual(decodeOps("0x"), []);
  });

  it("refuses lengths that are not a multiple of 61 and records L2 could not log, naming the op", () => {
    const data = encodeOps(ops);
    assert.throws(() => decodeOps(data.slice(0, -2) as `0x${string}`), /not a multiple of 61/);
    assert.throws(() => decodeOps(`${data}00`), /not a multiple of 61/);
    const kind5 = `${data.slice(0, 2 + 2 * 61 * 3)}05${data.slice(4 + 2 * 61 * 3)}` as `0x${string}`;
    assert.throws(() => decodeOps(kind5), /posted op 3: op kind 5 is not 1, 2, 3 or 4/);
    assert.throws(() => encodeOps([{ ...forced(A, 0, 1n), to: B }]), /to = from/);
    assert.throws(() => decodeOps(`0x${"zz".repeat(61)}` as `0x${string}`), /not 0x-prefixed hex/);
  });
});

describe("slot public pairs and batch public inputs (section 8)", () => {
  const boundary = { oldRoot: 11n, newRoot: 22n, oldOpChain: 33n, newOpChain: 44n };

  it("credit: a = 1 + (tokenId << 3) + (recipient << 35), b = amount", () => {
    assert.deepEqual(slotPublicPair(credit(B, 5, 9n)), [1n + (5n << 3n) + (BigInt(B) << 35n), 9n]);
  });

  it("withdrawal: a uses the L1 recipient (to), not the owner", () => {
    assert.deepEqual(slotPublicPair(withdraw(A, C, 3, 7n)), [3n + (3n << 3n) + (BigInt(C) << 35n), 7n]);
  });

  it("forced withdrawal: a = 4 + (tokenId << 3) + (owner << 35), b = amount, also for 0", () => {
    assert.deepEqual(slotPublicPair(forced(C, 2, 7n)), [4n + (2n << 3n) + (BigInt(C) << 35n), 7n]);
    assert.deepEqual(slotPublicPair(forced(A, 0, 0n)), [4n + (BigInt(A) << 35n), 0n]);
  });

  it("transfers (also self-transfers) and no-ops give (0, 0)", () => {
    assert.deepEqual(slotPublicPair(transfer(A, B, 1, 5n)), [0n, 0n]);
    assert.deepEqual(slotPublicPair(transfer(A, A, 1, 5n)), [0n, 0n]);
    assert.deepEqual(slotPublicPair(null), [0n, 0n]);
  });

  it("still validates a transfer", () => {
    assert.throws(() => slotPublicPair(transfer(A, B, 1, 0n)), /op amount must be non-zero/);
  });

  it("pads with no-ops to 4 + 2N inputs", () => {
    const inputs = batchPublicInputs(boundary, [credit(B, 0, 9n)], 4, 4);
    assert.deepEqual(inputs, [11n, 22n, 33n, 44n, 1n + (BigInt(B) << 35n), 9n, 0n, 0n, 0n, 0n, 0n, 0n]);
    assert.deepEqual(batchPublicInputs(boundary, [], 2, 2), [11n, 22n, 33n, 44n, 0n, 0n, 0n, 0n]);
  });

  it("keeps the op order and mixes kinds", () => {
    const ops = [withdraw(A, C, 1, 2n), transfer(A, B, 0, 1n), credit(B, 4294967295, MAX_UINT128)];
    const inputs = batchPublicInputs(boundary, ops, 4, 4);
    assert.equal(inputs.length, 12);
    assert.deepEqual(inputs.slice(4), [
      3n + (1n << 3n) + (BigInt(C) << 35n),
      2n,
      1n + (MAX_UINT32 << 3n) + (BigInt(B) << 35n),
      MAX_UINT128,
      0n,
      0n,
      0n,
      0n,
    ]);
    for (const x of inputs) assert.ok(x >= 0n && x < r);
  });

  it("routes the k-th L1-visible op to pair k whatever its slot; transfers take no pair (K < N)", () => {
    const ops = [transfer(A, B, 0, 1n), transfer(B, A, 0, 1n), withdraw(A, C, 1, 2n), credit(B, 0, 9n)];
    assert.deepEqual(batchPublicInputs(boundary, ops, 4, 2).slice(4), [
      3n + (1n << 3n) + (BigInt(C) << 35n),
      2n,
      1n + (BigInt(B) << 35n),
      9n,
    ]);
    assert.deepEqual(batchPublicInputs(boundary, ops.slice(0, 2), 4, 2).slice(4), [0n, 0n, 0n, 0n]);
  });

  it("refuses more than K L1-visible ops and a K outside 1..N", () => {
    const ops = [credit(A, 0, 1n), transfer(A, B, 0, 1n), credit(B, 0, 1n)];
    assert.throws(() => batchPublicInputs(boundary, ops, 4, 1), /2 L1-visible ops but the circuit takes 1/);
    assert.throws(() => batchPublicInputs(boundary, [], 4, 0), /public slots 0 must be an integer in 1..4/);
    assert.throws(() => batchPublicInputs(boundary, [], 4, 5), /public slots 5 must be an integer in 1..4/);
  });

  it("takes exactly N ops and rejects N + 1", () => {
    const ops = [credit(A, 0, 1n), credit(A, 0, 1n)];
    assert.equal(batchPublicInputs(boundary, ops, 2, 2).length, 8);
    assert.throws(
      () => batchPublicInputs(boundary, [...ops, credit(A, 0, 1n)], 2, 2),
      /batch has 3 ops but the circuit takes 2/,
    );
  });

  it("rejects a batch size that is not a positive integer", () => {
    assert.throws(() => batchPublicInputs(boundary, [], 0, 0), /batch size 0 must be a positive integer/);
    assert.throws(() => batchPublicInputs(boundary, [], 2.5, 2.5), /batch size 2.5 must be a positive integer/);
  });

  it("accepts r - 1 and rejects r or negatives for every boundary value", () => {
    for (const key of ["oldRoot", "newRoot", "oldOpChain", "newOpChain"] as const) {
      assert.equal(batchPublicInputs({ ...boundary, [key]: r - 1n }, [], 1, 1).includes(r - 1n), true);
      assert.throws(
        () => batchPublicInputs({ ...boundary, [key]: r }, [], 1, 1),
        new RegExp(`${key} = ${r} is out of range`),
      );
      assert.throws(
        () => batchPublicInputs({ ...boundary, [key]: -1n }, [], 1, 1),
        new RegExp(`${key} = -1 is out of range`),
      );
    }
  });

  it("rejects a malformed op inside the batch", () => {
    assert.throws(() => batchPublicInputs(boundary, [credit(A, 0, 0n)], 4, 4), /op amount must be non-zero/);
  });
});
