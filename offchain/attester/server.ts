/**
 * The attester's HTTP API (node:http, JSON; docs/operations.md "Attester"):
 * `GET /health`, `GET /metrics`, `GET /v1/deposit/{id}[?recipient&tokenId&amount&depositor&timestamp]`,
 * `GET /v1/withdrawal-request/{id}[?owner&tokenId&timestamp]`,
 * `POST /v1/batch` `{batchNumber, newOpChain, l2OpCount, l2OpHead}`, `GET /v1/exodus`.
 * A signature answer is `{signer, signature, digest, message}`; a refusal is
 * `{error, reason, field?, expected?, got?}` with 409 (mismatch), 425 (not yet seen), 400, 404 or 503.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Address } from "viem";
import { z } from "zod";
import type { DepositRecord, WithdrawalRequestRecord } from "../lib/protocol.js";
import { BatchRequestSchema, claimOfBatchRequest, type Refusal } from "../runtime/attestations.js";
import type { Logger } from "../runtime/log.js";
import { toJsonLine } from "../runtime/log.js";
import type { Metrics } from "../runtime/metrics.js";
import { describeError } from "../runtime/rpc.js";
import type { Answer, Attester } from "./attester.js";
import type { AttesterConfig } from "./config.js";
import { decideBatch, decideQueueRequest, type QueueAsk } from "./decide.js";

const MAX_BODY = 4096;

const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/);
const decimal = (bits: number) =>
  z
    .string()
    .regex(/^\d+$/)
    .refine((v) => BigInt(v) < 1n << BigInt(bits), `must fit ${bits} bits`);

/** The record to check, per kind of queue request (all fields or none). */
const QUERIES = {
  deposit: z
    .object({
      recipient: address,
      tokenId: decimal(32),
      amount: decimal(128),
      depositor: address,
      timestamp: decimal(64),
    })
    .strict()
    .transform(
      (q): DepositRecord => ({
        recipient: q.recipient as Address,
        tokenId: Number(q.tokenId),
        amount: BigInt(q.amount),
        depositor: q.depositor as Address,
        timestamp: BigInt(q.timestamp),
      }),
    ),
  withdrawal: z
    .object({ owner: address, tokenId: decimal(32), timestamp: decimal(64) })
    .strict()
    .transform(
      (q): WithdrawalRequestRecord => ({
        owner: q.owner as Address,
        tokenId: Number(q.tokenId),
        timestamp: BigInt(q.timestamp),
      }),
    ),
} as const;

const QUERY_FIELDS = {
  deposit: "recipient, tokenId, amount, depositor, timestamp",
  withdrawal: "owner, tokenId, timestamp",
} as const;

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

/** `GET /v1/deposit/{id}` and `GET /v1/withdrawal-request/{id}`: one path, the kind asked for decides the record. */
function queueAnswer(
  attester: Attester,
  config: AttesterConfig,
  kind: QueueAsk["kind"],
  id: string,
  query: URLSearchParams,
): Promise<Answer> | Answer {
  const name = kind === "deposit" ? "deposit" : "request";
  if (!/^\d+$/.test(id) || BigInt(id) >= 1n << 64n) return badRequest(`${name} id ${id} is not a uint64`);
  const fields = Object.fromEntries(query);
  let ask: QueueAsk = { kind, id: BigInt(id) } as QueueAsk;
  if (Object.keys(fields).length > 0) {
    const q = QUERIES[kind].safeParse(fields);
    if (!q.success) return badRequest(`give all of ${QUERY_FIELDS[kind]} (uint fields in decimal) or none of them`);
    ask = { ...ask, record: q.data } as QueueAsk;
  }
  return attester.answer(kind, decideQueueRequest(config.contracts, attester.queueView(), ask));
}

function health(attester: Attester, res: ServerResponse): void {
  const l2 = attester.store.l2Cursor();
  const ok = attester.healthy();
  send(res, ok ? 200 : 503, {
    ok,
    signer: attester.signer,
    l1: { ...attester.status.L1, requests: attester.store.l1Cursor().requestCount },
    l2: { ...attester.status.L2, opCount: l2.opCount, opHead: l2.opHead, opChain: l2.opChain },
  });
}

type Route =
  | { name: "health" | "metrics" | "batch" | "exodus"; method: "GET" | "POST" }
  | { name: "queue"; method: "GET"; kind: QueueAsk["kind"]; id: string };

function routeOf(path: string): Route | undefined {
  const deposit = /^\/v1\/deposit\/([^/]+)$/.exec(path)?.[1];
  if (deposit !== undefined) return { name: "queue", method: "GET", kind: "deposit", id: deposit };
  const request = /^\/v1\/withdrawal-request\/([^/]+)$/.exec(path)?.[1];
  if (request !== undefined) return { name: "queue", method: "GET", kind: "withdrawal", id: request };
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
      reason: "try GET /health, /metrics, /v1/deposit/{id}, /v1/withdrawal-request/{id}, /v1/exodus or POST /v1/batch",
    });
  if (req.method !== r.method)
    return send(res, 405, { error: "bad-request", reason: `use ${r.method} ${url.pathname}` });
  if (r.name === "health") return health(attester, res);
  if (r.name === "metrics") {
    res.writeHead(200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" });
    return void res.end(metrics.render());
  }
  const answer =
    r.name === "queue"
      ? await queueAnswer(attester, config, r.kind, r.id, url.searchParams)
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
