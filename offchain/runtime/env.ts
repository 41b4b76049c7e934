/**
 * Environment fields shared by the services (docs/operations.md lists them all). Each service builds
 * its own zod schema from these and validates only what it needs, once, at start.
 */
import { z } from "zod";
import type { ChainConfig } from "./chains.js";
import { zInt, zPrivateKey, zUrl } from "./config.js";
import { DEFAULT_DATA_DIR } from "./node-db/open.js";

/** The environment without empty values, so `FOO=` counts as unset (and gets its default). */
export function envSource(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v.trim() !== "") out[k] = v.trim();
  return out;
}

/** Comma-separated base URLs of the attesters' HTTP APIs (docs/operations.md "Attester"). */
export const zUrlList = z
  .string()
  .transform((s) =>
    s
      .split(",")
      .map((u) => u.trim())
      .filter((u) => u !== ""),
  )
  .pipe(z.array(zUrl).min(1, "must list at least one attester URL, comma-separated"));

export const zPort = zInt(0).max(65535, "must be a TCP port (0-65535; 0 picks a free one)");
/** Gwei as a decimal number ("30", "1.5"), converted to wei. */
export const zGwei = z
  .string()
  .regex(/^\d+(\.\d{1,9})?$/, "must be a number of gwei such as 30 or 1.5")
  .transform((s) => {
    const [whole, frac = ""] = s.split(".");
    return BigInt(whole as string) * 1_000_000_000n + BigInt(frac.padEnd(9, "0"));
  });

export const envFields = {
  L1_RPC_URL: zUrl,
  L2_RPC_URL: zUrl,
  L1_CHAIN_ID: zInt(1).default(31337),
  L2_CHAIN_ID: zInt(1).default(31338),
  DEPLOYMENTS_DIR: z.string().default("deployments"),
  DATA_DIR: z.string().default(DEFAULT_DATA_DIR),
  RELAYER_PRIVATE_KEY: zPrivateKey,
  SENDER_PRIVATE_KEY: zPrivateKey,
  CONFIRMATIONS: zInt(1).default(1),
  POLL_INTERVAL_MS: zInt(10).default(1_000),
  LOG_BLOCK_RANGE: zInt(1).default(2_000),
  TX_TIMEOUT_MS: zInt(1_000).default(60_000),
  MAX_FEE_PER_GAS_GWEI: zGwei.optional(),
  METRICS_PORT: zPort.optional(),
  ATTESTER_URLS: zUrlList,
} as const;

export { dbPathOf } from "./node-db/open.js";

/** The viem client settings of one chain; receipts and watchers poll at most every second. */
export const chainConfigOf = (name: string, rpcUrl: string, chainId: number, pollIntervalMs: number): ChainConfig => ({
  name,
  rpcUrl,
  chainId,
  pollingIntervalMs: Math.min(pollIntervalMs, 1_000),
});
