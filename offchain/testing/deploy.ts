/**
 * Deploys contracts from the forge build artifacts (build/forge/out/<Name>.sol/<Name>.json) with
 * viem, for integration tests. Libraries the bytecode links against (PoseidonT3, ...) are deployed
 * from their own artifacts and linked automatically, once per chain.
 *
 *   await ensureForgeArtifacts(["AssetStorage", "AssetReceiving"]);
 *   const storage = await deployArtifact(env, "AssetStorage", [governor, { verifier, treeDepth: 16, ... }]);
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Abi, Address, Hex, PublicClient } from "viem";
import type { z } from "zod";
import type { SignerClient } from "../runtime/chains.js";
import type { DeploymentSchema } from "../runtime/config.js";

export const FORGE_OUT = "build/forge/out";

/** Writes `dir`/<chainId>.json as the deploy scripts do (docs/deploy.md); `params` may be left out. */
export function writeDeployment(dir: string, d: z.input<typeof DeploymentSchema>): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${d.chainId}.json`), JSON.stringify(d));
}

export interface Artifact {
  abi: Abi;
  bytecode: Hex;
  /** file -> library name -> byte ranges of the placeholders in `bytecode` (0x excluded). */
  linkReferences: Record<string, Record<string, { start: number; length: number }[]>>;
}

export const artifactPath = (name: string, file = `${name}.sol`) => join(FORGE_OUT, file, `${name}.json`);

/** Reads an artifact; `file` defaults to `<name>.sol`. */
export function loadArtifact(name: string, file?: string): Artifact {
  const path = artifactPath(name, file);
  if (!existsSync(path)) throw new Error(`no forge artifact ${path}: run \`make build\` (forge build) first`);
  const json = JSON.parse(readFileSync(path, "utf8"));
  return { abi: json.abi, bytecode: json.bytecode.object, linkReferences: json.bytecode.linkReferences ?? {} };
}

/** Runs `forge build` when any of `names` has no artifact (tests' before hooks). */
export function ensureForgeArtifacts(names: readonly string[]): void {
  if (names.every((n) => existsSync(artifactPath(n)))) return;
  try {
    execFileSync("tools/forge", ["build"], { stdio: "pipe", timeout: 300_000 });
  } catch (error) {
    const e = error as { stderr?: Buffer; stdout?: Buffer; message: string };
    throw new Error(`forge build failed: ${e.stderr?.toString() || e.stdout?.toString() || e.message}`);
  }
  const missing = names.filter((n) => !existsSync(artifactPath(n)));
  if (missing.length) throw new Error(`forge build wrote no artifact for ${missing.join(", ")}`);
}

export interface DeployEnv {
  client: PublicClient;
  wallet: SignerClient;
  /** Library name -> deployed address, filled as libraries get deployed (one per chain). */
  libraries?: Map<string, Address>;
}

/** Deploys raw init code and returns the new contract's address. */
export async function deployBytecode(env: DeployEnv, bytecode: Hex): Promise<Address> {
  const hash = await env.wallet.sendTransaction({
    data: bytecode,
    account: env.wallet.account,
    chain: env.wallet.chain,
  });
  const receipt = await env.client.waitForTransactionReceipt({ hash });
  if (receipt.status !== "success" || !receipt.contractAddress) throw new Error(`deployment reverted (tx ${hash})`);
  return receipt.contractAddress;
}

async function link(env: DeployEnv, artifact: Artifact): Promise<Hex> {
  let code = artifact.bytecode.slice(2);
  env.libraries ??= new Map();
  for (const [file, libs] of Object.entries(artifact.linkReferences)) {
    for (const [lib, ranges] of Object.entries(libs)) {
      let address = env.libraries.get(lib);
      if (!address) {
        address = await deployArtifact(env, lib, [], file.split("/").pop());
        env.libraries.set(lib, address);
      }
      for (const { start, length } of ranges) {
        code = code.slice(0, start * 2) + address.slice(2).toLowerCase() + code.slice((start + length) * 2);
      }
    }
  }
  return `0x${code}`;
}

/** Deploys artifact `name` with constructor `args`, linking its libraries. */
export async function deployArtifact(
  env: DeployEnv,
  name: string,
  args: readonly unknown[] = [],
  file?: string,
): Promise<Address> {
  const artifact = loadArtifact(name, file);
  const bytecode = await link(env, artifact);
  const hash = await env.wallet.deployContract({
    abi: artifact.abi,
    bytecode,
    args: args as never,
    account: env.wallet.account,
    chain: env.wallet.chain,
  } as never);
  const receipt = await env.client.waitForTransactionReceipt({ hash });
  if (receipt.status !== "success" || !receipt.contractAddress)
    throw new Error(`deploying ${name} reverted (tx ${hash})`);
  return receipt.contractAddress;
}

/**
 * Init code of a contract that answers every call with the 32-byte word 1 (so `verifyProof`
 * returns true): a stand-in verifier for tests that exercise the sender or the contract flow
 * without real proofs. Runtime: PUSH1 1, PUSH1 0, MSTORE, PUSH1 32, PUSH1 0, RETURN.
 */
export const ACCEPT_ALL_VERIFIER_INITCODE: Hex = "0x600a600c600039600a6000f3600160005260206000f3";
