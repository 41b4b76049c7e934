/**
 * msw JSON-RPC plumbing for unit tests of services that talk to chains through viem's http
 * transport: one msw handler per RPC URL that decodes JSON-RPC requests (single or batched) and
 * answers from a function. Errors thrown as `RpcError` become JSON-RPC error objects; `HttpFailure`
 * becomes a plain HTTP error status; anything else is a -32603 internal error.
 *
 *   const server = setupServer(jsonRpcHandler("http://l1.test", (method, params) => ...));
 *   server.listen({ onUnhandledRequest: "error" });
 *
 * For a programmable fake chain (contracts, logs, transactions, fault injection) see fake-chain.ts.
 */
import { delay, HttpResponse, http, type JsonBodyType } from "msw";

/** A JSON-RPC error answer: `{ code, message, data }`. */
export class RpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
    this.name = "RpcError";
  }
}

/** An HTTP-level failure (the node answers with this status and no JSON-RPC body). */
export class HttpFailure extends Error {
  constructor(readonly status: number) {
    super(`HTTP ${status}`);
    this.name = "HttpFailure";
  }
}

/** Answers one JSON-RPC call; may be async; may return `hang(ms)` to answer late (timeouts). */
export type RpcMethodHandler = (method: string, params: unknown[]) => unknown | Promise<unknown>;

interface JsonRpcRequest {
  jsonrpc: "2.0";
  id: number | string | null;
  method: string;
  params?: unknown[];
}

const HANG = Symbol("hang");
interface Hang {
  [HANG]: number;
}

/** Returned by a handler: wait `ms` before answering (pair with a short client `timeout`). */
export function hang(ms: number): Hang {
  return { [HANG]: ms };
}

const isHang = (v: unknown): v is Hang => typeof v === "object" && v !== null && HANG in v;

/** JSON-serialises bigints as 0x-quantities (what nodes send). */
export function toQuantity(v: bigint | number): `0x${string}` {
  return `0x${BigInt(v).toString(16)}`;
}

async function answer(handle: RpcMethodHandler, req: JsonRpcRequest): Promise<{ body: unknown; hangMs: number }> {
  try {
    let result = await handle(req.method, req.params ?? []);
    let hangMs = 0;
    if (isHang(result)) {
      hangMs = result[HANG];
      result = null;
    }
    return { body: { jsonrpc: "2.0", id: req.id, result: result ?? null }, hangMs };
  } catch (error) {
    if (error instanceof HttpFailure) throw error;
    const e =
      error instanceof RpcError
        ? { code: error.code, message: error.message, ...(error.data !== undefined ? { data: error.data } : {}) }
        : { code: -32603, message: error instanceof Error ? error.message : String(error) };
    return { body: { jsonrpc: "2.0", id: req.id, error: e }, hangMs: 0 };
  }
}

/** An msw handler answering JSON-RPC POSTs to `url` with `handle`. */
export function jsonRpcHandler(url: string, handle: RpcMethodHandler) {
  return http.post(url, async ({ request }) => {
    const payload = (await request.json()) as JsonRpcRequest | JsonRpcRequest[];
    try {
      if (Array.isArray(payload)) {
        const answers = await Promise.all(payload.map((r) => answer(handle, r)));
        const wait = Math.max(0, ...answers.map((a) => a.hangMs));
        if (wait > 0) await delay(wait);
        return HttpResponse.json(answers.map((a) => a.body) as JsonBodyType);
      }
      const { body, hangMs } = await answer(handle, payload);
      if (hangMs > 0) await delay(hangMs);
      return HttpResponse.json(body as JsonBodyType);
    } catch (error) {
      if (error instanceof HttpFailure) return new HttpResponse("upstream failure", { status: error.status });
      throw error;
    }
  });
}
