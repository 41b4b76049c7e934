/**
 * Attester configuration: its own key, its own RPCs, chain ids and deployment files, its own data
 * directory. Parsed once at start; a bad or missing value throws a ConfigError naming the field.
 */
import { join } from "node:path";
import type { Address, Hex } from "viem";
import { z } from "zod";
import type { BridgeContracts } from "../lib/attestation.js";
import type { ChainConfig } from "../runtime/chains.js";
import { ConfigError, contractAddress, loadDeployment, parseConfig, zInt, zPrivateKey } from "../runtime/config.js";
import { chainConfigOf, envFields, envSource, zPort } from "../runtime/env.js";

/** Chain ids of local anvil chains, where CONFIRMATIONS may be left out (0). */
export const ANVIL_CHAIN_IDS: readonly number[] = [31337, 31338];

export const AttesterEnv = z.object({
  ATTESTER_PRIVATE_KEY: zPrivateKey,
  L1_RPC_URL: envFields.L1_RPC_URL,
  L2_RPC_URL: envFields.L2_RPC_URL,
  L1_CHAIN_ID: envFields.L1_CHAIN_ID,
  L2_CHAIN_ID: envFields.L2_CHAIN_ID,
  DEPLOYMENTS_DIR: envFields.DEPLOYMENTS_DIR,
  ATTESTER_DATA_DIR: z.string().default("build/attester"),
  CONFIRMATIONS: zInt(0).optional(),
  L1_CONFIRMATIONS: zInt(0).optional(),
  L2_CONFIRMATIONS: zInt(0).optional(),
  ATTESTER_HOST: z.string().min(1).default("127.0.0.1"),
  ATTESTER_PORT: zPort.default(8600),
  POLL_INTERVAL_MS: envFields.POLL_INTERVAL_MS,
  LOG_BLOCK_RANGE: envFields.LOG_BLOCK_RANGE,
});

export interface AttesterConfig {
  privateKey: Hex;
  l1: ChainConfig;
  l2: ChainConfig;
  contracts: BridgeContracts;
  l1DeployBlock: bigint;
  l2DeployBlock: bigint;
  /** Blocks on top of a block before the attester reads it (0 = the head itself), per chain. */
  l1Confirmations: number;
  l2Confirmations: number;
  host: string;
  /** 0 picks a free port (printed at start). */
  port: number;
  pollIntervalMs: number;
  blockRange: number;
  dataDir: string;
  dbPath: string;
}

/** CONFIRMATIONS of one chain: its own variable, else CONFIRMATIONS, else 0 on anvil; required elsewhere. */
function confirmationsOf(
  chain: "L1" | "L2",
  chainId: number,
  own: number | undefined,
  shared: number | undefined,
): number {
  const value = own ?? shared;
  if (value !== undefined) return value;
  if (ANVIL_CHAIN_IDS.includes(chainId)) return 0;
  throw new ConfigError([
    `${chain}_CONFIRMATIONS or CONFIRMATIONS (environment): required on chain ${chainId} (not anvil); set the chain's reorg depth in blocks`,
  ]);
}

/** Parses the attester's configuration from `env` (default process.env). Throws ConfigError. */
export function loadAttesterConfig(env: NodeJS.ProcessEnv = process.env): AttesterConfig {
  const e = parseConfig(AttesterEnv, envSource(env));
  const l1d = loadDeployment(e.DEPLOYMENTS_DIR, e.L1_CHAIN_ID);
  const l2d = loadDeployment(e.DEPLOYMENTS_DIR, e.L2_CHAIN_ID);
  const assetStorage: Address = contractAddress(l1d, "AssetStorage");
  const assetReceiving: Address = contractAddress(l2d, "AssetReceiving");
  return {
    privateKey: e.ATTESTER_PRIVATE_KEY,
    l1: chainConfigOf("L1", e.L1_RPC_URL, e.L1_CHAIN_ID, e.POLL_INTERVAL_MS),
    l2: chainConfigOf("L2", e.L2_RPC_URL, e.L2_CHAIN_ID, e.POLL_INTERVAL_MS),
    contracts: { l1ChainId: e.L1_CHAIN_ID, assetStorage, l2ChainId: e.L2_CHAIN_ID, assetReceiving },
    l1DeployBlock: BigInt(l1d.deployBlock),
    l2DeployBlock: BigInt(l2d.deployBlock),
    l1Confirmations: confirmationsOf("L1", e.L1_CHAIN_ID, e.L1_CONFIRMATIONS, e.CONFIRMATIONS),
    l2Confirmations: confirmationsOf("L2", e.L2_CHAIN_ID, e.L2_CONFIRMATIONS, e.CONFIRMATIONS),
    host: e.ATTESTER_HOST,
    port: e.ATTESTER_PORT,
    pollIntervalMs: e.POLL_INTERVAL_MS,
    blockRange: e.LOG_BLOCK_RANGE,
    dataDir: e.ATTESTER_DATA_DIR,
    dbPath: join(e.ATTESTER_DATA_DIR, "attester.sqlite"),
  };
}
