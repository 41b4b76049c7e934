import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  addressToBigInt,
  assertBits,
  assertField,
  assertUint32,
  assertUint64,
  assertUint128,
  bigIntToAddress,
  FIELD_MODULUS,
  isFieldElement,
  MAX_UINT32,
  MAX_UINT64,
  MAX_UINT128,
  MAX_UINT160,
  RangeCheckError,
} from "./field.js";

const r = FIELD_MODULUS;

describe("FIELD_MODULUS and limits", () => {
  it("is the BN254 scalar field order (docs/protocol.md section 2)", () => {
    assert.equal(r, 21888242871839275222246405745257275088548364400416034343698204186575808495617n);
    // Independent form: r = 0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001.
    assert.equal(r, 0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001n);
  });

  it("has the uint limits as literals", () => {
    assert.equal(MAX_UINT32, 4294967295n);
    assert.equal(MAX_UINT64, 18446744073709551615n);
    assert.equal(MAX_UINT128, 340282366920938463463374607431768211455n);
    assert.equal(MAX_UINT160, 0xffffffffffffffffffffffffffffffffffffffffn);
  });
});

describe("isFieldElement / assertField", () => {
  for (const x of [0n, 1n, MAX_UINT128, 1n << 128n, r - 1n]) {
    it(`accepts ${x}`, () => {
      assert.equal(isFieldElement(x), true);
      assert.equal(assertField("x", x), x);
    });
  }
  for (const x of [r, r + 1n, 2n * r, -1n, -r, 1n << 256n]) {
    it(`rejects ${x}`, () => {
      assert.equal(isFieldElement(x), false);
      assert.throws(() => assertField("root", x), RangeCheckError);
    });
  }

  it("names the value and the rule in the error", () => {
    assert.throws(
      () => assertField("newRoot", r),
      (e: unknown) => {
        assert.ok(e instanceof RangeCheckError);
        assert.equal(e.what, "newRoot");
        assert.equal(e.value, r);
        assert.match(e.message, /newRoot = 2188\d+ is out of range: it must be 0 <= x < r/);
        return true;
      },
    );
  });
});

describe("assertBits and the uint helpers", () => {
  const cases: [string, (what: string, x: bigint) => bigint, number][] = [
    ["uint32", assertUint32, 32],
    ["uint64", assertUint64, 64],
    ["uint128", assertUint128, 128],
  ];
  for (const [name, check, bits] of cases) {
    const max = (1n << BigInt(bits)) - 1n;
    it(`${name}: accepts 0 and 2^${bits} - 1`, () => {
      assert.equal(check("v", 0n), 0n);
      assert.equal(check("v", max), max);
    });
    it(`${name}: rejects 2^${bits}, -1 and r`, () => {
      for (const bad of [max + 1n, -1n, r]) {
        assert.throws(
          () => check("amount", bad),
          new RegExp(`amount = ${bad} is out of range: it must be 0 <= x < 2\\^${bits}`),
        );
      }
    });
  }

  it("checks the 128-bit boundary exactly", () => {
    assert.equal(assertBits("b", (1n << 128n) - 1n, 128), 340282366920938463463374607431768211455n);
    assert.throws(() => assertBits("b", 340282366920938463463374607431768211456n, 128), RangeCheckError);
  });
});

describe("addresses", () => {
  it("parses any case and round-trips to lower case", () => {
    const a = "0xAbCdEf0123456789aBcDeF0123456789ABCDEF01";
    assert.equal(addressToBigInt(a), 0xabcdef0123456789abcdef0123456789abcdef01n);
    assert.equal(bigIntToAddress(addressToBigInt(a)), a.toLowerCase());
  });

  it("handles the zero address and the max address", () => {
    assert.equal(addressToBigInt("0x0000000000000000000000000000000000000000"), 0n);
    assert.equal(bigIntToAddress(0n), "0x0000000000000000000000000000000000000000");
    assert.equal(addressToBigInt("0xffffffffffffffffffffffffffffffffffffffff"), MAX_UINT160);
    assert.equal(bigIntToAddress(MAX_UINT160), "0xffffffffffffffffffffffffffffffffffffffff");
  });

  it("rejects malformed addresses", () => {
    for (const bad of [
      "",
      "0x",
      "0x123",
      `0x${"0".repeat(39)}`,
      `0x${"0".repeat(41)}`,
      `${"0".repeat(42)}`,
      `0x${"g".repeat(40)}`,
    ]) {
      assert.throws(() => addressToBigInt(bad), /is not an address: expected 0x followed by 40 hex digits/);
    }
  });

  it("rejects numbers that are not 160-bit", () => {
    assert.throws(() => bigIntToAddress(MAX_UINT160 + 1n), RangeCheckError);
    assert.throws(() => bigIntToAddress(-1n), RangeCheckError);
  });
});
