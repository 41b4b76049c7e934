import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { powersOfTau } from "snarkjs";
import { DEFAULT_SEED, generateDevPtau } from "./dev-ptau.js";
import { G1_BYTES, inspectPtau, readSectionTable, SECTION, sectionCounts } from "./ptau-format.js";

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, "../..");
const DIR = resolve(ROOT, "build/setup/test-dev-ptau");
const POWER = 8;
const main = resolve(DIR, `dev-${POWER}.ptau`);

before(async () => {
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(DIR, { recursive: true });
  await generateDevPtau({ power: POWER, out: main });
});

after(async () => {
  // snarkjs keeps its multi-threaded curve (and worker threads) alive in a global.
  const cached = (globalThis as { curve_bn128?: { terminate(): Promise<void> } }).curve_bn128;
  if (cached) await cached.terminate();
});

// snarkjs's verify returns false without closing the file, so Node warns about a FileHandle
// closed on garbage collection in the two corruption tests: expected noise.

/** A snarkjs logger that keeps the error lines (to check why a verification failed). */
function errorLog() {
  const errors: string[] = [];
  const noop = () => {};
  return { errors, logger: { debug: noop, info: noop, warn: noop, error: (m: string) => errors.push(m) } };
}

/** A copy of `file` whose point `index` of section `id` is replaced by point `from` of the same section. */
function withPointReplaced(file: string, id: number, index: number, from: number, out: string): string {
  const bytes = readFileSync(file);
  const sec = readSectionTable(bytes).find((s) => s.id === id)!;
  const src = bytes.subarray(sec.offset + from * G1_BYTES, sec.offset + (from + 1) * G1_BYTES);
  bytes.set(Buffer.from(src), sec.offset + index * G1_BYTES);
  writeFileSync(out, bytes);
  return out;
}

describe("dev-ptau file", () => {
  it("has the sections and sizes of a prepared ptau", () => {
    const table = readSectionTable(readFileSync(main));
    assert.deepEqual(
      table.map((s) => s.id),
      [1, 2, 3, 4, 5, 6, 7, 12, 13, 14, 15],
    );
    const counts = sectionCounts(POWER);
    for (const s of table) {
      if (s.id === 1 || s.id === 7) continue;
      const pointSize = s.id === 3 || s.id === 6 || s.id === 13 ? 128 : 64;
      assert.equal(s.size, counts[s.id]! * pointSize, `section ${s.id}`);
    }
  });

  it("describes itself as a prepared file with one contribution", async () => {
    assert.deepEqual(await inspectPtau(main), {
      power: POWER,
      ceremonyPower: POWER,
      sections: [1, 2, 3, 4, 5, 6, 7, 12, 13, 14, 15],
      prepared: true,
      contributions: 1,
    });
  });

  it("passes snarkjs powersoftau verify (including the phase-2 sections)", async () => {
    assert.equal(await powersOfTau.verify(main), true);
  });

  it("fails snarkjs verify after one Lagrange point is replaced", async () => {
    // Point 5 of the 2^POWER block of section 12 gets the value of point 6.
    const base = 2 ** POWER - 1;
    const bad = withPointReplaced(main, SECTION.lagrangeTauG1, base + 5, base + 6, resolve(DIR, "bad-lagrange.ptau"));
    const { errors, logger } = errorLog();
    assert.equal(await powersOfTau.verify(bad, logger), false);
    assert.match(errors.join("\n"), /Phase2 caclutation does not match/); // sic: snarkjs's spelling
  });

  it("fails snarkjs verify after one tau*G1 point is replaced", async () => {
    const bad = withPointReplaced(main, SECTION.tauG1, 5, 6, resolve(DIR, "bad-tau.ptau"));
    const { errors, logger } = errorLog();
    assert.equal(await powersOfTau.verify(bad, logger), false);
    assert.match(errors.join("\n"), /tauG1 section\. Powers do not match/);
  });

  it("is byte-identical for the same seed, whatever the threads and windows", async () => {
    const again = resolve(DIR, "again.ptau");
    await generateDevPtau({ power: POWER, out: again, seed: DEFAULT_SEED, threads: 1, window: { 1: 5, 2: 3 } });
    assert.ok(readFileSync(again).equals(readFileSync(main)));
  });

  it("differs for another seed", async () => {
    const other = resolve(DIR, "other.ptau");
    await generateDevPtau({ power: POWER, out: other, seed: "another seed" });
    const a = readFileSync(main);
    const b = readFileSync(other);
    assert.equal(a.length, b.length);
    assert.ok(!a.equals(b));
    // Past the header, the very first tau*G1 point is the generator in both; tau*G1 itself differs.
    const sec = readSectionTable(a).find((s) => s.id === SECTION.tauG1)!;
    const p1 = (x: Buffer) => x.subarray(sec.offset + G1_BYTES, sec.offset + 2 * G1_BYTES);
    assert.ok(!p1(a).equals(p1(b)));
  });

  it("equals snarkjs's own prepare phase2 output byte for byte", async () => {
    const small = resolve(DIR, "dev-6.ptau");
    const prepared = resolve(DIR, "dev-6-snarkjs.ptau");
    await generateDevPtau({ power: 6, out: small });
    // preparePhase2 recomputes sections 12..15 from sections 2..7 with FFTs over curve points.
    await powersOfTau.preparePhase2(small, prepared);
    assert.ok(readFileSync(prepared).equals(readFileSync(small)));
  });
});

describe("dev-ptau CLI", () => {
  const cli = resolve(ROOT, "circuits/setup/dev-ptau.ts");
  const tsx = ["--import", "tsx", cli];

  it("writes, then reuses the file when its cache key matches", async () => {
    const out = resolve(DIR, "cli-3.ptau");
    const first = await run(process.execPath, [...tsx, "--power", "3", "--out", out, "--cache", "--quiet"], {
      cwd: ROOT,
    });
    assert.match(first.stdout, /wrote .*cli-3\.ptau/);
    const mtime = statSync(out).mtimeMs;
    const second = await run(process.execPath, [...tsx, "--power", "3", "--out", out, "--cache"], { cwd: ROOT });
    assert.match(second.stdout, /up to date/);
    assert.equal(statSync(out).mtimeMs, mtime);
    // Another seed is another cache key.
    const third = await run(
      process.execPath,
      [...tsx, "--power", "3", "--out", out, "--cache", "--seed", "x", "--quiet"],
      {
        cwd: ROOT,
      },
    );
    assert.match(third.stdout, /wrote/);
  });

  it("generates once when two runs ask for the same file at the same time", async () => {
    const out = resolve(DIR, "cli-4.ptau");
    const args = [...tsx, "--power", "4", "--out", out, "--cache", "--quiet"];
    const outputs = await Promise.all([0, 1].map(() => run(process.execPath, args, { cwd: ROOT })));
    const wrote = outputs.filter((o) => /wrote/.test(o.stdout)).length;
    const reused = outputs.filter((o) => /up to date/.test(o.stdout)).length;
    assert.deepEqual({ wrote, reused }, { wrote: 1, reused: 1 }, outputs.map((o) => o.stdout).join("\n"));
    assert.ok(!existsSync(`${out}.lock`), "lock released");
  });

  it("explains a bad power", async () => {
    await assert.rejects(
      run(process.execPath, [...tsx, "--power", "99", "--out", resolve(DIR, "x.ptau")], { cwd: ROOT }),
      (e: { stderr: string }) => /--power must be an integer in 1\.\.20/.test(e.stderr),
    );
  });
});
