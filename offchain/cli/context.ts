/**
 * The CLI's configuration and clients. Read from the environment (the same variables as the
 * services) and deployments/<chainId>.json, validated once, lazily: a command only needs the
 * chains it touches. The signing key comes only from PRIVATE_KEY.
 */

import { existsSync } from "node:fs";
import Database from "better-sqlite3";
import { type Address, createPublicClient, http, isAddress, type PublicClient, type Transport } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { z } from "zod";
import { BridgeError } from "../lib/errors.js";
import { zUrlList } from "../runtime/env.js";
import {
  type ChainConfig,
  ConfigError,
  contractAddress,
  type Db,
  type Deployment,
  loadDeployment,
  parseConfig,
  publicClientFor,
  type SignerClient,
  walletClientFor,
  zInt,
  zUrl,
} from "../runtime/index.js";
import { DEFAULT_DATA_DIR, dbPathOf } from "../runtime/node-db/index.js";
import { checkedTransport, type Layer, RpcUnreachableError } from "./chain-check.js";

export type { Layer };

const EnvSchema = z.object({
  L1_RPC_URL: zUrl.optional(),
  L2_RPC_URL: zUrl.optional(),
  L1_CHAIN_ID: zInt(1).default(31337),
  L2_CHAIN_ID: zInt(1).default(31338),
  DEPLOYMENTS_DIR: z.string().min(1).default("deployments"),
  DATA_DIR: z.string().min(1).default(DEFAULT_DATA_DIR),
  ATTESTER_URLS: zUrlList.optional(),
});

/** A comma-separated list of http(s) URLs given on the command line. */
function parseUrlList(given: string): string[] {
  const parsed = zUrlList.safeParse(given);
  if (!parsed.success)
    throw new InputError(`--attesters must be comma-separated http(s) URLs of attesters, got "${given}"`);
  return parsed.data;
}

/** PRIVATE_KEY, checked without ever echoing it (parseConfig would print a bad value). */
function readPrivateKey(env: NodeJS.ProcessEnv): `0x${string}` | undefined {
  const value = env.PRIVATE_KEY?.trim();
  if (value === undefined || value === "") return undefined;
  const hex = value.startsWith("0x") || value.startsWith("0X") ? value.slice(2) : value;
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) {
    throw new ConfigError([
      `PRIVATE_KEY (environment): must be 64 hex digits, optionally after 0x (value not shown; it has ${value.length} characters)`,
    ]);
  }
  return `0x${hex}`;
}

export interface ContextOptions {
  /** JSON-RPC transports by layer (tests route them to msw or anvil). */
  transports?: Partial<Record<Layer, Transport>>;
  /** Where a long-running command reports its steps as they happen (the CLI: stderr). */
  progress?: (line: string) => void;
  /** Where a long L1 scan reports its progress (exit, exit-data; the CLI: stdout, stderr with --json). */
  report?: (line: string) => void;
}

/** Everything a command may use; each piece is checked the first time it is needed. */
export class CliContext {
  private readonly env: z.output<typeof EnvSchema> & { PRIVATE_KEY: `0x${string}` | undefined };
  private readonly cache = new Map<string, unknown>();
  private readonly l1ChainIdGiven: boolean;
  private l1: { rpcUrl?: string; chainId?: number; assetStorage?: Address } = {};

  constructor(
    env: NodeJS.ProcessEnv,
    private readonly options: ContextOptions = {},
  ) {
    const { PRIVATE_KEY: _secret, ...rest } = env;
    this.env = { ...parseConfig(EnvSchema, rest), PRIVATE_KEY: readPrivateKey(env) };
    this.l1ChainIdGiven = (env.L1_CHAIN_ID ?? "").trim() !== "";
  }

  /**
   * `--l1-rpc` and `--asset-storage` (exit, exit-data): L1 from the command line instead of L1_RPC_URL
   * and deployments/. Without L1_CHAIN_ID, the chain id is the one the RPC answers. Call before any client.
   */
  async overrideL1(o: { rpcUrl?: string; assetStorage?: string }): Promise<void> {
    if (o.rpcUrl === undefined && o.assetStorage === undefined) return;
    if (this.cache.size > 0) throw new Error("internal: overrideL1 after a client was made");
    if (o.assetStorage !== undefined) this.l1.assetStorage = parseAddress(o.assetStorage, "asset-storage");
    if (o.rpcUrl === undefined) return;
    const url = zUrl.safeParse(o.rpcUrl);
    if (!url.success) throw new InputError(`--l1-rpc must be an http(s) or ws(s) URL, got "${o.rpcUrl}"`);
    this.l1.rpcUrl = url.data;
    if (this.l1ChainIdGiven) return;
    const transport = this.options.transports?.L1 ?? http(url.data, { retryCount: 0 });
    const probe = createPublicClient({ transport });
    try {
      this.l1.chainId = await probe.getChainId();
    } catch (error) {
      throw new RpcUnreachableError(`L1 RPC ${url.data} did not answer eth_chainId: ${(error as Error).message}`);
    }
  }

  /** True when `--asset-storage` named the contract (no deployments/ file is read for it). */
  get assetStorageGiven(): boolean {
    return this.l1.assetStorage !== undefined;
  }

  private once<T>(key: string, make: () => T): T {
    if (!this.cache.has(key)) this.cache.set(key, make());
    return this.cache.get(key) as T;
  }

  chain(layer: Layer): ChainConfig {
    const rpcUrl = layer === "L1" ? (this.l1.rpcUrl ?? this.env.L1_RPC_URL) : this.env.L2_RPC_URL;
    if (!rpcUrl)
      throw new ConfigError([`${layer}_RPC_URL (environment): missing; set it to the ${layer} JSON-RPC URL`]);
    return {
      name: layer,
      rpcUrl,
      chainId: layer === "L1" ? (this.l1.chainId ?? this.env.L1_CHAIN_ID) : this.env.L2_CHAIN_ID,
      pollingIntervalMs: 250,
    };
  }

  /** The layer's transport: the chain id is checked before its first request (chain-check.ts). */
  private transport(layer: Layer): Transport {
    return this.once(`transport:${layer}`, () => {
      const c = this.chain(layer);
      const inner = this.options.transports?.[layer] ?? http(c.rpcUrl, { retryCount: 0 });
      return checkedTransport(inner, { layer, url: c.rpcUrl, chainId: c.chainId });
    });
  }

  client(layer: Layer): PublicClient {
    return this.once(`client:${layer}`, () => publicClientFor(this.chain(layer), this.transport(layer)));
  }

  deployment(layer: Layer): Deployment {
    return this.once(`deployment:${layer}`, () => {
      const chainId = layer === "L1" ? (this.l1.chainId ?? this.env.L1_CHAIN_ID) : this.env.L2_CHAIN_ID;
      const d = loadDeployment(this.env.DEPLOYMENTS_DIR, chainId);
      if (d.layer !== layer)
        throw new ConfigError([`deployments/${chainId}.json: layer is ${d.layer}, expected ${layer}`]);
      return d;
    });
  }

  get assetStorage(): Address {
    return this.l1.assetStorage ?? contractAddress(this.deployment("L1"), "AssetStorage");
  }

  get assetReceiving(): Address {
    return contractAddress(this.deployment("L2"), "AssetReceiving");
  }

  /** The attesters' URLs: `given` (comma-separated) or ATTESTER_URLS. */
  attesterUrls(given?: string): string[] {
    const urls = given === undefined ? this.env.ATTESTER_URLS : parseUrlList(given);
    if (!urls?.length)
      throw new InputError("no attesters: pass --attesters <url,url,...> or set ATTESTER_URLS (their HTTP APIs)");
    return urls;
  }

  /** The signing account's address, or undefined without PRIVATE_KEY. */
  get account(): Address | undefined {
    return this.env.PRIVATE_KEY ? privateKeyToAccount(this.env.PRIVATE_KEY).address : undefined;
  }

  /** The address a command acts for: `given` (validated) or the PRIVATE_KEY account. */
  who(given: string | undefined, option: string): Address {
    if (given !== undefined) return parseAddress(given, option);
    const account = this.account;
    if (!account) {
      throw new ConfigError([`PRIVATE_KEY (environment): missing; set it, or name the account with --${option}`]);
    }
    return account;
  }

  /** Fails early, before any RPC, when a command that signs has no key. */
  requireKey(): void {
    if (!this.env.PRIVATE_KEY) {
      throw new ConfigError([
        "PRIVATE_KEY (environment): missing; this command signs a transaction: " +
          "`read -rs PRIVATE_KEY && export PRIVATE_KEY` (never pass it as an argument)",
      ]);
    }
  }

  signer(layer: Layer): SignerClient {
    return this.once(`signer:${layer}`, () => {
      this.requireKey();
      return walletClientFor(this.chain(layer), this.env.PRIVATE_KEY as `0x${string}`, this.transport(layer));
    });
  }

  /** Reports a step of a long-running command (`wait`). */
  progress(line: string): void {
    this.options.progress?.(line);
  }

  /** Reports the progress of a long L1 scan (exit, exit-data). */
  report(line: string): void {
    (this.options.report ?? this.options.progress)?.(line);
  }

  /** Default node database path ($DATA_DIR/bridge.sqlite). */
  get defaultDbPath(): string {
    return dbPathOf(this.env.DATA_DIR);
  }

  /** Opens the node database read-only, or returns undefined when it does not exist. */
  openNodeDb(path = this.defaultDbPath): Db | undefined {
    if (!existsSync(path)) return undefined;
    return new Database(path, { readonly: true, fileMustExist: true });
  }
}

/**
 * A 0x address from an option, or an InputError naming it. All lower (or upper) case is taken as is;
 * mixed case is an EIP-55 checksum and must be right, as a typo in it would otherwise pass unnoticed.
 */
export function parseAddress(value: string, option: string): Address {
  if (!/^0x[0-9a-fA-F]{40}$/.test(value) || !isAddress(value, { strict: true })) {
    throw new InputError(
      `--${option} must be an address (0x followed by 40 hex digits; in mixed case, with a valid EIP-55 checksum), ` +
        `got "${value}"`,
    );
  }
  return value as Address;
}

/** A bad option value (exit status 2, like a usage error). */
export class InputError extends BridgeError {
  override name = "InputError";
}
