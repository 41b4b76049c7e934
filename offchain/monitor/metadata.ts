/**
 * Relaying the metadata of docked ERC-20s to L2 (`setTokenMetadata`). Name, symbol and decimals are
 * read from the token on L1; a token without them (or with bytes32 strings, as some old tokens
 * have) gets readable fallbacks, and the values are cleaned so a hostile token cannot push huge or
 * control-character strings to L2. A token whose L2 metadata already matches is not sent again.
 */
import {
  type Address,
  encodeFunctionData,
  getAbiItem,
  hexToString,
  type PublicClient,
  parseAbi,
  toEventSelector,
} from "viem";
import { assetReceivingAbi, erc20Abi } from "../lib/abi.js";
import { describeError, isRetryableRpcError, rpcRetry } from "../node/rpc.js";
import { sendTransaction } from "../node/tx.js";
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

/**
 * Reads name, symbol and decimals of `token` on L1 with fallbacks. Transient RPC errors are thrown
 * (the relay is retried later); a missing or malformed function means "use the fallback".
 */
export async function readTokenMetadata(
  l1: PublicClient,
  token: Address,
  tokenId: number,
  o: { log: L2Context["log"]; signal: AbortSignal },
): Promise<TokenMetadata> {
  const fallback = fallbackMetadata(tokenId);
  const fallbacks: TokenMetadata["fallbacks"] = [];
  const attempt = async <T>(what: string, fn: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await rpcRetry(what, fn, { ...o, attempts: 3 });
    } catch (error) {
      if (isRetryableRpcError(error)) throw error;
      return undefined;
    }
  };
  const text = async (field: "name" | "symbol"): Promise<string> => {
    const asString = await attempt(`${field}()`, () =>
      l1.readContract({ address: token, abi: erc20Abi, functionName: field }),
    );
    let value = asString === undefined ? undefined : cleanMetadataString(asString);
    if (value === undefined || value === "") {
      const asBytes = await attempt(`${field}() as bytes32`, () =>
        l1.readContract({ address: token, abi: bytes32Abi, functionName: field }),
      );
      value = asBytes === undefined ? undefined : cleanMetadataString(hexToString(asBytes, { size: 32 }));
    }
    if (value === undefined || value === "") {
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
  if (decimals === undefined) fallbacks.push("decimals");
  return { name, symbol, decimals: decimals ?? fallback.decimals, fallbacks };
}

const METADATA_SET_TOPIC = toEventSelector(getAbiItem({ abi: assetReceivingAbi, name: "TokenMetadataSet" }));

/** Relays the metadata of every docked token not yet set on L2. Returns how many were set. */
export async function relayTokenMetadata(ctx: L2Context & { l1: PublicClient }): Promise<number> {
  let done = 0;
  for (const t of ctx.store.tokensWithoutMetadata()) {
    if (ctx.signal.aborted) break;
    const log = ctx.log.child({ tokenId: t.tokenId, token: t.token });
    const m = await readTokenMetadata(ctx.l1, t.token, t.tokenId, { log, signal: ctx.signal });
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
      done += 1;
      continue;
    }
    const args = [t.tokenId, m.name, m.symbol, m.decimals] as const;
    try {
      await rpcRetry(
        "simulate setTokenMetadata",
        () =>
          ctx.l2.simulateContract({
            account: ctx.wallet.account,
            address: ctx.assetReceiving,
            abi: assetReceivingAbi,
            functionName: "setTokenMetadata",
            args,
          }),
        { log, signal: ctx.signal },
      );
    } catch (error) {
      if (isRetryableRpcError(error) || ctx.signal.aborted) throw error;
      log.error("setTokenMetadata would revert on L2: will retry", { reason: describeError(error) });
      ctx.store.markMetadata(t.tokenId, { status: "failed", error: describeError(error) });
      continue;
    }
    const sent = await sendTransaction(
      { client: ctx.l2, wallet: ctx.wallet, log, signal: ctx.signal, ...ctx.tx },
      {
        to: ctx.assetReceiving,
        data: encodeFunctionData({ abi: assetReceivingAbi, functionName: "setTokenMetadata", args }),
        what: `setTokenMetadata ${t.tokenId}`,
      },
    );
    if (sent.kind === "nonceTaken") continue; // looked at again next tick
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
      continue;
    }
    ctx.store.markMetadata(t.tokenId, { status: "set", ...m, tx: sent.hash });
    log.info("token metadata relayed to L2", { tx: sent.hash, name: m.name, symbol: m.symbol, decimals: m.decimals });
    done += 1;
  }
  return done;
}
