/**
 * Tokens and amounts: `--token ETH | <symbol> | <id> | <L1 ERC-20 address>` to a bridge token id with its
 * symbol and decimals, and `--amount 1.5` to base units.
 */
import { type Address, formatUnits, parseUnits, zeroAddress } from "viem";
import { MAX_UINT128 } from "../lib/field.js";
import { receivingAbi, storageAbi, tokenAbi } from "./abi.js";
import { type CliContext, InputError, type Layer, parseAddress } from "./context.js";

export interface TokenInfo {
  tokenId: number;
  symbol: string;
  /** Undefined when unknown (an L2 token without metadata): amounts then need --raw. */
  decimals: number | undefined;
  /** The ERC-20 on L1; null for ETH or when not looked up. */
  l1Address: Address | null;
}

export const ETH: TokenInfo = { tokenId: 0, symbol: "ETH", decimals: 18, l1Address: null };

async function l1Metadata(ctx: CliContext, tokenId: number, address: Address): Promise<TokenInfo> {
  const client = ctx.client("L1");
  const [symbol, decimals] = await Promise.all([
    client.readContract({ address, abi: tokenAbi, functionName: "symbol" }).catch(() => `#${tokenId}`),
    client.readContract({ address, abi: tokenAbi, functionName: "decimals" }).catch(() => undefined),
  ]);
  return { tokenId, symbol, decimals, l1Address: address };
}

const SYMBOL = /^[A-Za-z][A-Za-z0-9._-]{0,31}$/;

/**
 * The bridge token id of a symbol, from the L1 token registry (the symbols `balance` prints): an exact
 * match first, else a case-insensitive one; an ambiguous or unknown symbol names the tokens there are.
 */
async function tokenIdOfSymbol(ctx: CliContext, symbol: string): Promise<number> {
  const tokens = await listTokens(ctx);
  const exact = tokens.filter((t) => t.symbol === symbol);
  const found = exact.length > 0 ? exact : tokens.filter((t) => t.symbol.toLowerCase() === symbol.toLowerCase());
  const known = tokens.map((t) => `${t.symbol} (${t.tokenId})`).join(", ");
  if (found.length === 1) return (found[0] as TokenInfo).tokenId;
  if (found.length === 0)
    throw new InputError(`--token ${symbol}: no docked token has this symbol; the tokens are ${known}`);
  throw new InputError(
    `--token ${symbol}: ${found.length} docked tokens have this symbol (ids ${found.map((t) => t.tokenId).join(", ")}): ` +
      "give the token id or its L1 address instead",
  );
}

/** Resolves `--token` for a command that acts on `layer` (L2 commands read the L2 metadata). */
export async function resolveToken(ctx: CliContext, spec: string, layer: Layer): Promise<TokenInfo> {
  const s = spec.trim();
  if (/^eth$/i.test(s) || s === "0") return ETH;
  if (/^0x/i.test(s)) {
    const address = parseAddress(s, "token");
    const tokenId = await ctx.client("L1").readContract({
      address: ctx.assetStorage,
      abi: storageAbi,
      functionName: "tokenIdOf",
      args: [address],
    });
    if (tokenId === 0)
      throw new InputError(`--token ${s}: this ERC-20 is not docked on AssetStorage (no bridge token id)`);
    return l1Metadata(ctx, tokenId, address);
  }
  if (SYMBOL.test(s)) return resolveToken(ctx, String(await tokenIdOfSymbol(ctx, s)), layer);
  if (!/^\d+$/.test(s) || BigInt(s) > 0xffffffffn) {
    throw new InputError(
      `--token must be ETH, a token symbol, a token id (0, 1, 2, ...) or an ERC-20 address, got "${spec}"`,
    );
  }
  const tokenId = Number(s);
  if (layer === "L1") {
    const storage = ctx.assetStorage;
    const client = ctx.client("L1");
    const count = await client.readContract({ address: storage, abi: storageAbi, functionName: "tokenCount" });
    if (tokenId >= count)
      throw new InputError(`--token ${tokenId}: unknown token; AssetStorage has ids 0..${count - 1}`);
    const address = await client.readContract({
      address: storage,
      abi: storageAbi,
      functionName: "tokenAddress",
      args: [tokenId],
    });
    return address === zeroAddress ? ETH : l1Metadata(ctx, tokenId, address);
  }
  const client = ctx.client("L2");
  const receiving = ctx.assetReceiving;
  const [symbol, decimals] = await Promise.all([
    client.readContract({ address: receiving, abi: receivingAbi, functionName: "symbol", args: [BigInt(tokenId)] }),
    client.readContract({ address: receiving, abi: receivingAbi, functionName: "decimals", args: [BigInt(tokenId)] }),
  ]);
  if (symbol === "") return { tokenId, symbol: `#${tokenId}`, decimals: undefined, l1Address: null };
  return { tokenId, symbol, decimals, l1Address: null };
}

/** `--amount` in base units: token units by default, base units with --raw. Positive, at most 2^128 - 1. */
export function parseAmount(value: string, token: TokenInfo, raw: boolean): bigint {
  const v = value.trim();
  if (/^-\s*[\d.]/.test(v)) throw new InputError(`--amount ${v} is negative: give an amount above zero`);
  let amount: bigint;
  if (raw) {
    if (!/^\d+$/.test(v))
      throw new InputError(`--amount with --raw must be a whole number of base units, got "${value}"`);
    amount = BigInt(v);
  } else {
    if (token.decimals === undefined) {
      throw new InputError(
        `token ${token.tokenId} has no metadata on L2, so its decimals are unknown: give --amount in base units with --raw`,
      );
    }
    const m = /^(\d*)(?:\.(\d*))?$/.exec(v);
    if (!m || v === "" || v === ".") throw new InputError(`--amount must be a number such as 1.5, got "${value}"`);
    const fraction = m[2] ?? "";
    if (fraction.length > token.decimals) {
      throw new InputError(
        `--amount ${value}: ${token.symbol} has ${token.decimals} decimals, the amount has ${fraction.length}`,
      );
    }
    amount = parseUnits(v.startsWith(".") ? `0${v}` : v, token.decimals);
  }
  if (amount === 0n) throw new InputError("--amount must be more than zero");
  if (amount > MAX_UINT128)
    throw new InputError(`--amount ${value} is above the bridge's limit of 2^128 - 1 base units`);
  return amount;
}

/** `1.5 ETH`, or `123 base units of #7` when the decimals are unknown. */
export function formatAmount(amount: bigint, token: TokenInfo): string {
  if (token.decimals === undefined) return `${amount} (base units) ${token.symbol}`;
  return `${formatUnits(amount, token.decimals)} ${token.symbol}`;
}

/** Every token docked on L1 (id 0 = ETH first). */
export async function listTokens(ctx: CliContext): Promise<TokenInfo[]> {
  const client = ctx.client("L1");
  const storage = ctx.assetStorage;
  const count = await client.readContract({ address: storage, abi: storageAbi, functionName: "tokenCount" });
  const out: TokenInfo[] = [ETH];
  for (let id = 1; id < count; id++) {
    const address = await client.readContract({
      address: storage,
      abi: storageAbi,
      functionName: "tokenAddress",
      args: [id],
    });
    out.push(await l1Metadata(ctx, id, address));
  }
  return out;
}
