/**
 * The circuit's hashing and encoding templates against test/vectors (written by the protocol core's
 * generator, also checked by Forge and node:test), and the batch vectors through the batch circuit.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { addressToBigInt } from "../../offchain/lib/field.js";
import { BridgeState } from "../../offchain/lib/state.js";
import { opFromJson } from "../../offchain/lib/vectors/schema.js";
import { buildBatch } from "../../offchain/lib/witness.js";
import { batchCircuit, harnessCircuit, type LoadedCircuit, publicOf, readBatchVectors, rejection } from "./helpers.js";
import { type RawSlot, rawBatchInput } from "./raw.js";

const vectors = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`../../test/vectors/${name}.json`, import.meta.url), "utf8"));

const HARNESS = `pragma circom 2.2.3;

// Test harness: the batch circuit's hashing and encoding templates, one instance each.
include "circuits/lib/encoding.circom";
include "circuits/lib/merkle.circom";

template Harness() {
    signal input p2[2];
    signal input p3[3];
    signal input p4[4];
    signal input kind;
    signal input tokenId;
    signal input account;
    signal input leaf4;
    signal input siblings4[6];
    signal input slot4;
    signal input leaf16;
    signal input siblings16[24];
    signal input slot16;
    signal output h2;
    signal output h3;
    signal output h4;
    signal output level4[4];
    signal output packed;
    signal output root4;
    signal output root16;

    h2 <== Poseidon(2)(p2);
    h3 <== LeafHash()(p3[0], p3[1], p3[2]);
    h4 <== OpChainStep()(p4[0], p4[1], p4[2], p4[3]);
    // A 4-ary Merkle level with p4[k] as the node at position k and the other three as its siblings:
    // Poseidon(p4) at every position.
    for (var k = 0; k < 4; k++) {
        var others[3];
        var n = 0;
        for (var c = 0; c < 4; c++) {
            if (c != k) {
                others[n] = c;
                n++;
            }
        }
        level4[k] <== MerkleLevel4()(p4[k], [p4[others[0]], p4[others[1]], p4[others[2]]], k % 2, k >> 1);
    }
    packed <== PackHead()(kind, tokenId, account);
    root4 <== MerkleRoot4(4)(leaf4, siblings4, Num2Bits(4)(slot4));
    root16 <== MerkleRoot4(16)(leaf16, siblings16, Num2Bits(16)(slot16));
}

component main = Harness();
`;

type Input = Record<string, unknown>;

function blankInput(): Input {
  return {
    p2: ["0", "0"],
    p3: ["0", "0", "0"],
    p4: ["0", "0", "0", "0"],
    kind: "0",
    tokenId: "0",
    account: "0",
    leaf4: "0",
    siblings4: Array(6).fill("0"),
    slot4: "0",
    leaf16: "0",
    siblings16: Array(24).fill("0"),
    slot16: "0",
  };
}

async function outputs(h: LoadedCircuit, input: Input): Promise<Record<string, bigint>> {
  const w = await h.witness(input);
  const out: Record<string, bigint> = {};
  for (const k of ["h2", "h3", "h4", "packed", "root4", "root16"]) out[k] = w[h.wireOf(`main.${k}`)] as bigint;
  for (let k = 0; k < 4; k++) out[`level4_${k}`] = w[h.wireOf(`main.level4[${k}]`)] as bigint;
  return out;
}

let harness: Promise<LoadedCircuit> | undefined;
const getHarness = () => {
  harness ??= harnessCircuit("encoding", HARNESS);
  return harness;
};

describe("hash and encoding templates against test/vectors", () => {
  test("poseidon.json: Poseidon(2), Poseidon(3) leaf, Poseidon(4) op-chain step and 4-ary Merkle level (every position)", async () => {
    const h = await getHarness();
    const cases = vectors("poseidon").cases as { inputs: string[]; output: string }[];
    const byArity = new Map<number, number>();
    for (const c of cases) {
      const input = blankInput();
      const n = c.inputs.length;
      byArity.set(n, (byArity.get(n) ?? 0) + 1);
      input[`p${n}`] = c.inputs;
      const out = await outputs(h, input);
      const key = n === 2 ? "h2" : n === 3 ? "h3" : "h4";
      assert.equal(out[key], BigInt(c.output), `Poseidon(${c.inputs.join(", ")})`);
      if (n === 4) {
        for (let k = 0; k < 4; k++) assert.equal(out[`level4_${k}`], BigInt(c.output), `position ${k}`);
      }
    }
    assert.ok((byArity.get(2) ?? 0) > 0 && (byArity.get(3) ?? 0) > 0 && (byArity.get(4) ?? 0) > 0);
  });

  test("packing.json: kind + tokenId << 3 + account << 35 (kinds 0..4)", async () => {
    const h = await getHarness();
    const cases = vectors("packing").cases as {
      kind: number;
      tokenId: string;
      account: `0x${string}`;
      packed: string;
    }[];
    assert.ok(cases.some((c) => c.kind === 4));
    for (const c of cases) {
      const input = {
        ...blankInput(),
        kind: String(c.kind),
        tokenId: c.tokenId,
        account: addressToBigInt(c.account).toString(),
      };
      assert.equal((await outputs(h, input)).packed, BigInt(c.packed));
    }
  });

  test("oplog.json: the Poseidon op chain, op by op", async () => {
    const h = await getHarness();
    const v = vectors("oplog") as {
      initialOpChain: string;
      ops: {
        kind: number;
        tokenId: string;
        from: `0x${string}`;
        to: `0x${string}`;
        amount: string;
        packedHead: string;
        opChain: string;
      }[];
    };
    let chain = BigInt(v.initialOpChain);
    for (const op of v.ops) {
      const packed = (
        await outputs(h, {
          ...blankInput(),
          kind: String(op.kind),
          tokenId: op.tokenId,
          account: addressToBigInt(op.from).toString(),
        })
      ).packed as bigint;
      assert.equal(packed, BigInt(op.packedHead));
      const p4 = [chain, packed, addressToBigInt(op.to), BigInt(op.amount)].map(String);
      chain = (await outputs(h, { ...blankInput(), p4 })).h4 as bigint;
      assert.equal(chain, BigInt(op.opChain));
    }
  });

  test("tree.json: leaves, every path to its root, empty roots", async () => {
    const h = await getHarness();
    const v = vectors("tree") as {
      emptyRoots: { depth: number; root: string }[];
      trees: {
        depth: number;
        root: string;
        paths: { slot: number; owner?: string; tokenId?: string; balance?: string; leaf: string; siblings: string[] }[];
      }[];
    };
    let checked = 0;
    for (const t of v.trees) {
      if (t.depth !== 4 && t.depth !== 16) continue;
      for (const p of t.paths) {
        const input = blankInput();
        if (p.owner !== undefined && p.tokenId !== undefined && p.balance !== undefined) {
          input.p3 = [addressToBigInt(p.owner as `0x${string}`).toString(), p.tokenId, p.balance];
        }
        input[`leaf${t.depth}`] = p.leaf;
        input[`siblings${t.depth}`] = p.siblings;
        input[`slot${t.depth}`] = String(p.slot);
        const out = await outputs(h, input);
        assert.equal(out[`root${t.depth}`], BigInt(t.root), `depth ${t.depth} slot ${p.slot}`);
        if (p.owner !== undefined && p.leaf !== "0") assert.equal(out.h3, BigInt(p.leaf), `leaf of slot ${p.slot}`);
        checked++;
      }
    }
    assert.ok(checked > 0, "tree.json has depth-4 or depth-16 paths");
    // Empty roots: the zero leaf with the zero-subtree siblings (zeros[l] = emptyRoot(2l), 3 per level).
    const zeros = [0n, ...v.emptyRoots.sort((a, b) => a.depth - b.depth).map((e) => BigInt(e.root))];
    const siblings16 = zeros.slice(0, 8).flatMap((z) => [z, z, z].map(String));
    const input = { ...blankInput(), siblings16, slot16: "40000" };
    assert.equal((await outputs(h, input)).root16, zeros[8]);
  });
});

/** The refused ops go through the dev circuit's K (one op per batch: any K >= 1 would do). */
const REFUSED_PUBLIC_SLOTS = 2;

describe("batch.json through the batch circuit", () => {
  test("every batch of every sequence: the circuit accepts it and exposes exactly the vector's public inputs", async () => {
    const v = readBatchVectors();
    for (const seq of v.sequences) {
      const c = await batchCircuit(seq.depth, seq.batchSize, seq.publicSlots);
      const s = new BridgeState(seq.depth);
      for (const b of seq.batches) {
        const ops = b.ops.map(opFromJson);
        const w = buildBatch(s, ops, seq.batchSize, seq.publicSlots);
        const pub = publicOf(c, await c.witness(w.input));
        assert.deepEqual(pub.map(String), b.publicInputs, b.note);
      }
    }
  });

  test("refused: every op of the vectors is unsatisfiable, given as a cheating prover would (paths of the real tree)", async () => {
    const v = readBatchVectors();
    // The template that enforces each rule (a kind past 3 bits fails Num2Bits before KindDecode).
    const where: Record<string, string[]> = {
      kind: ["KindDecode", "Num2Bits"],
      toZero: ["OpSlot"],
      forcedTo: ["OpSlot"],
      balance: ["Num2Bits", "LeafUpdate"],
      zeroAmount: ["OpSlot"],
    };
    assert.ok(v.refused.length >= 10);
    for (const c of v.refused) {
      const circuit = await batchCircuit(c.depth, c.batchSize, REFUSED_PUBLIC_SLOTS);
      const s = new BridgeState(c.depth);
      s.applyAll(c.setup.map(opFromJson));
      const [kind, tokenId] = [BigInt(c.op.kind), Number(c.op.tokenId)];
      const [from, to, amount] = [addressToBigInt(c.op.from), addressToBigInt(c.op.to), BigInt(c.op.amount)];
      const srcSlot = s.slotOf(from, tokenId);
      const dstSlot = s.slotOf(to, tokenId);
      const slot: RawSlot = {
        kind,
        tokenId: BigInt(tokenId),
        from,
        to,
        amount,
        // A pair without a leaf: the cheater points at the next empty slot and claims the amount.
        srcSlot: BigInt(srcSlot ?? s.slotCount),
        srcBalance: srcSlot === undefined ? amount : s.balanceOf(from, tokenId),
        dstSlot: BigInt(dstSlot ?? s.slotCount),
        dstBalance: s.balanceOf(to, tokenId),
        dstEmpty: dstSlot === undefined ? 1n : 0n,
      };
      const input = rawBatchInput(s.tree.clone(), s.opChain, [slot], c.batchSize, REFUSED_PUBLIC_SLOTS).input;
      const got = await rejection(circuit, input);
      assert.notEqual(got, null, `${c.note}: the circuit accepted it`);
      assert.ok(where[c.rule]?.includes(got as string), `${c.note}: rejected in ${got}, expected ${where[c.rule]}`);
    }
  });
});
