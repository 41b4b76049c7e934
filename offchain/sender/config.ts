/**
 * Sender configuration: the environment (validated once) plus deployments/<L1_CHAIN_ID>.json
 * (AssetStorage address, deploy block, batch size). Throws a ConfigError naming each bad field.
 */
import { join } from "node:path";
import type { Address, Hex } from "viem";
import { z } from "zod";
import type { ChainConfig } from "../runtime/chains.js";
import { ConfigError, contractAddress, loadDeployment, parseConfig } from "../runtime/config.js";
import { chainConfigOf, dbPathOf, envFields, envSource } from "../runtime/env.js";

export const SenderEnv = z.object({
  L1_RPC_URL: envFields.L1_RPC_URL,
  L1_CHAIN_ID: envFields.L1_CHAIN_ID,
  DEPLOYMENTS_DIR: envFields.DEPLOYMENTS_DIR,
  DATA_DIR: envFields.DATA_DIR,
  SENDER_PRIVATE_KEY: envFields.SENDER_PRIVATE_KEY,
  POLL_INTERVAL_MS: envFields.POLL_INTERVAL_MS,
  LOG_BLOCK_RANGE: envFields.LOG_BLOCK_RANGE,
  TX_TIMEOUT_MS: envFields.TX_TIMEOUT_MS,
  MAX_FEE_PER_GAS_GWEI: envFields.MAX_FEE_PER_GAS_GWEI,
  METRICS_PORT: envFields.METRICS_PORT,
  ATTESTER_URLS: envFields.ATTESTER_URLS,
});

const Params = z.object({
  batchSize: z.coerce.number().int().min(1).max(1024),
  publicSlots: z.coerce.number().int().min(1).max(1024),
});

export interface SenderConfig {
  l1: ChainConfig;
  assetStorage: Address;
  l1DeployBlock: bigint;
  /** Op slots per batch (N): deployment params.batchSize, checked against AssetStorage.batchSize() at start. */
  batchSize: number;
  /** Slot records per batch (K): deployment params.publicSlots, checked against AssetStorage.publicSlots() at start. */
  publicSlots: number;
  /** The courier account that pays for `submitBatch`; it holds no power. */
  senderKey: Hex;
  /** The attesters whose signatures the sender collects. */
  attesterUrls: string[];
  pollIntervalMs: number;
  /** Blocks per eth_getLogs call when looking up DepositQueued records. */
  blockRange: number;
  /** A submission without a receipt after this long is replaced with higher fees (same nonce). */
  txTimeoutMs: number;
  maxFeePerGas?: bigint;
  metricsPort?: number;
  dataDir: string;
  dbPath: string;
}

export function loadSenderConfig(env: NodeJS.ProcessEnv = process.env): SenderConfig {
  const e = parseConfig(SenderEnv, envSource(env));
  const d = loadDeployment(e.DEPLOYMENTS_DIR, e.L1_CHAIN_ID);
  const file = join(e.DEPLOYMENTS_DIR, `${e.L1_CHAIN_ID}.json`);
  if (d.layer !== "L1") throw new ConfigError([`${file}: layer is ${d.layer}, expected L1`]);
  const params = parseConfig(Params, d.params, `${file} params`);
  return {
    l1: chainConfigOf("L1", e.L1_RPC_URL, e.L1_CHAIN_ID, e.POLL_INTERVAL_MS),
    assetStorage: contractAddress(d, "AssetStorage"),
    l1DeployBlock: BigInt(d.deployBlock),
    batchSize: params.batchSize,
    publicSlots: params.publicSlots,
    senderKey: e.SENDER_PRIVATE_KEY,
    attesterUrls: e.ATTESTER_URLS,
    pollIntervalMs: e.POLL_INTERVAL_MS,
    blockRange: e.LOG_BLOCK_RANGE,
    txTimeoutMs: e.TX_TIMEOUT_MS,
    maxFeePerGas: e.MAX_FEE_PER_GAS_GWEI,
    metricsPort: e.METRICS_PORT,
    dataDir: e.DATA_DIR,
    dbPath: dbPathOf(e.DATA_DIR),
  };
}
