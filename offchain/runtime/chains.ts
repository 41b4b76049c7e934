/**
 * viem clients for one chain, built from an RPC URL, a chain id and (for senders) a private key.
 */
import {
  type Account,
  type Chain,
  createPublicClient,
  createWalletClient,
  defineChain,
  http,
  type PublicClient,
  type Transport,
  type WalletClient,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";

export interface ChainConfig {
  name: string;
  rpcUrl: string;
  chainId: number;
  /** Polling interval for watchers and receipts, in ms. */
  pollingIntervalMs?: number;
}

export function chainOf(c: ChainConfig): Chain {
  return defineChain({
    id: c.chainId,
    name: c.name,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [c.rpcUrl] } },
  });
}

export function publicClientFor(
  c: ChainConfig,
  transport: Transport = http(c.rpcUrl, { retryCount: 0 }),
): PublicClient {
  return createPublicClient({ chain: chainOf(c), transport, pollingInterval: c.pollingIntervalMs ?? 500 });
}

export type SignerClient = WalletClient<Transport, Chain, Account>;

export function walletClientFor(
  c: ChainConfig,
  privateKey: `0x${string}`,
  transport: Transport = http(c.rpcUrl, { retryCount: 0 }),
): SignerClient {
  return createWalletClient({
    chain: chainOf(c),
    transport,
    account: privateKeyToAccount(privateKey),
    pollingInterval: c.pollingIntervalMs ?? 500,
  });
}
