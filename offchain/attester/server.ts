/**
 * The attester's HTTP API (node:http, JSON; docs/operations.md "Attester"):
 * `GET /health`, `GET /metrics`, `GET /v1/deposit/{id}[?recipient&tokenId&amount&depositor&timestamp]`,
 * `POST /v1/batch` `{batchNumber, newOpChain, l2OpCount, l2OpHead}`, `GET /v1/exodus`.
 * A signature answer is `{signer, signature, digest, message}`; a refusal is
 * `{error, reason, field?, expected?, got?}` with 409 (mismatch), 425 (not yet seen), 400, 404 or 503.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Address } from "viem";
import { z } from "zod";
import { BatchRequestSchema, claimOfBatchRequest, type Refusal } from "../runtime/attestations.js";
import type { Logger } from "../runtime/log.js";
import { toJsonLine } from "../runtime/log.js";
import type { Metrics } from "../runtime/metrics.js";
import { describeError } from "../runtime/rpc.js";
import type { Answer, Attester } from "./attester.js";
import type { AttesterConfig } from "./config.js";
import { decideBatch, decideDeposit } from "./decide.js";

const MAX_BODY = 4096;

const DepositQuery = z.object({
  recipient: z.string().regex(/^0x[0-9a-fA-F]{40}$/),
  tokenId: z.string().regex(/^\d+$/),
  amount: z.string().regex(/^\d+$/),
  depositor: z.string().regex(/^0x[0-9a-fA-F]{40}$/),
  timestamp: z.string().regex(/^\d+$/),
});

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(toJsonLine(body));
}

const badRequest = (reason: string): Answer => ({
  status: 400,
  body: { error: "bad-request", reason } satisfies Refusal,
});

async function readBody(req: IncomingMessage): Promise<string> {
  let text = "";
  for await (const chunk of req) {
    text += chunk;
    if (text.length > MAX_BODY) throw new Error(`request body above ${MAX_BODY} bytes`);
  }
  return text;
}

async function batchAnswer(attester: Attester, config: AttesterConfig, req: IncomingMessage): Promise<Answer> {
  let json: unknown;
  try {
    json = JSON.parse(await readBody(req));
  } catch (error) {
    return badRequest(`body must be JSON {batchNumber, newOpChain, l2OpCount, l2OpHead}: ${describeError(error)}`);
  }
  const parsed = BatchRequestSchema.safeParse(json);
  if (!parsed.success) {
    return badRequest(
      "body must be {batchNumber, newOpChain, l2OpCount (decimal strings), l2OpHead (0x and 64 hex digits)}",
    );
  }
  const claim = claimOfBatchRequest(parsed.data);
  if (claim.batchNumber >= 1n << 64n || claim.l2OpCount >= 1n << 64n || claim.newOpChain >= 1n << 256n) {
    return badRequest("batchNumber and l2OpCount must fit 64 bits, newOpChain 256 bits");
  }
  return attester.answer("batch", decideBatch(config.contracts, attester.opLogView(), claim));
}

function depositAnswer(
  attester: Attester,
  config: AttesterConfig,
  id: string,
  query: URLSearchParams,
): Promise<Answer> | Answer {
  if (!/^\d+$/.test(id) || BigInt(id) >= 1n << 64n) return badRequest(`deposit id ${id} is not a uint64`);
  const fields = Object.fromEntries(query);
  let asked: Parameters<typeof decideDeposit>[3];
  if (Object.keys(fields).length > 0) {
    const q = DepositQuery.safeParse(fields);
    if (!q.success) return badRequest("give all of recipient, tokenId, amount, depositor, timestamp or none of them");
    const { recipient, tokenId, amount, depositor, timestamp } = q.data;
    asked = {
      recipient: recipient as Address,
      tokenId: Number(tokenId),
      amount: BigInt(amount),
      depositor: depositor as Address,
      timestamp: BigInt(timestamp),
    };
  }
  return attester.answer("deposit", decideDeposit(config.contracts, attester.depositView(), BigInt(id), asked));
}

function health(attester: Attester, res: ServerResponse): void {
  const l2 = attester.store.l2Cursor();
  const ok = attester.healthy();
  send(res, ok ? 200 : 503, {
    ok,
    signer: attester.signer,
    l1: { ...attester.status.L1, deposits: attester.store.l1Cursor().depositCount },
    l2: { ...attester.status.L2, opCount: l2.opCount, opHead: l2.opHead, opChain: l2.opChain },
  });
}

type Route =
  | { name: "health" | "metrics" | "batch" | "exodus"; method: "GET" | "POST" }
  | { name: "deposit"; method: "GET"; id: string };

function routeOf(path: string): Route | undefined {
  const deposit = /^\/v1\/deposit\/([^/]+)$/.exec(path)?.[1];
  if (deposit !== undefined) return { name: "deposit", method: "GET", id: deposit };
  const fixed: Record<string, Route> = {
    "/health": { name: "health", method: "GET" },
    "/metrics": { name: "metrics", method: "GET" },
    "/v1/batch": { name: "batch", method: "POST" },
    "/v1/exodus": { name: "exodus", method: "GET" },
  };
  return fixed[path];
}

async function route(
  attester: Attester,
  config: AttesterConfig,
  metrics: Metrics,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? "/", "http://attester");
  const r = routeOf(url.pathname);
  if (!r)
    return send(res, 404, {
      error: "not-found",
      reason: "try GET /health, /metrics, /v1/deposit/{id}, /v1/exodus or POST /v1/batch",
    });
  if (req.method !== r.method)
    return send(res, 405, { error: "bad-request", reason: `use ${r.method} ${url.pathname}` });
  if (r.name === "health") return health(attester, res);
  if (r.name === "metrics") {
    res.writeHead(200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" });
    return void res.end(metrics.render());
  }
  const answer =
    r.name === "deposit"
      ? await depositAnswer(attester, config, r.id, url.searchParams)
      : r.name === "batch"
        ? await batchAnswer(attester, config, req)
        : await attester.answer("exodus", await attester.exodusDecision());
  send(res, answer.status, answer.body);
}

export interface ServeOptions {
  host: string;
  port: number;
  signal: AbortSignal;
  log: Logger;
}

/** Serves the API until `signal` aborts; resolves once listening, with the bound port. */
export async function serveAttesterApi(
  attester: Attester,
  config: AttesterConfig,
  metrics: Metrics,
  o: ServeOptions,
): Promise<{ server: Server; port: number; url: string }> {
  const server = createServer((req, res) => {
    route(attester, config, metrics, req, res).catch((error: unknown) => {
      o.log.warn("request failed", { path: req.url, error: describeError(error) });
      if (!res.headersSent)
        send(res, 503, { error: "unavailable", reason: `cannot answer now: ${describeError(error)}` });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(o.port, o.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : o.port;
  const url = `http://${o.host}:${port}`;
  o.log.info("attester API listening", { url, signer: attester.signer });
  const close = () => {
    server.close();
    server.closeAllConnections();
  };
  if (o.signal.aborted) close();
  else o.signal.addEventListener("abort", close, { once: true });
  return { server, port, url };
}
