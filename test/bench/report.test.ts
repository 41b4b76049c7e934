/**
 * Unit tests of the benchmark's parsing and arithmetic (bench/*.ts): what `make bench` reports must
 * follow from what it measured, and malformed measurements must be refused rather than reported.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { toFunctionSelector } from "viem";
import { type GasSection, parseBenchLines } from "../../bench/gas.js";
import { machine, median, parseGnuTime } from "../../bench/lib.js";
import { e2eLatencies, extrapolate, type SetupSection } from "../../bench/others.js";
import {
  type Composition,
  compositionOps,
  parseRealGasSets,
  planBatches,
  type RealGasSection,
  setName,
  slotsFor,
  verifyCalldata,
} from "../../bench/realgas.js";
import { deriveRealGas, goalRows, realGasMarkdown } from "../../bench/realgas-report.js";
import {
  derive,
  headline,
  REFERENCES,
  type Report,
  rebuildSection,
  renderMarkdown,
  setupSpeedup,
  sha256Blocks,
  slope,
} from "../../bench/report.js";

describe("bench parsing", () => {
  it("parses forge BENCH lines into exec, calldata and tx gas", () => {
    const out = [
      "Logs:",
      "  BENCH depositETH exec=34527 calldata=432",
      "  BENCH submitBatch/n=4/d=0/w=0 exec=28926 calldata=4828",
      "noise",
    ].join("\n");
    const g = parseBenchLines(out);
    assert.deepEqual(g.depositETH, { exec: 34527, calldata: 432, tx: 21_000 + 432 + 34527 });
    assert.equal(g["submitBatch/n=4/d=0/w=0"]?.tx, 21_000 + 4828 + 28926);
    assert.equal(Object.keys(g).length, 2);
  });

  it("refuses malformed and repeated BENCH lines", () => {
    assert.throws(() => parseBenchLines("  BENCH depositETH exec=12x calldata=4"), /malformed bench line/);
    assert.throws(() => parseBenchLines("  BENCH depositETH exec=1"), /malformed bench line/);
    assert.throws(() => parseBenchLines("BENCH a exec=1 calldata=2\nBENCH a exec=3 calldata=4"), /reported twice/);
  });

  it("reads GNU time's CPU and peak memory, and null when absent", () => {
    const t = parseGnuTime(
      "\tUser time (seconds): 12.50\n\tSystem time (seconds): 0.75\n\tMaximum resident set size (kbytes): 524288\n",
    );
    assert.deepEqual(t, { cpuSeconds: 13.25, maxRssMiB: 512 });
    assert.deepEqual(parseGnuTime("no report"), { cpuSeconds: null, maxRssMiB: null });
  });

  it("medians: odd, even, unsorted; empty is an error", () => {
    assert.equal(median([5, 1, 3]), 3);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.throws(() => median([]), RangeError);
  });

  it("describes the machine with cores, CPU model and node version", () => {
    const m = machine();
    assert.ok(m.cores >= 1);
    assert.ok(m.cpuModel.length > 0);
    assert.equal(m.node, process.version);
  });

  it("picks the e2e latency steps by name, null when missing", () => {
    const steps = [
      { name: "the monitor credits both deposits on L2", txs: 2, gas: "1", ms: 1200, note: "" },
      { name: "the extractor, provers and sender prove every op on L1", txs: 3, gas: "2", ms: 45_000, note: "" },
    ];
    assert.deepEqual(e2eLatencies(steps), { depositToCreditMs: 1200, withdrawToClaimableMs: 45_000 });
    assert.deepEqual(e2eLatencies([]), { depositToCreditMs: null, withdrawToClaimableMs: null });
  });
});

describe("bench arithmetic", () => {
  it("slope is the least-squares slope; undefined for fewer than two distinct x", () => {
    assert.equal(
      slope([
        [8, 100],
        [16, 180],
        [24, 260],
      ]),
      10,
    );
    assert.equal(slope([[8, 100]]), null);
    assert.equal(
      slope([
        [8, 100],
        [8, 120],
      ]),
      null,
    );
  });

  it("SHA-256 block counts include the 9 padding bytes", () => {
    assert.equal(sha256Blocks(55), 1);
    assert.equal(sha256Blocks(56), 2);
    assert.equal(sha256Blocks(32 * 12), 7);
  });

  it("extrapolates constraints from the linear model and labels the row as not compiled", () => {
    const row = extrapolate({ fixed: -1, perOpBase: 2357, perOpPerLevel: 966 }, 32, 64);
    assert.equal(row.constraints, Math.round(-1 + 64 * (2357 + 966 * 32)));
    assert.equal(row.compiled, false);
    assert.equal(row.ptauPower, Math.floor(Math.log2(row.constraints + 4 + 128)) + 1);
  });

  const fig = (exec: number, calldata = 0) => ({ exec, calldata, tx: 21_000 + calldata + exec });
  const gas: GasSection = {
    command: "forge test",
    l1: {
      "verifyProof/inputs=8": fig(262_000),
      "submitBatchFixture/verifier=real/n=4": fig(350_000),
      "submitBatchFixture/verifier=accepting/n=4": fig(90_000),
      "exit/depth=8": fig(100_000),
      "exit/depth=16": fig(180_000),
      "submitBatch/n=4/d=0/w=0": fig(30_000),
      "submitBatch/n=4/d=4/w=0": fig(50_000),
      "submitBatch/n=4/d=0/w=4": fig(140_000),
      "submitBatch/n=4/d=2/w=2": fig(95_000),
      "submitBatch/n=8/d=0/w=0": fig(36_000),
      "submitBatch/n=8/d=8/w=0": fig(70_000),
      "submitBatch/n=8/d=0/w=8": fig(250_000),
    },
    snapshots: { l1: {}, l2: { transfer_newBalance: 45_435 } },
  };

  it("derives the verifier share, per-level exit cost and per-op gas from the measurements", () => {
    const d = derive({ gas });
    assert.equal(d.verifier.inSubmitBatch12, 260_000);
    assert.equal(d.verifier.overFloor, 262_000 - REFERENCES.pairingFloorGas);
    assert.equal(d.exitPerLevel, 10_000);
    const [b4, b8] = d.batchGas;
    assert.equal(b4?.batch, 4);
    assert.equal(b4?.verifierMeasured, true);
    assert.equal(b4?.verifierGas, 260_000);
    assert.equal(b4?.perOp.transfers, Math.round((51_000 + 260_000) / 4));
    assert.equal(b4?.acceptingTx.mixed, 21_000 + 95_000);
    // Batch 8 has 4 more public inputs than the measured batch 4: the estimate adds them at ecMul + ecAdd.
    assert.equal(b8?.verifierMeasured, false);
    assert.equal(b8?.verifierGas, 260_000 + 8 * REFERENCES.ecMulPlusEcAddGas);
    assert.deepEqual(d.marginalPerOp, {
      deposit: (91_000 - 57_000) / 8,
      withdrawal: (271_000 - 57_000) / 8,
      transfer: (57_000 - 51_000) / 4,
      publicInputs: 2 * REFERENCES.ecMulPlusEcAddGas,
    });
    // Without a proving measurement there is no break-even price, only the gas and constraint estimate.
    assert.equal(d.sha256?.rows[0]?.breakEvenGwei, null);
    assert.equal(d.sha256?.rows[0]?.constraintsAdded, 7 * REFERENCES.sha256ConstraintsPerBlock);
  });

  it("a batch size with a missing composition is left out rather than reported from partial data", () => {
    const partial: GasSection = { ...gas, l1: { ...gas.l1 } };
    delete partial.l1["submitBatch/n=8/d=0/w=8"];
    assert.deepEqual(
      derive({ gas: partial }).batchGas.map((b) => b.batch),
      [4],
    );
  });

  it("setup speed-up: measured where snarkjs ran, extrapolated above it, absent below it", () => {
    const t = (wallSeconds: number, cpuSeconds: number) => ({ wallSeconds, cpuSeconds, loadAvg1m: 2 });
    const dev = (power: number, cpuSeconds: number) => ({ power, ...t(cpuSeconds / 2, cpuSeconds), bytes: 1 });
    const sj = (power: number, cpuSeconds: number) => ({
      power,
      new: t(0, 0),
      contribute: t(0, 0),
      preparePhase2: t(0, 0),
      total: { wallSeconds: cpuSeconds / 1.5, cpuSeconds },
    });
    const setup: SetupSection = {
      command: "bench",
      // snarkjs: 100 s at 12, 900 s at 14 -> x3 per power; 17 is 900 * 27.
      ceremony: { devPtau: [dev(10, 1), dev(12, 2), dev(14, 9), dev(17, 54)], snarkjs: [sj(12, 100), sj(14, 900)] },
      phase2: [],
    };
    const sp = setupSpeedup(setup);
    assert.ok(sp);
    assert.ok(Math.abs((sp.growthPerPower as number) - 3) < 1e-9);
    const at = (p: number) => sp.rows.find((x) => x.power === p);
    assert.equal(at(10)?.snarkjs, null, "below the measured powers nothing is claimed");
    assert.equal(at(10)?.speedupCpu, null);
    assert.deepEqual(at(12)?.snarkjs, { wallSeconds: 100 / 1.5, cpuSeconds: 100, measured: true });
    assert.equal(at(12)?.speedupCpu, 50);
    assert.ok(Math.abs((at(12)?.speedupWall as number) - 100 / 1.5 / 1) < 1e-9);
    assert.equal(at(14)?.speedupCpu, 100);
    const e17 = at(17);
    assert.equal(e17?.snarkjs?.measured, false);
    assert.equal(e17?.snarkjs?.wallSeconds, null);
    assert.ok(Math.abs((e17?.snarkjs?.cpuSeconds as number) - 900 * 27) < 1e-6);
    assert.ok(Math.abs((e17?.speedupCpu as number) - (900 * 27) / 54) < 1e-9);
    assert.equal(e17?.speedupWall, null, "no wall figure is made up for an unmeasured run");

    // One snarkjs power: no growth fitted, so nothing above it is estimated.
    const one = setupSpeedup({ ...setup, ceremony: { ...setup.ceremony, snarkjs: [sj(12, 100)] } });
    assert.equal(one?.growthPerPower, null);
    assert.equal(one?.rows.find((x) => x.power === 17)?.snarkjs, null);
    assert.equal(setupSpeedup({ ...setup, ceremony: { devPtau: setup.ceremony.devPtau } }), null);
  });

  it("renders extrapolated rows as such and quotes the references", () => {
    const report: Report = {
      generatedBy: "test",
      generatedAt: "now",
      command: "make bench",
      machine: machine(),
      config: {
        depth: 16,
        batches: [4],
        runs: 3,
        poolJobs: 4,
        poolBatch: 4,
        powers: "12",
        snarkjsPowers: [],
        sections: ["constraints", "gas"],
        reduced: ["test note"],
      },
      sections: {
        gas,
        constraints: {
          command: "make constraints",
          compiler: "circom",
          compiled: [
            {
              depth: 16,
              batch: 4,
              constraints: 71_251,
              perOp: 17_813,
              ptauPower: 17,
              compileSeconds: 80,
              compiled: true,
            },
          ],
          model: { fixed: -1, perOpBase: 2357, perOpPerLevel: 966 },
          extrapolated: [extrapolate({ fixed: -1, perOpBase: 2357, perOpPerLevel: 966 }, 32, 64)],
        },
      },
      derived: derive({ gas }),
    };
    const md = renderMarkdown(report);
    assert.match(md, /\| 32 \| 64 \| 2,129,215 \| 33,269 \| 2\^22 \| \*\*extrapolated\*\* \|/);
    assert.match(md, /Reduced run:\*\* test note/);
    assert.match(md, /pairing floor 181,000/);
    assert.match(md, /zkSync Lite/);
    const h = headline(report);
    assert.ok(h.some((r) => r.figure.includes("depth 32 (extrapolated)")));
  });
});

describe("bench rebuild (exit from L1 data alone)", () => {
  it("reports the measured rebuild in the headline and its own table, nothing when not measured", () => {
    const rebuild = {
      ops: 10_000,
      batches: 2_500,
      slots: 300,
      depth: 16,
      batchSize: 4,
      wallMs: 81_000,
      cpuSeconds: 80.2,
      maxRssMiB: 155,
      loadAvg1m: 1.5,
      command: "node --import tsx bench/rebuild-child.ts rebuild --in x.json",
    };
    assert.deepEqual(rebuildSection(undefined), []);
    const text = rebuildSection(rebuild).join("\n");
    assert.match(text, /\| 10,000 \| 2,500 \(4\) \| 300 \| 16 \| 81\.0 s \| 80\.2 \| 8\.10 ms \| 155 MiB \| 1\.5 \|/);
    const report = { sections: { rebuild }, derived: derive({ rebuild }) } as unknown as Report;
    const row = headline(report).find((r) => r.figure.startsWith("exit from L1 data alone"));
    assert.equal(row?.value, "81.0 s wall, 80.2 CPU s, 155 MiB peak");
  });
});

describe("bench realgas (real-proof gas, issue 19 goals)", () => {
  const fig = (exec: number, calldata = 0) => ({ exec, calldata, tx: 21_000 + calldata + exec });
  const timing = { wallSeconds: 90, cpuSeconds: 64, maxRssMiB: 1500, proverMs: 88_000, loadAvg1m: 2 };
  /** A row whose verifiers cost floor + 6,000 per input (oracle) and floor + 6,000 per non-zero + 300 per zero (ours). */
  const row = (composition: Composition, inputs: number, nonzero: number, realExec: number, accExec: number) => ({
    composition,
    inputs,
    nonzeroInputs: nonzero,
    real: fig(realExec, 5_000),
    accepting: fig(accExec, 5_000),
    oursVerify: fig(200_000 + 6_000 * nonzero + 300 * (inputs - nonzero)),
    oracleVerify: fig(200_000 + 6_000 * inputs),
    proof: timing,
  });
  const section = (): RealGasSection => ({
    command: "forge test",
    sets: [
      {
        depth: 16,
        batch: 4,
        publicSlots: 4,
        label: "batch-d16-n4",
        constraints: 4 * 14_000,
        rows: [row("deposit", 12, 6, 250_000, 30_000), row("transfers", 12, 6, 260_000, 40_000)],
      },
      {
        depth: 16,
        batch: 16,
        publicSlots: 16,
        label: "batch-d16-n16",
        constraints: 16 * 14_500,
        rows: [row("deposit", 36, 6, 300_000, 60_000), row("transfers", 36, 6, 310_000, 70_000)],
      },
    ],
    estimateBase: { depth: 16, batch: 64, publicSlots: 64, accepting: fig(200_000, 20_000) },
  });

  it("parses DxN and DxNxK sets, K defaulting to N, and refuses K > N or junk", () => {
    assert.deepEqual(parseRealGasSets("16x4,16x16x4"), [
      { depth: 16, batch: 4, publicSlots: 4 },
      { depth: 16, batch: 16, publicSlots: 4 },
    ]);
    assert.throws(() => parseRealGasSets("16x4x5"), /public slots <= batch/);
    assert.throws(() => parseRealGasSets("16-4"), /DEPTHxBATCH/);
    assert.equal(setName({ depth: 16, batch: 4, publicSlots: 4 }), "batch-d16-n4-k4");
    assert.equal(setName({ depth: 16, batch: 16, publicSlots: 4 }), "batch-d16-n16-k4");
  });

  it("builds the compositions and routes L1-visible ops to the public slots in order", () => {
    const ops = compositionOps("transfers", 16);
    assert.equal(ops.length, 16);
    assert.equal(ops.filter((o) => o.kind === 2).length, 15);
    assert.equal(ops[15]?.kind, 3);
    assert.deepEqual(
      compositionOps("deposit", 4).map((o) => o.kind),
      [1],
    );
    const allPublic = slotsFor({ depth: 16, batch: 16, publicSlots: 16 }, ops, []);
    assert.equal(allPublic.length, 16);
    assert.deepEqual(
      allPublic.map((s) => s.kind),
      [3, ...Array(15).fill(0)],
    );
    const routed = slotsFor({ depth: 16, batch: 16, publicSlots: 4 }, ops, []);
    assert.deepEqual(
      routed.map((s) => s.kind),
      [3, 0, 0, 0],
    );
  });

  it("plans a funding batch and both compositions from the same state, with their op data", () => {
    const p = planBatches({ depth: 4, batch: 2, publicSlots: 2 });
    assert.equal(p.first.publicSignals.length, 8);
    assert.equal(
      p.measured.deposit.publicSignals[0],
      p.first.newRoot,
      "the measured batch starts where the first ended",
    );
    assert.equal(p.measured.transfers.publicSignals[0], p.first.newRoot);
    assert.equal(p.measured.deposit.slots[0]?.kind, 1);
    assert.equal(p.measured.transfers.opData.length, 2 + 2 * 61 * 2);
  });

  it("encodes verifyProof calldata with the selector of its input count", () => {
    const data = verifyCalldata(["1", "2", "3", "4", "5", "6", "7", "8"], ["9", "10"]);
    assert.equal(data.length, 2 + 8 + 64 * 10);
    assert.equal(data.slice(0, 10), toFunctionSelector("verifyProof(uint256[2],uint256[2][2],uint256[2],uint256[2])"));
  });

  it("derives per-op gas, the zero-input saving and the per-input figures from the rows", () => {
    const d = deriveRealGas(section());
    assert.ok(d);
    const n4 = d.rows.find((r) => r.batch === 4 && r.composition === "deposit");
    assert.equal(n4?.tx, 21_000 + 5_000 + 250_000);
    assert.equal(n4?.perOp, Math.round((21_000 + 5_000 + 250_000) / 4));
    assert.equal(n4?.verifierInSubmit, 220_000);
    assert.equal(n4?.zeroSaving, 6 * (6_000 - 300));
    assert.equal(Math.round(d.perInput ?? 0), 6_000);
    assert.equal(Math.round(d.perZeroInput ?? 0), 300);
    assert.equal(deriveRealGas(undefined), null);
  });

  it("computes the batch-64 row as a labelled estimate from the measured figures", () => {
    const d = deriveRealGas(section());
    const e = d?.estimate;
    assert.ok(e);
    // our verifier at the n16 transfers batch (310,000 - 70,000) + (132 - 36) more zero inputs at 300
    assert.equal(e.inputs, 132);
    assert.equal(e.verifier, 240_000 + 96 * 300);
    assert.equal(e.tx, 21_000 + 20_000 + 200_000 + e.verifier);
    assert.equal(e.perOp, Math.round(e.tx / 64));
    const md = realGasMarkdown(section(), d, undefined).join("\n");
    assert.match(md, /\*\*Estimate \(not a proof\), N = 64, K = 64:\*\*/);
    // one set only: no slope, no estimate
    const one = { ...section(), sets: section().sets.slice(0, 1) };
    assert.equal(deriveRealGas(one)?.estimate, null);
  });

  it("scores each goal pass / miss against its target, not measured when the row is missing", () => {
    const x = section();
    const goals = goalRows(x, deriveRealGas(x), undefined);
    const by = (re: RegExp) => goals.find((g) => re.test(g.goal));
    assert.equal(by(/N = 4: 1 deposit/)?.status, "pass"); // 276,000 <= 300,000
    assert.equal(by(/N = 16: 15 transfers/)?.status, "miss"); // 336,000 / 16 = 21,000 > 18,000
    assert.equal(by(/N = 16: 15 transfers/)?.measured, "21,000");
    assert.equal(by(/estimate/)?.status, "miss");
    assert.equal(by(/constraints per op, depth 16/)?.status, "miss"); // n16: 14,500
    assert.equal(by(/proof CPU s per op/)?.measured, (64 / 16).toFixed(2));
    assert.equal(by(/proof CPU s per op/)?.status, "pass");
    const none = goalRows(undefined, null, undefined);
    assert.ok(none.every((g) => g.status === "not measured"));
  });
});
