/**
 * Prometheus text-format metrics without a dependency: a registry of gauges and counters and a
 * tiny node:http server answering GET /metrics and GET /health (`ok`, or 503 with one line per
 * active alarm when a `health` check is given: runtime/node-db/alarms.ts). One registry per process; each
 * service registers its own names, prefixed with the service ("monitor_", "sender_", ...).
 */
import { createServer, type Server } from "node:http";
import type { Logger } from "./log.js";

type Labels = Record<string, string | number>;
interface Family {
  type: "gauge" | "counter";
  help: string;
  values: Map<string, { labels: Labels; value: number }>;
}

const labelKey = (labels: Labels) =>
  Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k]}`)
    .join(",");
const escapeLabel = (v: string) => v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");

export class Metrics {
  private readonly families = new Map<string, Family>();

  private family(name: string, type: Family["type"], help: string): Family {
    if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(name)) throw new Error(`bad metric name ${name}`);
    let f = this.families.get(name);
    if (!f) {
      f = { type, help, values: new Map() };
      this.families.set(name, f);
    } else if (f.type !== type) {
      throw new Error(`metric ${name} is a ${f.type}, not a ${type}`);
    }
    return f;
  }

  /** Declares a gauge (optional; set() declares on first use with an empty help). */
  gauge(name: string, help: string): this {
    this.family(name, "gauge", help);
    return this;
  }

  counter(name: string, help: string): this {
    this.family(name, "counter", help);
    return this;
  }

  set(name: string, value: number | bigint, labels: Labels = {}): void {
    const f = this.family(name, this.families.get(name)?.type ?? "gauge", this.families.get(name)?.help ?? name);
    f.values.set(labelKey(labels), { labels, value: Number(value) });
  }

  inc(name: string, by = 1, labels: Labels = {}): void {
    const f = this.family(name, "counter", this.families.get(name)?.help ?? name);
    const key = labelKey(labels);
    const current = f.values.get(key)?.value ?? 0;
    f.values.set(key, { labels, value: current + by });
  }

  /** The current value (tests and status). */
  get(name: string, labels: Labels = {}): number | undefined {
    return this.families.get(name)?.values.get(labelKey(labels))?.value;
  }

  /** The exposition text (version 0.0.4). */
  render(): string {
    const lines: string[] = [];
    for (const [name, f] of [...this.families].sort(([a], [b]) => a.localeCompare(b))) {
      lines.push(`# HELP ${name} ${f.help.replace(/\n/g, " ")}`, `# TYPE ${name} ${f.type}`);
      for (const { labels, value } of f.values.values()) {
        const keys = Object.keys(labels).sort();
        const l = keys.length ? `{${keys.map((k) => `${k}="${escapeLabel(String(labels[k]))}"`).join(",")}}` : "";
        lines.push(`${name}${l} ${Number.isFinite(value) ? value : "NaN"}`);
      }
    }
    return `${lines.join("\n")}\n`;
  }
}

/**
 * Serves `metrics` on http://host:port/metrics until `signal` aborts. Resolves once listening
 * (with the bound port, useful with port 0).
 */
export async function serveMetrics(
  metrics: Metrics,
  port: number,
  opts: { signal: AbortSignal; log: Logger; host?: string; health?: () => { ok: boolean; lines: string[] } },
): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (req.method === "GET" && path === "/metrics") {
      res.writeHead(200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" });
      res.end(metrics.render());
    } else if (req.method === "GET" && path === "/health") {
      const h = opts.health?.() ?? { ok: true, lines: [] };
      res.writeHead(h.ok ? 200 : 503, { "content-type": "text/plain; charset=utf-8" });
      res.end(h.ok ? "ok\n" : `${h.lines.join("\n")}\n`);
    } else {
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("not found: try /metrics\n");
    }
  });
  const host = opts.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address();
  const bound = typeof address === "object" && address ? address.port : port;
  opts.log.info("metrics listening", { url: `http://${host}:${bound}/metrics` });
  const close = () => server.close();
  if (opts.signal.aborted) close();
  else opts.signal.addEventListener("abort", close, { once: true });
  return { server, port: bound };
}
