import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { poseidon4 } from "poseidon-lite";
import { FIELD_MODULUS, MAX_UINT32, MAX_UINT64, MAX_UINT128, MAX_UINT160 } from "./field.js";
import {
  batchPublicInputs,
  type DepositRecord,
  depositRecordHash,
  depositWord,
  leafHash,
  nextOpChain,
  nextOpLogHead,
  nodeHash,
  type Op,
  opChainOf,
  opHead,
  packHead,
  slotPublicPair,
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

describe("Poseidon known answers (values not computed by poseidon-lite)", () => {
  it("nodeHash(1, 2) is the value of docs/protocol.md section 3", () => {
    assert.equal(nodeHash(1n, 2n), 7853200120776062878684798364095072458815029376092732009249414926327459813530n);
  });

  it("nodeHash(0, 0) matches poseidon-solidity PoseidonT3", () => {
    // Computed with poseidon-solidity PoseidonT3.hash([0, 0]) in a one-off forge script.
    assert.equal(nodeHash(0n, 0n), 14744269619966411208579211824598458697587494354926760081771325075741142829156n);
  });

  it("leafHash(1, 2, 3) matches poseidon-solidity PoseidonT4", () => {
    // Computed with poseidon-solidity PoseidonT4.hash([1, 2, 3]) in a one-off forge script.
    assert.equal(leafHash(1n, 2n, 3n), 6542985608222806190361240322586112750744169038454362455181422643027100751666n);
  });

  it("nextOpChain(1, op with head 2, to 3, amount 4) matches poseidon-solidity PoseidonT5", () => {
    // A transfer of token 0 from 0x0 has head 2 + (0 << 2) + (0 << 34) = 2.
    // Computed with poseidon-solidity PoseidonT5.hash([1, 2, 3, 4]) in a one-off forge script.
    const op = transfer(ZERO_ADDRESS, "0x0000000000000000000000000000000000000003", 0, 4n);
    assert.equal(opHead(op), 2n);
    assert.equal(nextOpChain(1n, op), 18821383157269793795438455681495246036402687001665670618754263018637548127333n);
  });
});

describe("nodeHash / leafHash ranges", () => {
  it("nodeHash accepts r - 1 and rejects r and negatives", () => {
    assert.equal(typeof nodeHash(r - 1n, r - 1n), "bigint");
    assert.throws(() => nodeHash(r, 0n), /left = .* out of range/);
    assert.throws(() => nodeHash(0n, r), /right = .* out of range/);
    assert.throws(() => nodeHash(-1n, 0n), /left = -1 is out of range/);
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
  it("packs by hand-checked values", () => {
    assert.equal(packHead(0, 0n, 0n), 0n);
    assert.equal(packHead(2, 1n, 1n), 2n + 4n + 17179869184n); // 2 + (1 << 2) + (1 << 34)
    // kind 3, every tokenId and account bit set: all 194 low bits set.
    assert.equal(packHead(3, MAX_UINT32, MAX_UINT160), (1n << 194n) - 1n);
    assert.equal(packHead(1, MAX_UINT32, MAX_UINT160), (1n << 194n) - 3n);
    assert.equal(packHead(0, MAX_UINT32, 0n), 0x3fffffffcn);
    assert.equal(packHead(1, 0n, MAX_UINT160), (MAX_UINT160 << 34n) + 1n);
  });

  it("keeps the fields apart: no carry from one field into the next", () => {
    const x = packHead(3, MAX_UINT32, MAX_UINT160);
    assert.equal(x & 3n, 3n);
    assert.equal((x >> 2n) & MAX_UINT32, MAX_UINT32);
    assert.equal(x >> 34n, MAX_UINT160);
    assert.ok(x < r);
  });

  it("rejects bad kinds, tokenIds and accounts", () => {
    assert.throws(() => packHead(4, 0n, 0n), /kind 4 is not in 0..3/);
    assert.throws(() => packHead(-1, 0n, 0n), /kind -1 is not in 0..3/);
    assert.throws(() => packHead(1.5, 0n, 0n), /kind 1.5 is not in 0..3/);
    assert.throws(() => packHead(1, MAX_UINT32 + 1n, 0n), /tokenId = 4294967296/);
    assert.throws(() => packHead(1, -1n, 0n), /tokenId = -1/);
    assert.throws(() => packHead(1, 0n, MAX_UINT160 + 1n), /is not a 160-bit number/);
    assert.throws(() => packHead(1, 0n, -1n), /is not a 160-bit number/);
  });
});

describe("opHead and op checks", () => {
  it("uses kind, tokenId and from (not to)", () => {
    assert.equal(opHead(credit(A, 7, 1n)), 1n + (7n << 2n));
    assert.equal(opHead(transfer(A, B, 0, 1n)), 2n + (BigInt(A) << 34n));
    assert.equal(
      opHead(withdraw(A, MAX_ADDRESS, 4294967295, MAX_UINT128)),
      3n + (MAX_UINT32 << 2n) + (BigInt(A) << 34n),
    );
  });

  it("accepts the edge amounts 1 and 2^128 - 1", () => {
    assert.doesNotThrow(() => opHead(credit(A, 0, 1n)));
    assert.doesNotThrow(() => opHead(credit(A, 0, MAX_UINT128)));
  });

  it("rejects malformed ops with a clear message", () => {
    const bad: [Op, RegExp][] = [
      [{ ...credit(A, 0, 1n), kind: 0 as 1 }, /op kind 0 is not 1, 2 or 3/],
      [{ ...credit(A, 0, 1n), kind: 4 as 1 }, /op kind 4 is not 1, 2 or 3/],
      [credit(A, 0, 0n), /op amount must be non-zero/],
      [credit(A, 0, MAX_UINT128 + 1n), /amount = 340282366920938463463374607431768211456/],
      [credit(A, 0, -1n), /amount = -1/],
      [credit(A, 4294967296, 1n), /tokenId = 4294967296/],
      [credit(A, -1, 1n), /tokenId = -1/],
      [credit(A, 0.5, 1n), /tokenId 0.5 is not an integer/],
      [{ ...credit(A, 0, 1n), from: B }, /a credit op must have from = 0x0/],
      [transfer(A, ZERO_ADDRESS, 0, 1n), /a transfer op must have to != 0x0/],
      [withdraw(A, ZERO_ADDRESS, 0, 1n), /a withdrawal op must have to != 0x0/],
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

describe("deposit record hash and word (section 5)", () => {
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

  it("matches keccak256(abi.encode(...)) computed with cast", () => {
    // cast keccak $(cast abi-encode "f(address,uint32,uint128,address,uint64)" \
    //   0x2222222222222222222222222222222222222222 4294967295 340282366920938463463374607431768211455 \
    //   0x3333333333333333333333333333333333333333 1700000000)
    assert.equal(depositRecordHash(rec1), "0x580706d4156892761fd2709a9f914ea9a2d40b9c9373c105ad925d4416d68b48");
    // cast keccak $(cast abi-encode "f(address,uint32,uint128,address,uint64)" \
    //   0x0000000000000000000000000000000000000000 0 1 0xffffffffffffffffffffffffffffffffffffffff 18446744073709551615)
    assert.equal(depositRecordHash(rec2), "0xe2a3c5d613498a1fa4fe26b9a570272c07498862c141cb322964e86782db4129");
  });

  it("word = top 192 bits of the hash | timestamp (values from cast to-dec)", () => {
    // cast to-dec 0x580706d4156892761fd2709a9f914ea9a2d40b9c9373c105000000006553f100
    assert.equal(depositWord(rec1), 39815945733022241644440763045545421262395420692917696641885464651374240461056n);
    // cast to-dec 0xe2a3c5d613498a1fa4fe26b9a570272c07498862c141cb32ffffffffffffffff
    assert.equal(depositWord(rec2), 102512065266867170885355949651177939533468310646055154173265881074187074797567n);
  });

  it("keeps the timestamp in the low 64 bits", () => {
    for (const timestamp of [0n, 1n, 1700000000n, MAX_UINT64]) {
      const rec = { ...rec1, timestamp };
      const word = depositWord(rec);
      assert.equal(word & MAX_UINT64, timestamp);
      assert.equal(word >> 64n, BigInt(depositRecordHash(rec)) >> 64n);
    }
  });

  it("changes with every field", () => {
    const base = depositRecordHash(rec1);
    const variants: DepositRecord[] = [
      { ...rec1, recipient: A },
      { ...rec1, tokenId: 0 },
      { ...rec1, amount: 1n },
      { ...rec1, depositor: A },
      { ...rec1, timestamp: 1700000001n },
    ];
    for (const v of variants) assert.notEqual(depositRecordHash(v), base);
  });

  it("rejects out-of-range fields", () => {
    assert.throws(() => depositRecordHash({ ...rec1, tokenId: 4294967296 }), /tokenId = 4294967296/);
    assert.throws(() => depositRecordHash({ ...rec1, amount: MAX_UINT128 + 1n }), /amount = /);
    assert.throws(() => depositRecordHash({ ...rec1, timestamp: MAX_UINT64 + 1n }), /timestamp = 18446744073709551616/);
    assert.throws(() => depositWord({ ...rec1, timestamp: -1n }), /timestamp = -1/);
  });
});

describe("slot public pairs and batch public inputs (section 8)", () => {
  const boundary = { oldRoot: 11n, newRoot: 22n, oldOpChain: 33n, newOpChain: 44n };

  it("credit: a = 1 + (tokenId << 2) + (recipient << 34), b = amount", () => {
    assert.deepEqual(slotPublicPair(credit(B, 5, 9n)), [1n + (5n << 2n) + (BigInt(B) << 34n), 9n]);
  });

  it("withdrawal: a uses the L1 recipient (to), not the owner", () => {
    assert.deepEqual(slotPublicPair(withdraw(A, C, 3, 7n)), [3n + (3n << 2n) + (BigInt(C) << 34n), 7n]);
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
    const inputs = batchPublicInputs(boundary, [credit(B, 0, 9n)], 4);
    assert.deepEqual(inputs, [11n, 22n, 33n, 44n, 1n + (BigInt(B) << 34n), 9n, 0n, 0n, 0n, 0n, 0n, 0n]);
    assert.deepEqual(batchPublicInputs(boundary, [], 2), [11n, 22n, 33n, 44n, 0n, 0n, 0n, 0n]);
  });

  it("keeps the op order and mixes kinds", () => {
    const ops = [withdraw(A, C, 1, 2n), transfer(A, B, 0, 1n), credit(B, 4294967295, MAX_UINT128)];
    const inputs = batchPublicInputs(boundary, ops, 4);
    assert.equal(inputs.length, 12);
    assert.deepEqual(inputs.slice(4), [
      3n + (1n << 2n) + (BigInt(C) << 34n),
      2n,
      0n,
      0n,
      1n + (MAX_UINT32 << 2n) + (BigInt(B) << 34n),
      MAX_UINT128,
      0n,
      0n,
    ]);
    for (const x of inputs) assert.ok(x >= 0n && x < r);
  });

  it("takes exactly N ops and rejects N + 1", () => {
    const ops = [credit(A, 0, 1n), credit(A, 0, 1n)];
    assert.equal(batchPublicInputs(boundary, ops, 2).length, 8);
    assert.throws(
      () => batchPublicInputs(boundary, [...ops, credit(A, 0, 1n)], 2),
      /batch has 3 ops but the circuit takes 2/,
    );
  });

  it("rejects a batch size that is not a positive integer", () => {
    assert.throws(() => batchPublicInputs(boundary, [], 0), /batch size 0 must be a positive integer/);
    assert.throws(() => batchPublicInputs(boundary, [], 2.5), /batch size 2.5 must be a positive integer/);
  });

  it("accepts r - 1 and rejects r or negatives for every boundary value", () => {
    for (const key of ["oldRoot", "newRoot", "oldOpChain", "newOpChain"] as const) {
      assert.equal(batchPublicInputs({ ...boundary, [key]: r - 1n }, [], 1).includes(r - 1n), true);
      assert.throws(
        () => batchPublicInputs({ ...boundary, [key]: r }, [], 1),
        new RegExp(`${key} = ${r} is out of range`),
      );
      assert.throws(
        () => batchPublicInputs({ ...boundary, [key]: -1n }, [], 1),
        new RegExp(`${key} = -1 is out of range`),
      );
    }
  });

  it("rejects a malformed op inside the batch", () => {
    assert.throws(() => batchPublicInputs(boundary, [credit(A, 0, 0n)], 4), /op amount must be non-zero/);
  });
});
