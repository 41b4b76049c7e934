/**
 * The monitor service: each tick scans L1 up to the confirmed head, relays exodus (and then stops
 * crediting), checks that L1's proven state is still a prefix of L2's op log (divergence.ts: if
 * not, it stops crediting and raises the `l1-diverged` alarm), relays docked tokens' metadata, and
 * relays the L1 queue to L2 in id order (deposits credited, forced withdrawal requests served).
 * `runMonitor` is the shape every service exports for the supervisor (offchain/node.ts).
 */

import type { PublicClient } from "viem";
import { httpAttestations } from "../runtime/attestation-http.js";
import type { AttestationSource } from "../runtime/attestation-source.js";
import { publicClientFor, type SignerClient, walletClientFor } from "../runtime/chains.js";
import type { Logger } from "../runtime/log.js";
import { Metrics } from "../runtime/metrics.js";
import { Alarms } from "../runtime/node-db/alarms.js";
import { MonitorStore } from "../runtime/node-db/monitor.js";
import type { Db } from "../runtime/node-db/open.js";
import { runEvery } from "../runtime/scheduler.js";
import type { MonitorConfig } from "./config.js";
import { relayQueue } from "./credit.js";
import { DIVERGENCE_ALARM, PrefixWatch } from "./divergence.js";
import { relayExodus } from "./exodus.js";
import { type MetadataContext, relayTokenMetadata } from "./metadata.js";
import { scanL1 } from "./scan.js";

export interface MonitorDeps {
  config: MonitorConfig;
  db: Db;
  log: Logger;
  signal: AbortSignal;
  /** Where the attesters' signatures come from; default: their HTTP APIs (config.attesterUrls). */
  attestations?: AttestationSource;
  /** Shared metrics registry (the supervisor serves one for all services); default: a private one. */
  metrics?: Metrics;
  /** Where the monitor raises its alarms (the node shares one); default: a private one on `db`. */
  alarms?: Alarms;
  /** Injected clients (tests); default: built from the config. */
  l1?: PublicClient;
  l2?: PublicClient;
  l2Wallet?: SignerClient;
}

export const MONITOR_METRICS: [name: string, type: "gauge" | "counter", help: string][] = [
  ["monitor_l1_head_block", "gauge", "Latest L1 block number seen"],
  ["monitor_l1_scanned_block", "gauge", "Last L1 block whose logs are stored (head minus confirmations)"],
  ["monitor_deposits_seen", "gauge", "L1 queue requests seen, deposits and forced withdrawals (next id expected)"],
  ["monitor_last_credited_deposit_id", "gauge", "Highest queue request id known served on L2 (-1 before any)"],
  ["monitor_l2_next_deposit_id", "gauge", "L2 AssetReceiving.nextDepositId() at the last read"],
  ["monitor_pending_credits", "gauge", "Queue requests seen on L1 and not yet served on L2"],
  ["monitor_pending_forced_withdrawals", "gauge", "Forced withdrawal requests seen on L1 and not yet served on L2"],
  [
    "monitor_credit_mismatches",
    "gauge",
    "Deposits whose L2 credit differs from the L1 record (operator action needed)",
  ],
  ["monitor_exodus", "gauge", "1 once L1 exodus was seen"],
  ["monitor_credits_total", "counter", "Queue requests (credits and forced withdrawals) served by this process"],
  ["monitor_credit_failures_total", "counter", "Credits refused by simulation, reverted, or mismatching"],
  ["monitor_tick_errors_total", "counter", "Ticks that ended with an error (retried next tick)"],
  ["monitor_l1_diverged", "gauge", "1 while L1's proven op chain is not a prefix of L2's op log (credits stopped)"],
];

const DIVERGENCE_ACTION =
  "credits are stopped; check L1_RPC_URL, L2_RPC_URL, the deployment files and DATA_DIR, then find the L1 batch " +
  "(BatchVerified) and who sent it; docs/operations.md, Alarms: l1-diverged";

export class MonitorService {
  readonly store: MonitorStore;
  readonly metrics: Metrics;
  private readonly l1: PublicClient;
  private readonly l2ctx: MetadataContext;
  private haltedWarned = false;
  private readonly prefix: PrefixWatch;
  private readonly alarms: Alarms;
  /** The last verdict of the prefix check (kept while it is unknown). */
  private diverged = false;

  constructor(private readonly deps: MonitorDeps) {
    const { config, db, log, signal } = deps;
    this.store = new MonitorStore(db);
    this.metrics = deps.metrics ?? new Metrics();
    for (const [name, type, help] of MONITOR_METRICS) {
      if (type === "gauge") this.metrics.gauge(name, help);
      else this.metrics.counter(name, help);
    }
    this.l1 = deps.l1 ?? publicClientFor(config.l1);
    const l2 = deps.l2 ?? publicClientFor(config.l2);
    const wallet = deps.l2Wallet ?? walletClientFor(config.l2, config.relayerKey);
    this.alarms = deps.alarms ?? new Alarms({ db, metrics: this.metrics, log });
    this.prefix = new PrefixWatch({
      l1: this.l1,
      l2,
      assetStorage: config.assetStorage,
      assetReceiving: config.assetReceiving,
      db,
      log,
      signal,
    });
    this.l2ctx = {
      l1: this.l1,
      suspectRounds: new Map(),
      l2,
      wallet,
      assetReceiving: config.assetReceiving,
      l2DeployBlock: config.l2DeployBlock,
      store: this.store,
      log,
      signal,
      metrics: this.metrics,
      attestations:
        deps.attestations ??
        httpAttestations({ urls: config.attesterUrls, l2: { client: l2, assetReceiving: config.assetReceiving } }),
      tx: {
        stuckAfterMs: config.txTimeoutMs,
        pollIntervalMs: Math.min(config.pollIntervalMs, 1_000),
        maxFeePerGasCap: config.maxFeePerGas,
      },
    };
  }

  /** One round of work. Throws on errors that retries did not cure (the loop logs them and goes on). */
  async tick(): Promise<void> {
    const { config, log, signal } = this.deps;
    try {
      const scan = await scanL1({
        l1: this.l1,
        assetStorage: config.assetStorage,
        deployBlock: config.l1DeployBlock,
        confirmations: config.confirmations,
        blockRange: config.blockRange,
        store: this.store,
        log,
        signal,
      });
      this.metrics.set("monitor_l1_head_block", scan.head);
      if (this.store.exodus()) {
        await relayExodus(this.l2ctx);
        return; // no credit after exodus: L1 refunds unprocessed deposits by cancelDeposit
      }
      await relayTokenMetadata(this.l2ctx);
      if (await this.checkDivergence()) return; // no credit into a bridge this node cannot prove
      const round = await relayQueue(this.l2ctx);
      if (round.stop === "halted" && !this.haltedWarned) {
        this.haltedWarned = true;
        log.warn("L2 is halted: no more credits or forced withdrawals", { nextDepositId: round.next });
      }
    } catch (error) {
      if (!signal.aborted) this.metrics.inc("monitor_tick_errors_total");
      throw error;
    } finally {
      this.updateGauges();
    }
  }

  /** Runs the prefix check; true while L1 and L2 have parted ways (the alarm is raised again every round). */
  private async checkDivergence(): Promise<boolean> {
    const r = await this.prefix.check();
    if (r.state === "diverged") {
      this.diverged = true;
      this.alarms.raise(DIVERGENCE_ALARM, {
        service: "monitor",
        message: `${r.message}; credits stopped`,
        action: DIVERGENCE_ACTION,
        details: { l1BatchCount: r.batchCount, l1OpChain: r.opChain, nodeOps: r.nodeOps, l2Ops: r.l2Ops },
      });
    } else if (r.state === "consistent") {
      this.diverged = false;
      this.alarms.clear(DIVERGENCE_ALARM);
    } else {
      this.deps.log.debug("L1/L2 prefix check undecided", { reason: r.reason });
    }
    this.metrics.set("monitor_l1_diverged", this.diverged ? 1 : 0);
    return this.diverged;
  }

  private updateGauges(): void {
    const p = this.store.progress();
    this.metrics.set("monitor_l1_scanned_block", p.lastL1Block ?? -1);
    this.metrics.set("monitor_deposits_seen", p.depositsSeen);
    this.metrics.set("monitor_last_credited_deposit_id", p.lastCreditedDepositId ?? -1);
    this.metrics.set("monitor_pending_credits", p.pendingCredits);
    this.metrics.set("monitor_pending_forced_withdrawals", p.pendingForcedRequests);
    this.metrics.set("monitor_credit_mismatches", p.mismatchedCredits);
    this.metrics.set("monitor_exodus", p.exodus ? 1 : 0);
  }
}

/** Runs the monitor until `deps.signal` aborts. */
export async function runMonitor(deps: MonitorDeps): Promise<void> {
  const service = new MonitorService(deps);
  const p = service.store.progress();
  deps.log.info("monitor starting", {
    assetStorage: deps.config.assetStorage,
    assetReceiving: deps.config.assetReceiving,
    courier: (deps.l2Wallet ?? walletClientFor(deps.config.l2, deps.config.relayerKey)).account.address,
    confirmations: deps.config.confirmations,
    resumeFromBlock: p.lastL1Block === null ? Number(deps.config.l1DeployBlock) : p.lastL1Block + 1,
    depositsSeen: p.depositsSeen,
    lastCreditedDepositId: p.lastCreditedDepositId,
  });
  await runEvery(deps.config.pollIntervalMs, () => service.tick(), {
    signal: deps.signal,
    log: deps.log,
    name: "monitor tick",
  });
  deps.log.info("monitor stopped", { ...service.store.progress() });
}
