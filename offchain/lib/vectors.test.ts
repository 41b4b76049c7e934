/**
 * Checks test/vectors/*.json (the vectors the Forge and circuit suites also check) against the
 * TypeScript protocol core, and that the files are exactly what the generator writes.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { poseidon2, poseidon3, poseidon4 } from "poseidon-lite";
import { type Address, getAddress, type Hex, hashTypedData, keccak256, toHex } from "viem";
import type { z } from "zod";
import {
  type Attestation,
  attestationDigest,
  attestationStructHash,
  batchAttestation,
  checkSignature,
  depositAttestation,
  domainSeparatorOf,
  exodusAttestation,
  signDigest,
  withdrawalRequestAttestation,
  withdrawalRequestAttestationTypes,
} from "./attestation.js";
import { addressToBigInt, FIELD_MODULUS, MAX_UINT32, MAX_UINT128, MAX_UINT160 } from "./field.js";
import {
  batchPublicInputs,
  checkOp,
  decodeOps,
  depositHash,
  encodeOps,
  leafHash,
  nextOpChain,
  nextOpLogHead,
  OP_RECORD_BYTES,
  type Op,
  opChainOf,
  opHead,
  packHead,
  withdrawalRequestHash,
  ZERO_HEAD,
} from "./protocol.js";
import { BridgeState, StateError } from "./state.js";
import { emptyRoot, rootFromPath, StateTree } from "./tree.js";
import { buildVectorFiles } from "./vectors/build.js";
import {
  type AttestationCase,
  AttestationsFile,
  BatchFile,
  DepositsFile,
  OpDataFile,
  OplogFile,
  opFromJson,
  PackingFile,
  PoseidonFile,
  TreeFile,
  VECTOR_FILES,
  type VectorFileName,
} from "./vectors/schema.js";

const DIR = new URL("../../test/vectors/", import.meta.url);
const r = FIELD_MODULUS;

function load<S extends z.ZodType>(name: VectorFileName, schema: S): z.infer<S> {
  const text = readFileSync(new URL(name, DIR), "utf8");
  const parsed = schema.safeParse(JSON.parse(text));
  if (!parsed.success) assert.fail(`test/vectors/${name} is malformed: ${parsed.error.message}`);
  return parsed.data;
}

describe("test/vectors is what the generator writes", () => {
  it("has exactly the generator's files, byte for byte, and the generator is deterministic", async () => {
    const first = await buildVectorFiles();
    const second = await buildVectorFiles();
    assert.deepEqual([...first.keys()].sort(), Object.keys(VECTOR_FILES).sort());
    for (const [name, text] of first) {
      assert.equal(second.get(name), text, `${name}: two runs differ`);
      assert.equal(readFileSync(new URL(name, DIR), "utf8"), text, `test/vectors/${name} is stale: run make vectors`);
    }
  });
});

describe("poseidon.json", () => {
  const v = load("poseidon.json", PoseidonFile);

  it("has r as the field modulus", () => {
    assert.equal(BigInt(v.fieldModulus), r);
  });

  it("matches poseidon-lite for every case, with 0 and r - 1 inputs for each arity", () => {
    const hash = [undefined, undefined, poseidon2, poseidon3, poseidon4];
    const seen = new Set<string>();
    for (const [i, c] of v.cases.entries()) {
      const x = c.inputs.map(BigInt);
      const f = hash[x.length];
      assert.ok(f, `case ${i}: ${x.length} inputs`);
      assert.equal(f(x), BigInt(c.output), `case ${i}`);
      for (const e of x) assert.ok(e < r, `case ${i}: input below r`);
      if (x.every((e) => e === 0n)) seen.add(`${x.length}:zero`);
      if (x.some((e) => e === r - 1n)) seen.add(`${x.length}:max`);
    }
    for (const n of [2, 3, 4]) {
      assert.ok(seen.has(`${n}:zero`), `Poseidon(${n}) of zeros`);
      assert.ok(seen.has(`${n}:max`), `Poseidon(${n}) with r - 1`);
    }
  });

  it("contains the known answer poseidon2(1, 2) of docs/protocol.md", () => {
    const c = v.cases.find((x) => x.inputs.join() === "1,2");
    assert.equal(c?.output, "7853200120776062878684798364095072458815029376092732009249414926327459813530");
  });
});

describe("packing.json", () => {
  const v = load("packing.json", PackingFile);

  it("matches packHead for every case", () => {
    for (const [i, c] of v.cases.entries()) {
      assert.equal(packHead(c.kind, BigInt(c.tokenId), addressToBigInt(c.account)), BigInt(c.packed), `case ${i}`);
    }
  });

  it("covers kinds 0..4 with tokenId 0 and 2^32 - 1 and account 0 and 2^160 - 1", () => {
    const keys = new Set(v.cases.map((c) => `${c.kind}:${c.tokenId}:${addressToBigInt(c.account)}`));
    for (let kind = 0; kind <= 4; kind++) {
      for (const t of [0n, MAX_UINT32]) for (const a of [0n, MAX_UINT160]) assert.ok(keys.has(`${kind}:${t}:${a}`));
    }
  });

  it("packs with a 3-bit kind: the fields are disjoint and the largest value is below 2^195", () => {
    for (const c of v.cases) {
      const packed = BigInt(c.packed);
      assert.equal(packed & 7n, BigInt(c.kind));
      assert.equal((packed >> 3n) & MAX_UINT32, BigInt(c.tokenId));
      assert.equal(packed >> 35n, addressToBigInt(c.account));
      assert.ok(packed < 1n << 195n);
    }
  });
});

describe("oplog.json", () => {
  const v = load("oplog.json", OplogFile);

  it("matches the keccak log head, the packed head and the Poseidon op chain after each op", () => {
    assert.equal(v.initialLogHead, ZERO_HEAD);
    assert.equal(v.initialOpChain, "0");
    let head = ZERO_HEAD;
    let chain = 0n;
    for (const [i, o] of v.ops.entries()) {
      const op = opFromJson(o);
      assert.equal(o.index, i);
      head = nextOpLogHead(head, op);
      chain = nextOpChain(chain, op);
      assert.equal(o.logHead, head, `op ${i} log head`);
      assert.equal(BigInt(o.packedHead), opHead(op), `op ${i} packed head`);
      assert.equal(BigInt(o.opChain), chain, `op ${i} op chain`);
    }
    assert.equal(opChainOf(v.ops.map(opFromJson)), chain);
  });

  it("is a valid history: it replays from the empty state", () => {
    const state = new BridgeState(16);
    state.applyAll(v.ops.map(opFromJson));
    assert.equal(state.opChain, BigInt(v.ops.at(-1)?.opChain ?? ""));
  });

  it("covers every kind, a self-transfer, forced withdrawals of 0 and of a whole balance, amounts 1 and 2^128 - 1, token 2^32 - 1", () => {
    const ops = v.ops.map(opFromJson);
    assert.ok(ops.some((o) => o.kind === 4 && o.amount === 0n));
    assert.ok(ops.some((o) => o.kind === 4 && o.amount > 0n));
    for (const kind of [1, 2, 3, 4])
      assert.ok(
        ops.some((o) => o.kind === kind),
        `kind ${kind}`,
      );
    assert.ok(
      ops.some((o) => o.kind === 2 && o.from === o.to),
      "self-transfer",
    );
    assert.ok(ops.some((o) => o.amount === 1n));
    assert.ok(ops.some((o) => o.amount === MAX_UINT128));
    assert.ok(ops.some((o) => BigInt(o.tokenId) === MAX_UINT32));
  });
});

describe("deposits.json", () => {
  const v = load("deposits.json", DepositsFile);

  it("matches depositHash for every deposit record", () => {
    assert.ok(v.records.length >= 4);
    for (const [i, rec] of v.records.entries()) {
      const record = {
        recipient: rec.recipient as `0x${string}`,
        tokenId: Number(rec.tokenId),
        amount: BigInt(rec.amount),
        depositor: rec.depositor as `0x${string}`,
        timestamp: BigInt(rec.timestamp),
      };
      assert.equal(depositHash(record), rec.hash, `record ${i} hash`);
    }
  });

  it("matches withdrawalRequestHash for every forced withdrawal request, edges included", () => {
    assert.ok(v.requests.length >= 3);
    for (const [i, req] of v.requests.entries()) {
      const record = {
        owner: req.owner as `0x${string}`,
        tokenId: Number(req.tokenId),
        timestamp: BigInt(req.timestamp),
      };
      assert.equal(withdrawalRequestHash(record), req.hash, `request ${i} hash`);
    }
    assert.ok(v.requests.some((q) => q.timestamp === "18446744073709551615" && BigInt(q.tokenId) === MAX_UINT32));
  });

  it("gives every record its own hash: no deposit hash equals a request hash", () => {
    const hashes = [...v.records.map((x) => x.hash), ...v.requests.map((x) => x.hash)];
    assert.equal(new Set(hashes).size, hashes.length);
  });
});

describe("tree.json", () => {
  const v = load("tree.json", TreeFile);

  it("has the empty roots of depths 1..32", () => {
    assert.deepEqual(
      v.emptyRoots.map((e) => e.depth),
      Array.from({ length: 16 }, (_, i) => 2 * (i + 1)),
    );
    for (const e of v.emptyRoots) assert.equal(BigInt(e.root), emptyRoot(e.depth), `depth ${e.depth}`);
  });

  it("rebuilds every tree from its leaves and every path to the root", () => {
    assert.deepEqual(
      v.trees.map((t) => t.depth),
      [4, 16],
    );
    for (const t of v.trees) {
      const tree = new StateTree(t.depth);
      for (const l of t.leaves) {
        const leaf = leafHash(addressToBigInt(l.owner), BigInt(l.tokenId), BigInt(l.balance));
        assert.equal(BigInt(l.leaf), leaf, `depth ${t.depth} slot ${l.slot} leaf`);
        tree.set(l.slot, leaf);
      }
      assert.equal(BigInt(t.root), tree.root, `depth ${t.depth} root`);
      const slots = t.paths.map((p) => p.slot);
      assert.ok(slots.includes(0) && slots.includes(2 ** t.depth - 1), "paths of slot 0 and of the last slot");
      assert.ok(
        t.paths.some((p) => !p.occupied),
        "a path of an unoccupied slot",
      );
      for (const p of t.paths) {
        const expected = tree.path(p.slot);
        assert.equal(BigInt(p.leaf), expected.leaf, `depth ${t.depth} slot ${p.slot} leaf`);
        assert.equal(p.occupied, expected.leaf !== 0n);
        if (p.occupied) {
          assert.equal(leafHash(addressToBigInt(p.owner), BigInt(p.tokenId), BigInt(p.balance)), expected.leaf);
        }
        assert.deepEqual(p.siblings.map(BigInt), expected.siblings, `depth ${t.depth} slot ${p.slot} siblings`);
        assert.equal(rootFromPath(BigInt(p.leaf), p.siblings.map(BigInt), BigInt(p.slot)), tree.root);
      }
    }
  });
});

describe("batch.json", () => {
  const v = load("batch.json", BatchFile);

  /** An independent replay of the slot and balance rules of docs/protocol.md sections 4 and 8. */
  function replay(depth: number) {
    const slots: { key: string; owner: bigint; tokenId: bigint; balance: bigint }[] = [];
    const slotOf = (owner: bigint, tokenId: bigint): number => {
      const key = `${owner}:${tokenId}`;
      let i = slots.findIndex((s) => s.key === key);
      if (i < 0) i = slots.push({ key, owner, tokenId, balance: 0n }) - 1;
      return i;
    };
    return {
      apply(op: Op): { srcSlot: number | null; dstSlot: number | null } {
        const t = BigInt(op.tokenId);
        let srcSlot: number | null = null;
        let dstSlot: number | null = null;
        const zeroForced = op.kind === 4 && op.amount === 0n;
        if (op.kind !== 1 && !zeroForced) {
          const known = slots.some((s) => s.key === `${BigInt(op.from)}:${t}`);
          assert.ok(known || op.kind === 2 || op.kind === 3, "a forced withdrawal debits an existing leaf");
          srcSlot = slotOf(BigInt(op.from), t);
          const s = slots[srcSlot]!;
          assert.ok(s.balance >= op.amount, "no underflow");
          s.balance -= op.amount;
        }
        if (op.kind === 1 || op.kind === 2) {
          dstSlot = slotOf(BigInt(op.to), t);
          const d = slots[dstSlot]!;
          d.balance += op.amount;
          assert.ok(d.balance <= MAX_UINT128, "no overflow");
        }
        return { srcSlot, dstSlot };
      },
      state: () => slots.map((s) => ({ owner: s.owner, tokenId: s.tokenId, balance: s.balance })),
      root: () =>
        new StateTree(
          depth,
          slots.map((s) => leafHash(s.owner, s.tokenId, s.balance)),
        ).root,
    };
  }

  it("has sequences (N, K) = (4, 4), (2, 2), (4, 4) (forced withdrawals) and (4, 2) (routing) at depth 16", () => {
    assert.deepEqual(
      v.sequences.map((s) => [s.depth, s.batchSize, s.publicSlots]),
      [
        [16, 4, 4],
        [16, 2, 2],
        [16, 4, 4],
        [16, 4, 2],
      ],
    );
  });

  for (const seq of v.sequences) {
    it(`N = ${seq.batchSize}, K = ${seq.publicSlots}: roots, op chains, slots, state and public inputs follow from the ops`, () => {
      assert.equal(BigInt(seq.genesisRoot), emptyRoot(seq.depth));
      const model = replay(seq.depth);
      let root = emptyRoot(seq.depth);
      let chain = 0n;
      for (const [b, batch] of seq.batches.entries()) {
        const where = `N=${seq.batchSize} K=${seq.publicSlots} batch ${b}`;
        const ops = batch.ops.map(opFromJson);
        assert.ok(ops.length <= seq.batchSize, `${where}: at most N ops`);
        assert.equal(BigInt(batch.oldRoot), root, `${where}: oldRoot`);
        assert.equal(BigInt(batch.oldOpChain), chain, `${where}: oldOpChain`);
        for (const [i, op] of ops.entries()) {
          const touched = model.apply(op);
          assert.deepEqual(
            { srcSlot: batch.ops[i]!.srcSlot, dstSlot: batch.ops[i]!.dstSlot },
            touched,
            `${where} op ${i} slots`,
          );
        }
        root = model.root();
        chain = opChainOf(ops, chain);
        assert.equal(BigInt(batch.newRoot), root, `${where}: newRoot`);
        assert.equal(BigInt(batch.newOpChain), chain, `${where}: newOpChain`);
        assert.deepEqual(
          batch.stateAfter.map((s) => ({
            owner: addressToBigInt(s.owner),
            tokenId: BigInt(s.tokenId),
            balance: BigInt(s.balance),
          })),
          model.state(),
          `${where}: stateAfter`,
        );
        for (const s of batch.stateAfter) {
          assert.equal(BigInt(s.leaf), leafHash(addressToBigInt(s.owner), BigInt(s.tokenId), BigInt(s.balance)));
        }
        const boundary = {
          oldRoot: BigInt(batch.oldRoot),
          newRoot: root,
          oldOpChain: BigInt(batch.oldOpChain),
          newOpChain: chain,
        };
        const pub = batchPublicInputs(boundary, ops, seq.batchSize, seq.publicSlots);
        assert.deepEqual(batch.publicInputs.map(BigInt), pub, where);
        assert.equal(batch.l1Slots.length, seq.publicSlots);
        const l1Visible = ops.filter((o) => o.kind !== 2);
        for (const [i, slot] of batch.l1Slots.entries()) {
          const op = l1Visible[i];
          const visible = op !== undefined;
          assert.equal(slot.kind, visible ? op.kind : 0, `${where} L1 slot ${i} kind`);
          assert.equal(addressToBigInt(slot.account), visible ? addressToBigInt(op.to) : 0n);
          assert.equal(BigInt(slot.tokenId), visible ? BigInt(op.tokenId) : 0n);
          assert.equal(BigInt(slot.amount), visible ? op.amount : 0n);
        }
      }
    });
  }

  it("covers padding, an all-no-op batch, a full batch, every kind and a self-transfer", () => {
    const batches = v.sequences.flatMap((s) => s.batches.map((b) => ({ n: s.batchSize, ops: b.ops.map(opFromJson) })));
    assert.ok(batches.some((b) => b.ops.length === b.n));
    assert.ok(batches.some((b) => b.ops.length > 0 && b.ops.length < b.n));
    assert.ok(batches.some((b) => b.ops.length === 0));
    const ops = batches.flatMap((b) => b.ops);
    for (const kind of [1, 2, 3, 4]) assert.ok(ops.some((o) => o.kind === kind));
    assert.ok(ops.some((o) => o.kind === 2 && o.from === o.to));
    assert.ok(ops.some((o) => o.kind === 4 && o.amount === 0n));
    assert.ok(ops.some((o) => o.kind === 4 && o.amount === MAX_UINT128));
    assert.ok(batches.some((b) => b.ops.length > 0 && b.ops.every((o) => o.kind === 4 && o.amount === 0n)));
  });

  it("replays through BridgeState: the same slots, roots and op chains (the extractor's and exit rebuild's model)", () => {
    for (const seq of v.sequences) {
      const state = new BridgeState(seq.depth);
      for (const batch of seq.batches) {
        const applied = state.applyAll(batch.ops.map(opFromJson));
        applied.forEach((a, i) => {
          assert.equal(a.source?.slot ?? null, batch.ops[i]!.srcSlot, `${batch.note} op ${i} source`);
          assert.equal(a.destination?.slot ?? null, batch.ops[i]!.dstSlot, `${batch.note} op ${i} destination`);
        });
        assert.equal(state.root, BigInt(batch.newRoot), batch.note);
        assert.equal(state.opChain, BigInt(batch.newOpChain), batch.note);
      }
    }
  });

  it("refused: each op is refused by checkOp or BridgeState after its setup, and by the replay model", () => {
    const rules = new Set(v.refused.map((c) => c.rule));
    assert.deepEqual([...rules].sort(), ["balance", "forcedTo", "kind", "toZero", "zeroAmount"]);
    for (const c of v.refused) {
      const state = new BridgeState(c.depth);
      state.applyAll(c.setup.map(opFromJson));
      const before = { root: state.root, chain: state.opChain, slots: state.slotCount };
      const op = { ...c.op, tokenId: Number(c.op.tokenId), amount: BigInt(c.op.amount) } as unknown as Op;
      assert.throws(() => state.apply(op), StateError, c.note);
      assert.deepEqual({ root: state.root, chain: state.opChain, slots: state.slotCount }, before, c.note);
      if (c.rule !== "balance") assert.throws(() => checkOp(op), c.note);
      else checkOp(op); // well-formed: only the owner's leaf refuses it
    }
  });
});

describe("opdata.json", () => {
  const v = load("opdata.json", OpDataFile);
  const o = load("oplog.json", OplogFile);

  it("encodes every op as its 61-byte record, the batch as their concatenation, and decodes it back", () => {
    assert.equal(v.recordBytes, OP_RECORD_BYTES);
    for (const b of v.batches) {
      const ops = b.ops.map(opFromJson);
      assert.equal(encodeOps(ops), b.data, b.note);
      assert.equal((b.data.length - 2) / 2, OP_RECORD_BYTES * ops.length, b.note);
      assert.equal(b.data, `0x${b.ops.map((x) => x.record.slice(2)).join("")}`, b.note);
      for (const [i, x] of b.ops.entries()) {
        const op = ops[i]!;
        const expected =
          `0x${op.kind.toString(16).padStart(2, "0")}${op.tokenId.toString(16).padStart(8, "0")}` +
          `${op.from.slice(2)}${op.to.slice(2)}${op.amount.toString(16).padStart(32, "0")}`;
        assert.equal(x.record, expected, `${b.note} op ${i} record layout`);
      }
      assert.deepEqual(
        decodeOps(b.data as Hex).map((x) => ({ ...x, from: x.from.toLowerCase(), to: x.to.toLowerCase() })),
        ops,
        b.note,
      );
    }
  });

  it("chains the keccak op-log head from startHead to endHead, and the oplog batches continue each other", () => {
    let prevEnd: string = ZERO_HEAD;
    for (const b of v.batches) {
      let head = b.startHead as Hex;
      for (const x of b.ops) {
        head = nextOpLogHead(head, opFromJson(x));
        assert.equal(x.head, head, b.note);
      }
      assert.equal(b.endHead, head, b.note);
      if (b.note.includes("oplog.json")) {
        assert.equal(b.startHead, prevEnd, `${b.note} starts at the previous batch's head`);
        assert.equal(b.endHead, o.ops[b.firstOpIndex + b.ops.length - 1]?.logHead, b.note);
        prevEnd = b.endHead;
      }
    }
    assert.equal(prevEnd, o.ops.at(-1)?.logHead, "the batches cover the whole op log");
  });

  it("has the invalid data that decodeOps refuses", () => {
    assert.ok(v.invalid.length >= 5);
    for (const c of v.invalid) assert.throws(() => decodeOps(c.data as Hex), c.note);
  });
});

describe("attestations.json", () => {
  const v = load("attestations.json", AttestationsFile);
  const o = load("oplog.json", OplogFile);
  const keyOf = new Map(v.signers.map((s) => [s.address, s.privateKey as Hex]));

  /** The case's attestation rebuilt from its JSON with the builders of lib/attestation.ts. */
  function attestationOf(c: AttestationCase): Attestation {
    const m = c.message;
    const on = c.domain.name === "AssetStorage";
    const contracts = {
      l1ChainId: Number(on ? c.domain.chainId : m.l1ChainId),
      assetStorage: (on ? c.domain.verifyingContract : m.l1Storage) as Address,
      l2ChainId: Number(on ? m.l2ChainId : c.domain.chainId),
      assetReceiving: (on ? m.l2Ledger : c.domain.verifyingContract) as Address,
    };
    if (c.primaryType === "BatchAttestation") {
      const claim = {
        batchNumber: BigInt(m.batchNumber ?? ""),
        newOpChain: BigInt(m.newOpChain ?? ""),
        l2OpCount: BigInt(m.l2OpCount ?? ""),
        l2OpHead: m.l2OpHead as Hex,
      };
      return batchAttestation(contracts, claim);
    }
    if (c.primaryType === "DepositAttestation") {
      const record = {
        recipient: m.recipient as Address,
        tokenId: Number(m.tokenId),
        amount: BigInt(m.amount ?? ""),
        depositor: m.depositor as Address,
        timestamp: BigInt(m.timestamp ?? ""),
      };
      return depositAttestation(contracts, BigInt(m.depositId ?? ""), record);
    }
    if (c.primaryType === "WithdrawalRequestAttestation") {
      const record = { owner: m.owner as Address, tokenId: Number(m.tokenId), timestamp: BigInt(m.timestamp ?? "") };
      return withdrawalRequestAttestation(contracts, BigInt(m.requestId ?? ""), record);
    }
    return exodusAttestation(contracts);
  }

  const cases = [...v.batch, ...v.deposit, ...v.withdrawalRequest, ...v.exodus];

  it("matches the domain separator, struct hash and digest of every case, and the domain names the right contract", () => {
    for (const c of cases) {
      const a = attestationOf(c);
      assert.equal(domainSeparatorOf(a.domain), c.domainSeparator, c.note);
      assert.equal(attestationStructHash(a), c.structHash, c.note);
      assert.equal(attestationDigest(a), c.digest, c.note);
      assert.equal(c.domain.name, c.primaryType === "BatchAttestation" ? "AssetStorage" : "AssetReceiving", c.note);
    }
  });

  it("has signatures that are RFC 6979 signatures of the digest by each signer, low s, and packed ascending", async () => {
    for (const c of cases) {
      assert.equal(c.signatures.length, v.signers.length, c.note);
      for (const s of c.signatures) {
        assert.deepEqual(
          await checkSignature(c.digest as Hex, s.signature as Hex, s.signer as Address),
          { ok: true, signer: getAddress(s.signer) },
          c.note,
        );
        assert.equal(await signDigest(c.digest as Hex, keyOf.get(s.signer) as Hex), s.signature, c.note);
      }
      const ascending = [...c.signatures].sort((x, y) => (BigInt(x.signer) < BigInt(y.signer) ? -1 : 1));
      assert.equal(c.packed, `0x${ascending.map((s) => s.signature.slice(2)).join("")}`, c.note);
    }
  });

  it("binds batches to the op log of oplog.json: count, keccak head and Poseidon op chain", () => {
    const onLog = v.batch.filter((c) => c.domain.chainId === 31337 && c.message.l2OpCount !== "0");
    assert.ok(onLog.length >= 2);
    for (const c of onLog) {
      const count = Number(c.message.l2OpCount);
      const last = o.ops[count - 1];
      assert.ok(last, c.note);
      assert.equal(c.message.l2OpHead, last.logHead, c.note);
      assert.equal(c.message.newOpChain, last.opChain, c.note);
    }
  });

  it("has the type hashes of the section 14.2 type strings", () => {
    assert.equal(
      v.typeHashes.ExodusAttestation,
      keccak256(toHex("ExodusAttestation(uint256 l1ChainId,address l1Storage)")),
    );
    assert.equal(
      v.typeHashes.WithdrawalRequestAttestation,
      keccak256(
        toHex(
          "WithdrawalRequestAttestation(uint256 l1ChainId,address l1Storage,uint64 requestId,address owner,uint32 tokenId,uint64 timestamp)",
        ),
      ),
    );
    assert.equal(new Set(cases.map((c) => c.digest)).size, cases.length, "every case has its own digest");
  });

  it("withdrawalRequest: same shape as deposit, message fields in the type's order, digest = viem's EIP-712 hash", () => {
    assert.ok(v.withdrawalRequest.length >= 2);
    const fields = withdrawalRequestAttestationTypes.WithdrawalRequestAttestation.map((f) => f.name);
    for (const c of v.withdrawalRequest) {
      assert.equal(c.primaryType, "WithdrawalRequestAttestation");
      assert.deepEqual(Object.keys(c.message), fields, c.note);
      assert.deepEqual(Object.keys(c).sort(), Object.keys(v.deposit[0]!).sort(), c.note);
      const a = attestationOf(c);
      assert.equal(
        hashTypedData({
          domain: a.domain,
          types: withdrawalRequestAttestationTypes,
          primaryType: "WithdrawalRequestAttestation",
          message: a.message as never,
        }),
        c.digest,
        c.note,
      );
    }
  });
});
