/**
 * L1 and L2 gas: runs test/bench/BenchGas.t.sol (forge, -vv) and parses its
 * `BENCH <key> exec=<gas> calldata=<gas>` lines; L2 ledger gas comes from the committed forge gas
 * snapshots (snapshots/AssetReceiving.json, checked by `make test-forge`).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { checkOk, ROOT, runCommand } from "./lib.js";

export const FORGE_COMMAND = ["tools/forge", "test", "--match-path", "test/bench/BenchGas.t.sol", "-vv"];

export interface GasFigure {
  /** Gas of the call itself (vm.lastCallGas), as in forge gas snapshots. */
  exec: number;
  /** EIP-2028 calldata cost of the call. */
  calldata: number;
  /** 21,000 + calldata + exec: what the transaction costs. */
  tx: number;
}

export interface GasSection {
  command: string;
  l1: Record<string, GasFigure>;
  snapshots: { l1: Record<string, number>; l2: Record<string, number> };
}

/** Parses forge's output; throws when a line is malformed or a key repeats. */
export function parseBenchLines(output: string): Record<string, GasFigure> {
  const out: Record<string, GasFigure> = {};
  for (const line of output.split("\n")) {
    const i = line.indexOf("BENCH ");
    if (i < 0) continue;
    const m = /^BENCH (\S+) exec=(\d+) calldata=(\d+)\s*$/.exec(line.slice(i));
    if (!m) throw new Error(`malformed bench line: ${line.trim()}`);
    const key = m[1] as string;
    if (key in out) throw new Error(`bench key ${key} reported twice`);
    const exec = Number(m[2]);
    const calldata = Number(m[3]);
    out[key] = { exec, calldata, tx: 21_000 + calldata + exec };
  }
  return out;
}

function readSnapshot(name: string): Record<string, number> {
  const raw = JSON.parse(readFileSync(join(ROOT, "snapshots", `${name}.json`), "utf8")) as Record<string, string>;
  return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, Number(v)]));
}

export async function benchGas(): Promise<GasSection> {
  const r = checkOk(await runCommand(FORGE_COMMAND), "forge bench gas test");
  const l1 = parseBenchLines(r.stdout);
  if (Object.keys(l1).length === 0)
    throw new Error("forge printed no BENCH lines (was test/bench/BenchGas.t.sol run?)");
  return {
    command: FORGE_COMMAND.join(" "),
    l1,
    snapshots: { l1: readSnapshot("AssetStorage"), l2: readSnapshot("AssetReceiving") },
  };
}
