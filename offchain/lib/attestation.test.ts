import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type Address, concat, encodeAbiParameters, type Hex, keccak256, toHex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import {
  attestationDigest,
  attestationStructHash,
  type BridgeContracts,
  batchAttestation,
  checkSignature,
  depositAttestation,
  domainSeparatorOf,
  exodusAttestation,
  packSignatures,
  SECP256K1_N,
  signatureFormError,
  signDigest,
} from "./attestation.js";

// Public anvil dev keys (test only).
const KEYS = [
  "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
  "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
  "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
] as const;
const SIGNERS = KEYS.map((k) => privateKeyToAccount(k).address);

const C: BridgeContracts = {
  l1ChainId: 31337,
  assetStorage: "0x5fbdb2315678afecb367f032d93f642f64180aa3",
  l2ChainId: 31338,
  assetReceiving: "0xe7f1725e7734ce288f8367e1bb143e90bb3f0512",
};
const CLAIM = {
  batchNumber: 3n,
  newOpChain: 12345678901234567890n,
  l2OpCount: 9n,
  l2OpHead: `0x${"ab".repeat(32)}` as Hex,
};
const RECORD = {
  recipient: "0x00000000000000000000000000000000000a11ce" as Address,
  tokenId: 2,
  amount: 10n ** 18n,
  depositor: "0x0000000000000000000000000000000000000b0b" as Address,
  timestamp: 1_700_000_000n,
};

const k = (s: string) => keccak256(toHex(s));
const word = (types: string[], values: unknown[]) =>
  keccak256(
    encodeAbiParameters(
      types.map((type) => ({ type })),
      values,
    ),
  );

/** The EIP-712 steps written out by hand from docs/protocol.md section 14.2 (independent of viem's typed data). */
function manualDomain(name: string, chainId: number, contract: Address): Hex {
  const typeHash = k("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");
  return word(
    ["bytes32", "bytes32", "bytes32", "uint256", "address"],
    [typeHash, k(name), k("1"), BigInt(chainId), contract],
  );
}
const digestOf = (domain: Hex, struct: Hex) => keccak256(concat(["0x1901", domain, struct]));

/** The signature with s' = n - s and v flipped: the same signer, but high-s. */
function highS(signature: Hex): Hex {
  const s = BigInt(`0x${signature.slice(66, 130)}`);
  const v = Number.parseInt(signature.slice(130), 16);
  return `0x${signature.slice(2, 66)}${(SECP256K1_N - s).toString(16).padStart(64, "0")}${(v === 27 ? 28 : 27).toString(16)}`;
}

describe("attestation digests follow EIP-712 and section 14.2", () => {
  it("BatchAttestation: domain AssetStorage on L1, struct hash of the six fields", () => {
    const a = batchAttestation(C, CLAIM);
    const domain = manualDomain("AssetStorage", 31337, C.assetStorage);
    const struct = word(
      ["bytes32", "uint256", "address", "uint64", "uint256", "uint64", "bytes32"],
      [
        k(
          "BatchAttestation(uint256 l2ChainId,address l2Ledger,uint64 batchNumber,uint256 newOpChain,uint64 l2OpCount,bytes32 l2OpHead)",
        ),
        31338n,
        C.assetReceiving,
        CLAIM.batchNumber,
        CLAIM.newOpChain,
        CLAIM.l2OpCount,
        CLAIM.l2OpHead,
      ],
    );
    assert.equal(domainSeparatorOf(a.domain), domain);
    assert.equal(attestationStructHash(a), struct);
    assert.equal(attestationDigest(a), digestOf(domain, struct));
  });

  it("DepositAttestation: domain AssetReceiving on L2, the full record", () => {
    const a = depositAttestation(C, 7n, RECORD);
    const domain = manualDomain("AssetReceiving", 31338, C.assetReceiving);
    const struct = word(
      ["bytes32", "uint256", "address", "uint64", "address", "uint32", "uint128", "address", "uint64"],
      [
        k(
          "DepositAttestation(uint256 l1ChainId,address l1Storage,uint64 depositId,address recipient,uint32 tokenId,uint128 amount,address depositor,uint64 timestamp)",
        ),
        31337n,
        C.assetStorage,
        7n,
        RECORD.recipient,
        RECORD.tokenId,
        RECORD.amount,
        RECORD.depositor,
        RECORD.timestamp,
      ],
    );
    assert.equal(attestationDigest(a), digestOf(domain, struct));
  });

  it("ExodusAttestation: domain AssetReceiving, names the L1 storage", () => {
    const a = exodusAttestation(C);
    const domain = manualDomain("AssetReceiving", 31338, C.assetReceiving);
    const struct = word(
      ["bytes32", "uint256", "address"],
      [k("ExodusAttestation(uint256 l1ChainId,address l1Storage)"), 31337n, C.assetStorage],
    );
    assert.equal(attestationDigest(a), digestOf(domain, struct));
  });

  it("refuses out-of-range fields", () => {
    assert.throws(() => batchAttestation(C, { ...CLAIM, l2OpCount: 1n << 64n }), /l2OpCount/);
    assert.throws(() => batchAttestation(C, { ...CLAIM, l2OpHead: "0x12" }), /l2OpHead/);
    assert.throws(() => depositAttestation(C, 0n, { ...RECORD, amount: 1n << 128n }), /amount/);
  });
});

describe("checkSignature", () => {
  const a = batchAttestation(C, CLAIM);
  const digest = attestationDigest(a);

  it("accepts a signature of the digest by the expected signer (and viem's signTypedData agrees)", async () => {
    const signature = await signDigest(digest, KEYS[0]);
    assert.deepEqual(await checkSignature(digest, signature, SIGNERS[0]!), { ok: true, signer: SIGNERS[0] });
    const viaViem = await privateKeyToAccount(KEYS[0]).signTypedData({
      domain: a.domain,
      types: {
        BatchAttestation: [
          { name: "l2ChainId", type: "uint256" },
          { name: "l2Ledger", type: "address" },
          { name: "batchNumber", type: "uint64" },
          { name: "newOpChain", type: "uint256" },
          { name: "l2OpCount", type: "uint64" },
          { name: "l2OpHead", type: "bytes32" },
        ],
      },
      primaryType: "BatchAttestation",
      message: a.message,
    });
    assert.equal(viaViem, signature);
  });

  it("rejects a high-s signature of the right signer", async () => {
    const high = highS(await signDigest(digest, KEYS[0]));
    const check = await checkSignature(digest, high, SIGNERS[0]!);
    assert.equal(check.ok, false);
    assert.match(check.ok ? "" : check.reason, /high-s/);
  });

  it("rejects a wrong v and a wrong length", async () => {
    const signature = await signDigest(digest, KEYS[0]);
    for (const v of ["00", "01", "1d"]) {
      const check = await checkSignature(digest, `0x${signature.slice(2, 130)}${v}`, SIGNERS[0]!);
      assert.match(check.ok ? "" : check.reason, /v is \d+, must be 27 or 28/);
    }
    assert.match(signatureFormError(`0x${signature.slice(2, 128)}`) ?? "", /130 hex digits/);
  });

  it("rejects a signature of another signer", async () => {
    const check = await checkSignature(digest, await signDigest(digest, KEYS[1]), SIGNERS[0]!);
    assert.match(check.ok ? "" : check.reason, /recovers to .*other digest/);
  });

  it("rejects signatures over another chain id, contract or batch number", async () => {
    const others = [
      batchAttestation({ ...C, l1ChainId: 1 }, CLAIM),
      batchAttestation({ ...C, assetStorage: C.assetReceiving }, CLAIM),
      batchAttestation({ ...C, l2ChainId: 1 }, CLAIM),
      batchAttestation(C, { ...CLAIM, batchNumber: 4n }),
    ];
    for (const other of others) {
      const signature = await signDigest(attestationDigest(other), KEYS[0]);
      const check = await checkSignature(digest, signature, SIGNERS[0]!);
      assert.equal(check.ok, false, JSON.stringify(other.domain));
    }
  });
});

describe("packSignatures", () => {
  it("sorts by signer as a number and concatenates 65-byte r ‖ s ‖ v", async () => {
    const digest = attestationDigest(exodusAttestation(C));
    const sigs = await Promise.all(
      KEYS.map(async (key, i) => ({ signer: SIGNERS[i]!, signature: await signDigest(digest, key) })),
    );
    const packed = packSignatures(sigs);
    assert.equal(packed.length, 2 + 130 * 3);
    const order = [...sigs].sort((x, y) => (BigInt(x.signer) < BigInt(y.signer) ? -1 : 1));
    assert.notDeepEqual(order, sigs, "the fixture is not already sorted");
    order.forEach((s, i) => {
      assert.equal(`0x${packed.slice(2 + 130 * i, 2 + 130 * (i + 1))}`, s.signature.toLowerCase());
    });
    assert.equal(packSignatures([]), "0x");
  });

  it("refuses a duplicate signer and a malformed signature", async () => {
    const digest = attestationDigest(exodusAttestation(C));
    const s = { signer: SIGNERS[0]!, signature: await signDigest(digest, KEYS[0]) };
    assert.throws(() => packSignatures([s, s]), /twice/);
    assert.throws(() => packSignatures([{ ...s, signature: highS(s.signature) }]), /high-s/);
  });
});
