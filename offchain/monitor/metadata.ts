/**
 * Relaying the metadata of docked ERC-20s to L2 (`setTokenMetadata`). Name, symbol and decimals are
 * read from the token on L1; a token without them (or with bytes32 strings, as some old tokens
 * have) gets readable fallbacks, and the values are cleaned so a hostile token cannot push huge or
 * control-character strings to L2. A token whose L2 metadata already matches is not sent again.
 */

import { type Address, getAbiItem, hexToString, type PublicClient, parseAbi, toEventSelector } from "viem";
import { assetReceivingAbi, erc20Abi } from "../lib/abi.js";
import { BridgeError } from "../lib/errors.js";
import type { StoredToken } from "../runtime/node-db/monitor.js";
import { describeError, isRetryableRpcError, isRevert, rpcRetry } from "../runtime/rpc.js";
import { simulateAndSend } from "../runtime/send.js";
import type { L2Context } from "./credit.js";

export interface TokenMetadata {
  name: string;
  symbol: string;
  decimals: number;
  /** Which fields fell back to defaults (for the log). */
  fallbacks: ("name" | "symbol" | "decimals")[];
}

const bytes32Abi = parseAbi(["function name() view returns (bytes32)", "function symbol() view returns (bytes32)"]);
export const MAX_METADATA_LENGTH = 64;

/** Printable, trimmed, at most MAX_METADATA_LENGTH characters (pure). */
export function cleanMetadataString(s: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
  const printable = s.replace(/[\u0000-\u001f\u007f]/g, "").trim();
  return [...printable].slice(0, MAX_METADATA_LENGTH).join("");
}

/** Fallbacks for a token without usable metadata (pure). */
export function fallbackMetadata(tokenId: number): Omit<TokenMetadata, "fallbacks"> {
  return { name: `Bridged token ${tokenId}`, symbol: `BT${tokenId}`, decimals: 18 };
}

/** The token's code holds a dispatcher entry (`PUSH4 selector`) for the function (pure, heuristic). */
export function codeHasFunction(code: string | undefined, selector: string): boolean {
  return code?.toLowerCase().includes(`63${selector.slice(2).toLowerCase()}`) ?? false;
}

/**
 * A metadata function the token's code does have reverted: nodes answer some transient failures of
 * eth_call as reverts (-32603), so this is retried before falling back.
 */
export class SuspectRevertError extends BridgeError {
  override name = "SuspectRevertError";
}

const SELECTORS = { name: "0x06fdde03", symbol: "0x95d89b41", decimals: "0x313ce567" } as const;

/**
 * Reads name, symbol and decimals of `token` on L1 with fallbacks. Transient RPC errors are thrown
 * (the relay is retried later). A function the token lacks, or whose answer does not decode, means
 * "use the fallback". A function the token's code has but whose call reverts throws
 * SuspectRevertError unless `acceptReverts` (the caller retries a few rounds first).
 */
export async function readTokenMetadata(
  l1: PublicClient,
  token: Address,
  tokenId: number,
  o: { log: L2Context["log"]; signal: AbortSignal; acceptReverts?: boolean },
): Promise<TokenMetadata> {
  const fallback = fallbackMetadata(tokenId);
  const fallbacks: TokenMetadata["fallbacks"] = [];
  let code: string | undefined;
  const attempt = async <T>(what: string, fn: () => Promise<T>): Promise<{ value?: T; reverted: boolean }> => {
    try {
      return { value: await rpcRetry(what, fn, { log: o.log, signal: o.signal, attempts: 3 }), reverted: false };
    } catch (error) {
      if (isRetryableRpcError(error)) throw error;
      return { reverted: isRevert(error) };
    }
  };
  const suspect = async (field: keyof typeof SELECTORS) => {
    if (o.acceptReverts) return;
    code ??= await rpcRetry("eth_getCode", () => l1.getCode({ address: token }), { log: o.log, signal: o.signal });
    if (codeHasFunction(code, SELECTORS[field])) {
      throw new SuspectRevertError(`${field}() of ${token} reverted although the token's code has it`);
    }
  };
  const text = async (field: "name" | "symbol"): Promise<string> => {
    const asString = await attempt(`${field}()`, () =>
      l1.readContract({ address: token, abi: erc20Abi, functionName: field }),
    );
    let value = asString.value === undefined ? undefined : cleanMetadataString(asString.value);
    // Only the canonical string call counts: a bytes32 retry of a string function returns garbage, not a revert.
    const reverted = asString.reverted;
    if (value === undefined || value === "") {
      const asBytes = await attempt(`${field}() as bytes32`, () =>
        l1.readContract({ address: token, abi: bytes32Abi, functionName: field }),
      );
      value = asBytes.value === undefined ? undefined : cleanMetadataString(hexToString(asBytes.value, { size: 32 }));
    }
    if (value === undefined || value === "") {
      if (reverted) await suspect(field);
      fallbacks.push(field);
      return fallback[field];
    }
    return value;
  };
  const name = await text("name");
  const symbol = await text("symbol");
  const decimals = await attempt("decimals()", () =>
    l1.readContract({ address: token, abi: erc20Abi, functionName: "decimals" }),
  );
  if (decimals.value === undefined) {
    if (decimals.reverted) await suspect("decimals");
    fallbacks.push("decimals");
  }
  return { name, symbol, decimals: decimals.value ?? fallback.decimals, fallbacks };
}

/** Rounds a SuspectRevertError is retried before the fallback is used. */
export const SUSPECT_REVERT_ROUNDS = 3;

const METADATA_SET_TOPIC = toEventSelector(getAbiItem({ abi: assetReceivingAbi, name: "TokenMetadataSet" }));

/** Relays the metadata of every docked token not yet set on L2. Returns how many were set. */
export interface MetadataContext extends L2Context {
  l1: PublicClient;
  /** Per token: rounds in which a metadata function the token has reverted (kept across rounds by the caller). */
  suspectRounds: Map<number, number>;
}

export async function relayTokenMetadata(ctx: MetadataContext): Promise<number> {
  let done = 0;
  for (const t of ctx.store.tokensWithoutMetadata()) {
    if (ctx.signal.aborted) break;
    try {
      if (await relayOne(ctx, t)) done += 1;
    } catch (error) {
      // One token's trouble (an RPC hiccup, a strange token) must not hold up the credits.
      if (ctx.signal.aborted) throw error;
      ctx.log.warn("token metadata relay failed; will retry next round", {
        tokenId: t.tokenId,
        error: describeError(error),
      });
    }
  }
  return done;
}

async function relayOne(ctx: MetadataContext, t: StoredToken): Promise<boolean> {
  const log = ctx.log.child({ tokenId: t.tokenId, token: t.token });
  const rounds = ctx.suspectRounds.get(t.tokenId) ?? 0;
  let m: TokenMetadata;
  try {
    m = await readTokenMetadata(ctx.l1, t.token, t.tokenId, {
      log,
      signal: ctx.signal,
      acceptReverts: rounds + 1 >= SUSPECT_REVERT_ROUNDS,
    });
  } catch (error) {
    if (error instanceof SuspectRevertError) ctx.suspectRounds.set(t.tokenId, rounds + 1);
    throw error;
  }
  ctx.suspectRounds.delete(t.tokenId);
  if (m.fallbacks.length) log.warn("token lacks some metadata: using fallbacks", { ...m });
  const id = BigInt(t.tokenId);
  const read = (functionName: "name" | "symbol" | "decimals") =>
    rpcRetry(
      `L2 ${functionName}(${t.tokenId})`,
      () => ctx.l2.readContract({ address: ctx.assetReceiving, abi: assetReceivingAbi, functionName, args: [id] }),
      { log, signal: ctx.signal },
    ) as Promise<string | number>;
  const [name, symbol, decimals] = await Promise.all([read("name"), read("symbol"), read("decimals")]);
  if (name === m.name && symbol === m.symbol && decimals === m.decimals) {
    ctx.store.markMetadata(t.tokenId, { status: "set", ...m });
    log.info("token metadata already on L2");
    return true;
  }
  const args = [t.tokenId, m.name, m.symbol, m.decimals] as const;
  const sent = await simulateAndSend(
    { client: ctx.l2, wallet: ctx.wallet, log, signal: ctx.signal, ...ctx.tx, what: `setTokenMetadata ${t.tokenId}` },
    { address: ctx.assetReceiving, abi: assetReceivingAbi, functionName: "setTokenMetadata", args },
  );
  if (sent.kind === "wouldRevert") {
    log.error("setTokenMetadata would revert on L2: will retry", { reason: sent.reason });
    ctx.store.markMetadata(t.tokenId, { status: "failed", error: sent.reason });
    return false;
  }
  if (sent.kind === "nonceTaken") return false; // looked at again next round
  const event = sent.receipt.logs.some(
    (l) => l.address.toLowerCase() === ctx.assetReceiving.toLowerCase() && l.topics[0] === METADATA_SET_TOPIC,
  );
  if (sent.receipt.status !== "success" || !event) {
    log.error("setTokenMetadata failed on L2: will retry", { tx: sent.hash, status: sent.receipt.status });
    ctx.store.markMetadata(t.tokenId, {
      status: "failed",
      tx: sent.hash,
      error: `tx ${sent.hash} ${sent.receipt.status}`,
    });
    return false;
  }
  ctx.store.markMetadata(t.tokenId, { status: "set", ...m, tx: sent.hash });
  log.info("token metadata relayed to L2", { tx: sent.hash, name: m.name, symbol: m.symbol, decimals: m.decimals });
  return true;
}
