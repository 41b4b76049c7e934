/**
 * Every request the CLI makes to a chain goes through `checkedTransport`: the first one asks
 * `eth_chainId` and compares it with the configured chain (L1_CHAIN_ID / L2_CHAIN_ID), so nothing is
 * read from or sent to a chain of another id; a transport failure becomes one line naming the chain,
 * the URL and the reason (`connection refused`) instead of viem's multi-line dump.
 */

import { HttpRequestError, TimeoutError, type Transport } from "viem";
import { BridgeError } from "../lib/errors.js";

/** One of the two chains of the bridge. */
export type Layer = "L1" | "L2";

/** Where a layer's RPC points, as configured. */
export interface RpcTarget {
  layer: Layer;
  url: string;
  chainId: number;
}

/** The RPC answers for another chain than the configured one (exit status 2: configuration). */
export class ChainIdMismatchError extends BridgeError {
  override name = "ChainIdMismatchError";
}

/** The RPC could not be reached or did not answer (exit status 1). */
export class RpcUnreachableError extends BridgeError {
  override name = "RpcUnreachableError";
}

const causes = (error: unknown): unknown[] => {
  const out: unknown[] = [];
  for (let e = error, i = 0; e !== undefined && e !== null && i < 16; i++) {
    out.push(e);
    e = (e as { cause?: unknown }).cause;
  }
  return out;
};

/** The CLI's own chain error inside `error` (viem wraps what a transport throws), if any. */
export function chainErrorOf(error: unknown): ChainIdMismatchError | RpcUnreachableError | undefined {
  return causes(error).find((e) => e instanceof ChainIdMismatchError || e instanceof RpcUnreachableError) as
    | ChainIdMismatchError
    | RpcUnreachableError
    | undefined;
}

const NETWORK_CODES: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset",
  ENOTFOUND: "host not found",
  EAI_AGAIN: "host name lookup failed",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  ETIMEDOUT: "connection timed out",
  UND_ERR_CONNECT_TIMEOUT: "connection timed out",
  UND_ERR_SOCKET: "connection closed",
};

/** Why a transport failed, in a few words; undefined when the error is an answer (JSON-RPC error, revert). */
function transportFailure(error: unknown): string | undefined {
  const chain = causes(error);
  if (chain.some((e) => e instanceof TimeoutError)) return "no answer in time (request timed out)";
  const http = chain.find((e) => e instanceof HttpRequestError) as HttpRequestError | undefined;
  if (!http) return undefined;
  for (const e of chain) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && NETWORK_CODES[code]) return NETWORK_CODES[code];
  }
  if (http.status) return `HTTP ${http.status}`;
  const inner = chain.at(-1);
  return inner instanceof Error ? inner.message : "request failed";
}

function unreachable(target: RpcTarget, why: string): RpcUnreachableError {
  return new RpcUnreachableError(
    `cannot reach ${target.layer} at ${target.url} (${target.layer}_RPC_URL, chain ${target.chainId}): ${why}; ` +
      `is the ${target.layer} node running at that URL?`,
  );
}

/** Wraps `inner` so that the chain id is checked once before the first request and failures read as one line. */
export function checkedTransport(inner: Transport, target: RpcTarget): Transport {
  let verified: Promise<void> | undefined;
  const wrapped = ((options: Parameters<Transport>[0]) => {
    const t = inner(options);
    const raw = async (args: Parameters<typeof t.request>[0]) => {
      try {
        return await t.request(args);
      } catch (error) {
        const why = transportFailure(error);
        throw why ? unreachable(target, why) : error;
      }
    };
    const verify = async () => {
      const answer = await raw({ method: "eth_chainId" });
      const id = Number(BigInt(answer as string));
      if (id !== target.chainId) {
        throw new ChainIdMismatchError(
          `${target.layer}_RPC_URL ${target.url} is chain ${id}, not ${target.layer}_CHAIN_ID ${target.chainId}: ` +
            `point ${target.layer}_RPC_URL at the ${target.layer} chain, or set ${target.layer}_CHAIN_ID ` +
            `(it selects deployments/<chainId>.json); nothing was sent`,
        );
      }
    };
    const request = (async (args: Parameters<typeof t.request>[0]) => {
      verified ??= verify();
      await verified;
      return raw(args);
    }) as typeof t.request;
    return { ...t, request };
  }) as Transport;
  return wrapped;
}
