/**
 * The explorer's data: what the JSON API answers (docs/operations.md, "Explorer and JSON API").
 * Each answer combines the node database (NodeTables) with the chains (ChainReader) and the proof
 * queue (ProofJobSource: the SQLite table, or BullMQ on Redis with REDIS_URL), and lists in
 * `unavailable` every source it could not read ({ side: "L1" | "L2" | "db" | "queue", message }),
 * answering with what it has instead of failing. Big numbers are bigints here; the server writes them as
 * decimal strings.
 */
import { batches } from "./batches.js";
import { deposits } from "./deposits.js";
import { sqliteJobSource } from "./jobs.js";
import { lookup } from "./lookup.js";
import { ops } from "./ops.js";
import type { ApiCore } from "./sources.js";
import { status } from "./status.js";
import { DEFAULT_LIMIT, type ExplorerApiOptions } from "./views.js";
import { withdrawals } from "./withdrawals.js";

export * from "./views.js";

/** The explorer API: one method per endpoint, each answered by its resource module. */
export class ExplorerApi {
  private readonly core: ApiCore;

  constructor(opts: ExplorerApiOptions) {
    this.core = {
      tables: opts.tables,
      chain: opts.chain,
      jobs: opts.jobs ?? sqliteJobSource(opts.tables),
      now: opts.now ?? Date.now,
      provingSince: new Map(),
    };
  }

  status() {
    return status(this.core);
  }

  deposits(limit = DEFAULT_LIMIT) {
    return deposits(this.core, limit);
  }

  ops(limit = DEFAULT_LIMIT) {
    return ops(this.core, limit);
  }

  batches(limit = DEFAULT_LIMIT) {
    return batches(this.core, limit);
  }

  withdrawals(limit = DEFAULT_LIMIT) {
    return withdrawals(this.core, limit);
  }

  lookup(raw: string) {
    return lookup(this.core, raw);
  }
}
