/**
 * One attester: follows both chains into its own database (follow.ts), decides what it may sign
 * (decide.ts) and signs with its own key. The HTTP API (server.ts) calls `answer`.
 */
import type { Address, PublicClient } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { assetStorageAbi } from "../lib/abi.js";
import { type Attestation, attestationDigest, messageToJson, signDigest } from "../lib/attestation.js";
import { REFUSAL_STATUS, type Refusal, type SignatureAnswer } from "../runtime/attestations.js";
import { publicClientFor } from "../runtime/chains.js";
import { ConfigError } from "../runtime/config.js";
import type { Logger } from "../runtime/log.js";
import type { Metrics } from "../runtime/metrics.js";
import type { Db } from "../runtime/node-db/open.js";
import { describeError, rpcRetry } from "../runtime/rpc.js";
import { runEvery } from "../runtime/scheduler.js";
import type { AttesterConfig } from "./config.js";
import { type Decision, decideExodus, type OpLogView, type QueueView } from "./decide.js";
import { confirmedBlock, type FollowContext, FollowHalt, followL1, followL2 } from "./follow.js";
import { serveAttesterApi } from "./server.js";
import { AttesterStore } from "./store.js";

export interface AttesterDeps {
  config: AttesterConfig;
  db: Db;
  log: Logger;
  signal: AbortSignal;
  metrics: Metrics;
  /** Default: http clients for config.l1 / config.l2. */
  l1Client?: PublicClient;
  l2Client?: PublicClient;
}

/** The state of following one chain, for /health. */
export interface ChainStatus {
  followedBlock: bigint;
  /** Set when following stopped on a mismatch (an alarm). */
  halted?: string;
  /** The last round's error (RPC down), cleared by the next good round. */
  error?: string;
}

export type Answer = { status: 200; body: SignatureAnswer } | { status: number; body: Refusal };

export class Attester {
  readonly signer: Address;
  readonly store: AttesterStore;
  private readonly l1: PublicClient;
  private readonly l2: PublicClient;
  readonly status: { L1: ChainStatus; L2: ChainStatus };

  constructor(private readonly deps: AttesterDeps) {
    const { config } = deps;
    this.signer = privateKeyToAccount(config.privateKey).address;
    this.store = new AttesterStore(deps.db, { l1: config.l1DeployBlock, l2: config.l2DeployBlock });
    this.store.bindDeployment(config.contracts);
    this.l1 = deps.l1Client ?? publicClientFor(config.l1);
    this.l2 = deps.l2Client ?? publicClientFor(config.l2);
    this.status = {
      L1: { followedBlock: this.store.l1Cursor().nextBlock - 1n },
      L2: { followedBlock: this.store.l2Cursor().nextBlock - 1n },
    };
    declareMetrics(deps.metrics);
    this.updateMetrics();
  }

  private context(chain: "L1" | "L2"): FollowContext {
    const { config, log, signal } = this.deps;
    return {
      client: chain === "L1" ? this.l1 : this.l2,
      address: chain === "L1" ? config.contracts.assetStorage : config.contracts.assetReceiving,
      confirmations: chain === "L1" ? config.l1Confirmations : config.l2Confirmations,
      blockRange: config.blockRange,
      store: this.store,
      log: log.child({ chain }),
      signal,
    };
  }

  /** Throws a ConfigError when an RPC serves another chain than the configured chain id (its signatures would name the wrong chain). */
  async checkChainIds(): Promise<void> {
    const problems: string[] = [];
    for (const chain of ["L1", "L2"] as const) {
      const ctx = this.context(chain);
      const want = chain === "L1" ? this.deps.config.contracts.l1ChainId : this.deps.config.contracts.l2ChainId;
      const got = await rpcRetry("eth_chainId", () => ctx.client.getChainId(), ctx);
      if (got !== want)
        problems.push(`${chain}_RPC_URL (environment): serves chain ${got}, but ${chain}_CHAIN_ID is ${want}`);
    }
    if (problems.length) throw new ConfigError(problems);
  }

  /** One round: follows both chains to their confirmed blocks (a halted chain is not followed again). */
  async tick(): Promise<void> {
    await Promise.all([this.follow("L1"), this.follow("L2")]);
    this.updateMetrics();
  }

  private async follow(chain: "L1" | "L2"): Promise<void> {
    const s = this.status[chain];
    if (s.halted) return;
    const ctx = this.context(chain);
    try {
      const target = await confirmedBlock(ctx);
      if (target === null) return;
      const cursor = chain === "L1" ? await followL1(ctx, target) : await followL2(ctx, target);
      s.followedBlock = cursor.nextBlock - 1n;
      delete s.error;
    } catch (error) {
      if (error instanceof FollowHalt) {
        s.halted = error.message;
        this.deps.metrics.inc("attester_alarms_total", 1, { chain });
        this.deps.log.error(`${chain} cannot be trusted: stopped following it`, {
          alarm: true,
          chain,
          reason: error.message,
        });
        return;
      }
      if (this.deps.signal.aborted) return;
      s.error = describeError(error);
      this.deps.log.warn(`following ${chain} failed; retrying next round`, { chain, error: s.error });
    }
  }

  opLogView(): OpLogView {
    const c = this.store.l2Cursor();
    const s = this.status.L2;
    return {
      opCount: c.opCount,
      followedBlock: c.nextBlock - 1n,
      ...(s.halted ? { halted: s.halted } : {}),
      at: (n) => this.store.opLogAt(n),
      countOfHead: (h) => this.store.countOfHead(h),
    };
  }

  queueView(): QueueView {
    const c = this.store.l1Cursor();
    const s = this.status.L1;
    return {
      requestCount: c.requestCount,
      followedBlock: c.nextBlock - 1n,
      ...(s.halted ? { halted: s.halted } : {}),
      request: (id) => this.store.request(id),
    };
  }

  /** Reads L1 exodusMode() at the confirmed block and at the head. */
  async exodusDecision(): Promise<Decision> {
    const ctx = this.context("L1");
    const block = await confirmedBlock(ctx);
    const read = (blockNumber?: bigint) =>
      rpcRetry(
        "exodusMode()",
        () =>
          this.l1.readContract({
            address: ctx.address,
            abi: assetStorageAbi,
            functionName: "exodusMode",
            ...(blockNumber !== undefined ? { blockNumber } : {}),
          }),
        ctx,
      );
    const atConfirmed = block === null ? false : await read(block);
    const atHead = atConfirmed || (await read());
    return decideExodus(this.deps.config.contracts, atConfirmed, atHead, block ?? 0n);
  }

  /** Signs a decision's attestation, or returns its refusal; counts and logs both. */
  async answer(kind: string, decision: Decision): Promise<Answer> {
    const { metrics, log } = this.deps;
    if ("refuse" in decision) {
      const r = decision.refuse;
      metrics.inc("attester_refused_total", 1, { kind, error: r.error });
      if (r.error === "mismatch") {
        metrics.inc("attester_alarms_total", 1, { chain: kind === "batch" ? "L2" : "L1" });
        log.error(`refused to sign ${kind}: mismatch`, { alarm: true, kind, ...r });
      } else log.info(`refused to sign ${kind}`, { kind, ...r });
      return { status: REFUSAL_STATUS[r.error], body: r };
    }
    const body = await this.sign(decision.sign);
    metrics.inc("attester_signed_total", 1, { kind });
    log.info(`signed ${kind}`, { kind, digest: body.digest, message: body.message });
    return { status: 200, body };
  }

  private async sign(a: Attestation): Promise<SignatureAnswer> {
    const digest = attestationDigest(a);
    const signature = await signDigest(digest, this.deps.config.privateKey);
    return { signer: this.signer, signature, digest, message: messageToJson(a) };
  }

  /** True when both chains are followed and the last round of each succeeded. */
  healthy(): boolean {
    return [this.status.L1, this.status.L2].every((s) => !s.halted && !s.error);
  }

  private updateMetrics(): void {
    const m = this.deps.metrics;
    const l2 = this.store.l2Cursor();
    m.set("attester_l1_followed_block", this.status.L1.followedBlock);
    m.set("attester_l2_followed_block", this.status.L2.followedBlock);
    m.set("attester_l1_deposits", this.store.l1Cursor().requestCount);
    m.set("attester_l2_op_count", l2.opCount);
    m.set("attester_healthy", this.healthy() ? 1 : 0);
  }
}

function declareMetrics(m: Metrics): void {
  m.gauge("attester_l1_followed_block", "last L1 block followed (DepositQueued, WithdrawalRequestQueued)")
    .gauge("attester_l2_followed_block", "last L2 block followed (OpLogged, checked against opHead())")
    .gauge("attester_l1_deposits", "L1 queue requests followed (deposits and forced withdrawal requests share the ids)")
    .gauge("attester_l2_op_count", "L2 ops followed")
    .gauge("attester_healthy", "1 when both chains are followed and the last round succeeded")
    .counter("attester_signed_total", "attestations signed, by kind (batch, deposit, withdrawal, exodus)")
    .counter("attester_refused_total", "requests refused, by kind and error (mismatch, not-yet, ...)")
    .counter("attester_alarms_total", "mismatches: a refused request or a chain that stopped being followed");
}

/** Runs an attester until `signal` aborts: the API on config.host:port and a follow round every poll interval. */
export async function runAttester(deps: AttesterDeps): Promise<void> {
  const attester = new Attester(deps);
  const { config, log, signal } = deps;
  await attester.checkChainIds();
  await serveAttesterApi(attester, config, deps.metrics, { host: config.host, port: config.port, signal, log });
  await runEvery(config.pollIntervalMs, () => attester.tick(), { signal, log, name: "attester round" });
  log.info("attester stopped", { l1: attester.status.L1, l2: attester.status.L2 });
}
