/**
 * Checks offchain/lib/abi.ts (written from docs/protocol.md section 11) against the forge build
 * artifacts of the contracts: every function must exist with the same selector, output types and
 * mutability, every event with the same topic and indexed inputs. Input names may differ.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import {
  type Abi,
  type AbiEvent,
  type AbiFunction,
  type AbiItem,
  type AbiParameter,
  toEventSelector,
  toEventSignature,
  toFunctionSelector,
  toFunctionSignature,
} from "viem";
import { assetReceivingAbi, assetStorageAbi } from "./abi.js";

const OUT = "build/forge/out";
const artifactPath = (contract: string) => join(OUT, `${contract}.sol`, `${contract}.json`);
const CONTRACTS = { AssetStorage: assetStorageAbi, AssetReceiving: assetReceivingAbi } as const;

function loadAbi(contract: string): Abi {
  return JSON.parse(readFileSync(artifactPath(contract), "utf8")).abi as Abi;
}

/** The canonical type of a parameter, tuples expanded: "(uint8,uint32,address)[]". */
function typeOf(p: AbiParameter): string {
  if (p.type.startsWith("tuple")) {
    const components = (p as { components: readonly AbiParameter[] }).components;
    return `(${components.map(typeOf).join(",")})${p.type.slice("tuple".length)}`;
  }
  return p.type;
}

function checkContract(contract: keyof typeof CONTRACTS): void {
  const ours: Abi = CONTRACTS[contract];
  let actual: Abi = [];
  before(() => {
    actual = loadAbi(contract);
  });

  for (const item of ours.filter((i): i is AbiFunction => i.type === "function")) {
    it(`function ${toFunctionSignature(item)}`, () => {
      const selector = toFunctionSelector(item);
      const matches = actual.filter(
        (a): a is AbiFunction => a.type === "function" && toFunctionSelector(a) === selector,
      );
      const sameName = actual
        .filter((a): a is AbiFunction => a.type === "function" && a.name === item.name)
        .map((a) => toFunctionSignature(a));
      assert.equal(
        matches.length,
        1,
        `${contract} has no ${toFunctionSignature(item)} (selector ${selector}); functions named ${item.name}: ${sameName.join(", ") || "none"}`,
      );
      const found = matches[0]!;
      assert.deepEqual(
        found.outputs.map(typeOf),
        item.outputs.map(typeOf),
        `${contract}.${item.name} returns (${found.outputs.map(typeOf)}), abi.ts says (${item.outputs.map(typeOf)})`,
      );
      assert.equal(found.stateMutability, item.stateMutability, `${contract}.${item.name} mutability`);
    });
  }

  for (const item of ours.filter((i): i is AbiEvent => i.type === "event")) {
    it(`event ${toEventSignature(item)}`, () => {
      const topic = toEventSelector(item);
      const matches = actual.filter((a): a is AbiEvent => a.type === "event" && toEventSelector(a) === topic);
      const sameName = actual
        .filter((a): a is AbiEvent => a.type === "event" && a.name === item.name)
        .map((a) => toEventSignature(a));
      assert.equal(
        matches.length,
        1,
        `${contract} has no event ${toEventSignature(item)}; events named ${item.name}: ${sameName.join(", ") || "none"}`,
      );
      const found = matches[0]!;
      assert.deepEqual(
        found.inputs.map((p) => Boolean(p.indexed)),
        item.inputs.map((p) => Boolean(p.indexed)),
        `${contract}.${item.name}: indexed inputs differ`,
      );
      assert.equal(Boolean(found.anonymous), Boolean(item.anonymous));
    });
  }
  for (const item of ours.filter((i): i is Extract<AbiItem, { type: "error" }> => i.type === "error")) {
    const signature = `${item.name}(${item.inputs.map(typeOf).join(",")})`;
    it(`error ${signature}`, () => {
      const found = actual.some(
        (a) => a.type === "error" && `${a.name}(${a.inputs.map(typeOf).join(",")})` === signature,
      );
      assert.ok(found, `${contract} has no error ${signature}`);
    });
  }
}

before(() => {
  const missing = Object.keys(CONTRACTS).filter((c) => !existsSync(artifactPath(c)));
  if (missing.length === 0) return;
  // Artifacts are build outputs: compile once when absent (about 10-30 s).
  try {
    execFileSync("tools/forge", ["build"], { stdio: "pipe", timeout: 300_000 });
  } catch (error) {
    const e = error as { stderr?: Buffer; stdout?: Buffer; message: string };
    throw new Error(`forge build failed: ${e.stderr?.toString() || e.stdout?.toString() || e.message}`);
  }
  const still = Object.keys(CONTRACTS).filter((c) => !existsSync(artifactPath(c)));
  assert.deepEqual(
    still,
    [],
    `forge build wrote no artifact for ${still.join(", ")} (expected ${still.map(artifactPath).join(", ")})`,
  );
});

describe("assetStorageAbi matches the AssetStorage artifact", () => checkContract("AssetStorage"));
describe("assetReceivingAbi matches the AssetReceiving artifact", () => checkContract("AssetReceiving"));
