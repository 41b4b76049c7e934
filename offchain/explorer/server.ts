/**
 * The explorer's HTTP server (node:http): the page (static/index.html, app.js, style.css, written
 * by hand, no build step) and the JSON API over ExplorerApi.
 *
 *   GET /api/status               chains, proven root, deposit-queue age against the exodus deadline
 *   GET /api/deposits?limit=50    newest first
 *   GET /api/ops?limit=50         L2 ops extracted, newest first
 *   GET /api/batches?limit=50     newest first
 *   GET /api/withdrawals?limit=50 newest first, plus what is claimable now per account and token
 *   GET /api/lookup?q=...         a deposit id, an address or a transaction hash: its journey
 *
 * Answers are JSON with big numbers as decimal strings. Every answer carries `unavailable`: the
 * sources it could not read ({ side: "L1" | "L2" | "db", message }); it is still 200 with the rest.
 * A bad query is 400 { error }, an unknown path 404 { error }, a failure 500 { error }.
 */
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Logger } from "../runtime/log.js";
import { BadQueryError, DEFAULT_LIMIT, type ExplorerApi, MAX_LIMIT } from "./api.js";

const STATIC_DIR = join(dirname(fileURLToPath(import.meta.url)), "static");
const STATIC: Record<string, { file: string; type: string }> = {
  "/": { file: "index.html", type: "text/html; charset=utf-8" },
  "/index.html": { file: "index.html", type: "text/html; charset=utf-8" },
  "/app.js": { file: "app.js", type: "text/javascript; charset=utf-8" },
  "/style.css": { file: "style.css", type: "text/css; charset=utf-8" },
  // Browsers ask for /favicon.ico on their own; a 404 there is a console error on every page load.
  "/favicon.svg": { file: "favicon.svg", type: "image/svg+xml" },
  "/favicon.ico": { file: "favicon.svg", type: "image/svg+xml" },
};

/** JSON with bigints as decimal strings. */
export const toJson = (value: unknown): string =>
  JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? v.toString() : v));

function parseLimit(raw: string | null): number {
  if (raw === null || raw === "") return DEFAULT_LIMIT;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > MAX_LIMIT) {
    throw new BadQueryError(`limit must be a whole number from 1 to ${MAX_LIMIT} (got ${JSON.stringify(raw)})`);
  }
  return n;
}

/** Routes one request; exported for tests that do not need a socket. */
export async function route(api: ExplorerApi, method: string, url: URL): Promise<{ status: number; body: unknown }> {
  if (method !== "GET")
    return { status: 405, body: { error: `${method} is not supported: the API is read-only (GET)` } };
  const limit = () => parseLimit(url.searchParams.get("limit"));
  try {
    switch (url.pathname) {
      case "/api/status":
        return { status: 200, body: await api.status() };
      case "/api/deposits":
        return { status: 200, body: await api.deposits(limit()) };
      case "/api/ops":
        return { status: 200, body: await api.ops(limit()) };
      case "/api/batches":
        return { status: 200, body: await api.batches(limit()) };
      case "/api/withdrawals":
        return { status: 200, body: await api.withdrawals(limit()) };
      case "/api/lookup": {
        const q = url.searchParams.get("q");
        if (!q) throw new BadQueryError("q is missing: /api/lookup?q=<deposit id | address | tx hash>");
        return { status: 200, body: await api.lookup(q) };
      }
      default:
        return {
          status: 404,
          body: {
            error: `no such endpoint ${url.pathname}; try /api/status, /api/deposits, /api/ops, /api/batches, /api/withdrawals, /api/lookup?q=`,
          },
        };
    }
  } catch (error) {
    if (error instanceof BadQueryError) return { status: 400, body: { error: error.message } };
    throw error;
  }
}

export interface ServeExplorerOptions {
  port: number;
  host?: string;
  signal: AbortSignal;
  log: Logger;
}

export interface ServedExplorer {
  server: Server;
  port: number;
  url: string;
  /** Resolves once the server closed (after the signal). */
  closed: Promise<void>;
}

/** Serves the explorer until `signal` aborts; resolves once listening. */
export async function serveExplorer(api: ExplorerApi, opts: ServeExplorerOptions): Promise<ServedExplorer> {
  const log = opts.log;
  const files = new Map<string, Buffer>();
  const staticFile = (name: string) => {
    let body = files.get(name);
    if (!body) {
      body = readFileSync(join(STATIC_DIR, name));
      files.set(name, body);
    }
    return body;
  };
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://explorer.local");
    const page = STATIC[url.pathname];
    if (page && req.method === "GET") {
      res.writeHead(200, { "content-type": page.type, "cache-control": "no-cache" });
      res.end(staticFile(page.file));
      return;
    }
    let status = 500;
    let body: unknown;
    try {
      ({ status, body } = await route(api, req.method ?? "GET", url));
    } catch (error) {
      log.error("explorer request failed", { path: url.pathname, error });
      body = { error: `internal error: ${error instanceof Error ? error.message : String(error)}` };
    }
    res.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
    res.end(toJson(body));
  };
  const server = createServer((req, res) => {
    handle(req, res).catch((error) => {
      log.error("explorer response failed", { error });
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  const host = opts.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : opts.port;
  const url = `http://${host}:${port}/`;
  log.info("explorer listening", { url });
  const closed = new Promise<void>((resolve) => {
    const close = () => {
      server.close(() => resolve());
      server.closeAllConnections();
    };
    if (opts.signal.aborted) close();
    else opts.signal.addEventListener("abort", close, { once: true });
  });
  return { server, port, url, closed };
}
