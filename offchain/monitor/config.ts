/**
 * Monitor configuration: the environment (validated once) plus deployments/<chainId>.json of both
 * chains. A bad or missing value throws a ConfigError naming the field and what to put there.
 */
import type { Address, Hex } from "viem";
import { z } from "zod";
import type { ChainConfig } from "../runtime/chains.js";
import { contractAddress, loadDeployment, parseConfig } from "../runtime/config.js";
import { chainConfigOf, dbPathOf, envFields, envSource } from "../runtime/env.js";

export const MonitorEnv = z.object({
  L1_RPC_URL: envFields.L1_RPC_URL,
  L2_RPC_URL: envFields.L2_RPC_URL,
  L1_CHAIN_ID: envFields.L1_CHAIN_ID,
  L2_CHAIN_ID: envFields.L2_CHAIN_ID,
  DEPLOYMENTS_DIR: envFields.DEPLOYMENTS_DIR,
  DATA_DIR: envFields.DATA_DIR,
  RELAYER_PRIVATE_KEY: envFields.RELAYER_PRIVATE_KEY,
  CONFIRMATIONS: envFields.CONFIRMATIONS,
  POLL_INTERVAL_MS: envFields.POLL_INTERVAL_MS,
  LOG_BLOCK_RANGE: envFields.LOG_BLOCK_RANGE,
  TX_TIMEOUT_MS: envFields.TX_TIMEOUT_MS,
  MAX_FEE_PER_GAS_GWEI: envFields.MAX_FEE_PER_GAS_GWEI,
  METRICS_PORT: envFields.METRICS_PORT,
  ATTESTER_URLS: envFields.ATTESTER_URLS,
});

export interface MonitorConfig {
  l1: ChainConfig;
  l2: ChainConfig;
  /** L1 AssetStorage and the block it was deployed in (where scanning starts). */
  assetStorage: Address;
  l1DeployBlock: bigint;
  /** L2 AssetReceiving and its deploy block (where credit lookups start). */
  assetReceiving: Address;
  l2DeployBlock: bigint;
  /** The courier account that pays for credits and the exodus halt, and mirrors metadata when L2 lets it. */
  relayerKey: Hex;
  /** The attesters whose signatures the monitor collects. */
  attesterUrls: string[];
  /** A block is read once it has this many confirmations (1 = the head itself). */
  confirmations: number;
  pollIntervalMs: number;
  /** Blocks per eth_getLogs call (halved automatically when the node refuses a range). */
  blockRange: number;
  /** A credit without a receipt after this long is replaced with higher fees (same nonce). */
  txTimeoutMs: number;
  maxFeePerGas?: bigint;
  metricsPort?: number;
  dataDir: string;
  dbPath: string;
}

/** Parses the monitor's configuration from `env` (default process.env). Throws ConfigError. */
export function loadMonitorConfig(env: NodeJS.ProcessEnv = process.env): MonitorConfig {
  const e = parseConfig(MonitorEnv, envSource(env));
  const l1d = loadDeployment(e.DEPLOYMENTS_DIR, e.L1_CHAIN_ID);
  const l2d = loadDeployment(e.DEPLOYMENTS_DIR, e.L2_CHAIN_ID);
  return {
    l1: chainConfigOf("L1", e.L1_RPC_URL, e.L1_CHAIN_ID, e.POLL_INTERVAL_MS),
    l2: chainConfigOf("L2", e.L2_RPC_URL, e.L2_CHAIN_ID, e.POLL_INTERVAL_MS),
    assetStorage: contractAddress(l1d, "AssetStorage"),
    l1DeployBlock: BigInt(l1d.deployBlock),
    assetReceiving: contractAddress(l2d, "AssetReceiving"),
    l2DeployBlock: BigInt(l2d.deployBlock),
    relayerKey: e.RELAYER_PRIVATE_KEY,
    attesterUrls: e.ATTESTER_URLS,
    confirmations: e.CONFIRMATIONS,
    pollIntervalMs: e.POLL_INTERVAL_MS,
    blockRange: e.LOG_BLOCK_RANGE,
    txTimeoutMs: e.TX_TIMEOUT_MS,
    maxFeePerGas: e.MAX_FEE_PER_GAS_GWEI,
    metricsPort: e.METRICS_PORT,
    dataDir: e.DATA_DIR,
    dbPath: dbPathOf(e.DATA_DIR),
  };
}
