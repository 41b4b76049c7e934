/**
 * `make e2e`: the whole bridge on two local anvil chains. Starts L1 and L2, deploys both sides with
 * the forge scripts, runs the node (monitor, extractor, prover pool, sender), drives the scenario
 * (offchain/e2e/scenario.ts), prints a summary table, and stops everything it started — also on
 * failure or Ctrl-C. Logs of every process go to ${E2E_DIR}/logs.
 *
 * Environment: E2E_DIR (default build/e2e), DEPTH, BATCH and PUBLIC (default 16, 4 and 2: the circuit the
 * committed verifier was generated for), CIRCUIT_DIR (default build/circuits/batch-d$DEPTH-n$BATCH-k$PUBLIC),
 * PROVER_WORKERS (default 2), PRIORITY_DEADLINE (seconds, default 300), E2E_JSON (optional: also write
 * the summary's steps as JSON to this path, for `make bench`).
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join, resolve } from "node:path";
import { z } from "zod";
import { BullmqProofQueue } from "../prover/bullmq-queue.js";
import { parseConfig, zInt } from "../runtime/config.js";
import { type Anvil, freePort, startAnvil } from "../testing/anvil.js";
import { type RedisServer, startRedis } from "../testing/redis.js";
import { startAttesters, whoAttested } from "./attesters.js";
import { deployBridge, E2E_THRESHOLD, nodeEnvOf, requireCircuit, sideOf } from "./chains.js";
import { Journal } from "./journal.js";
import { ProcessGroup } from "./processes.js";
import { runScenario } from "./scenario.js";

const Env = z.object({
  E2E_DIR: z.string().default("build/e2e"),
  DEPTH: zInt(1).default(16),
  BATCH: zInt(1).default(4),
  PUBLIC: zInt(1).default(2),
  CIRCUIT_DIR: z.string().optional(),
  PROVER_WORKERS: zInt(1).default(2),
  PRIORITY_DEADLINE: zInt(1).default(300),
  E2E_JSON: z.string().optional(),
  E2E_PROVERS: zInt(0).default(0),
});

const out = (line: string) => process.stdout.write(`${line}\n`);

async function main(): Promise<number> {
  const env = parseConfig(Env, process.env);
  const root = resolve(env.E2E_DIR);
  const circuitDir = env.CIRCUIT_DIR ?? `build/circuits/batch-d${env.DEPTH}-n${env.BATCH}-k${env.PUBLIC}`;
  requireCircuit(circuitDir, env.DEPTH, env.BATCH, env.PUBLIC);
  rmSync(root, { recursive: true, force: true });
  const logDir = join(root, "logs");
  const dataDir = join(root, "node");
  const deploymentsDir = join(env.E2E_DIR, "deployments"); // relative: forge's fs permissions are repo-relative
  mkdirSync(logDir, { recursive: true });
  mkdirSync(deploymentsDir, { recursive: true });

  const procs = new ProcessGroup(logDir);
  const anvils: Anvil[] = [];
  let redis: RedisServer | undefined;
  let clusterQueue: BullmqProofQueue | undefined;
  const journal = new Journal();
  const stopEverything = async () => {
    await procs.stopAll();
    await clusterQueue?.close();
    await Promise.all(anvils.map((a) => a.stop()));
    await redis?.stop();
  };
  const onSignal = (sig: NodeJS.Signals) => {
    out(`\n${sig}: stopping everything the e2e run started`);
    procs.killAllNow();
    for (const a of anvils) a.process.kill("SIGKILL");
    redis?.process?.kill("SIGKILL");
    process.exit(130);
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  const t0 = performance.now();
  try {
    const [a1, a2] = await journal.step("start L1 and L2 (anvil)", async () =>
      Promise.all([startAnvil({ chainId: 31337 }), startAnvil({ chainId: 31338 })]),
    );
    anvils.push(a1, a2);
    out(`   L1 ${a1.url} (chain 31337), L2 ${a2.url} (chain 31338)`);
    const l1 = sideOf("L1", a1.url, 31337);
    const l2 = sideOf("L2", a2.url, 31338);
    const deployments = await journal.step("deploy L1 and L2 (forge script)", () =>
      deployBridge(l1, l2, {
        deploymentsDir,
        logDir,
        priorityDeadline: env.PRIORITY_DEADLINE,
        depth: env.DEPTH,
        batch: env.BATCH,
        publicSlots: env.PUBLIC,
      }),
    );
    const nodeEnv = nodeEnvOf({ l1, l2, deploymentsDir, dataDir, circuitDir, proverWorkers: env.PROVER_WORKERS });
    const attesters = await journal.step(
      `start 3 attesters (own keys, databases and ports; ${E2E_THRESHOLD} of 3 sign)`,
      () =>
        startAttesters(procs, {
          root,
          env: {
            L1_RPC_URL: l1.url,
            L2_RPC_URL: l2.url,
            L1_CHAIN_ID: String(l1.chainId),
            L2_CHAIN_ID: String(l2.chainId),
            DEPLOYMENTS_DIR: deploymentsDir,
            POLL_INTERVAL_MS: "300",
            LOG_LEVEL: "info",
          },
        }),
    );
    nodeEnv.ATTESTER_URLS = attesters.map((a) => a.url).join(",");
    out(`   attesters ${attesters.map((a) => `${a.name} ${a.url} (${a.address})`).join(", ")}`);
    // The node serves the explorer (offchain/explorer) on this port while the bridge runs.
    nodeEnv.EXPLORER_PORT = String(await freePort());
    out(`   explorer http://127.0.0.1:${nodeEnv.EXPLORER_PORT}/ (page and JSON API, while the node runs)`);
    // Cluster mode: the proof queue on Redis, provers as separate processes (hostname:pid worker ids).
    const provers = new Map<string, string>(); // "hostname:pid" prefix of worker ids -> process name
    let midProof: (() => Promise<string>) | undefined;
    if (env.E2E_PROVERS > 0) {
      const r = await journal.step("start redis-server (AOF on)", () => startRedis({ dir: join(root, "redis") }));
      redis = r;
      out(`   Redis ${r.url} (data ${r.dir})`);
      Object.assign(nodeEnv, { REDIS_URL: r.url, NODE_SERVICES: "monitor,extractor,sender", LEASE_MS: "10000" });
      clusterQueue = new BullmqProofQueue({ url: r.url });
      const startProver = (name: string) => {
        const p = procs.start(name, process.execPath, ["--import", "tsx", "offchain/prover/index.ts"], {
          ...nodeEnv,
          PROVER_WORKERS: "1",
        });
        provers.set(`${hostname()}:${p.child.pid}`, name);
        return p;
      };
      await journal.step(
        `start ${env.E2E_PROVERS} prover processes (BullMQ workers, 1 proof at a time each)`,
        async () => {
          for (let i = 1; i <= env.E2E_PROVERS; i++) startProver(`prover-${i}`);
          const q = clusterQueue!;
          const deadline = Date.now() + 60_000;
          while ((await q.stats()).workers < env.E2E_PROVERS) {
            if (Date.now() > deadline) throw new Error("the prover processes did not connect to Redis within 60 s");
            await new Promise((res) => setTimeout(res, 200));
          }
          journal.note(`workers: ${(await q.workerNames()).join(", ")}`);
        },
      );
      midProof = async () => {
        const stats = await clusterQueue!.stats();
        await procs.stop("prover-1", "SIGKILL");
        startProver("prover-1");
        return `prover-1 SIGKILLed too (queue ${JSON.stringify(stats)}) and restarted; its job goes to another worker when its lock expires`;
      };
    }
    await runScenario({
      l1,
      l2,
      deployments,
      journal,
      procs,
      nodeEnv,
      dataDir,
      priorityDeadline: env.PRIORITY_DEADLINE,
      log: out,
      queue: clusterQueue,
      midProof,
      stopL2AndAttesters: async () => {
        for (const a of attesters) await procs.stop(a.name, "SIGTERM");
        await a2.stop();
        return `${attesters.map((a) => a.name).join(", ")} stopped; L2 (${a2.url}) stopped`;
      },
      killAttester: async () => {
        // attester-1 has the lowest address, so couriers packed its signature first until now.
        await procs.stop("attester-1", "SIGKILL");
        return `attester-1 SIGKILLed: attester-2 and attester-3 (the threshold, ${E2E_THRESHOLD}) sign from now on`;
      },
    });
    out(`\n${journal.table()}\n`);
    out("who attested each batch (signers recovered from the submitBatch calldata):");
    const storage = deployments.l1.contracts.AssetStorage as `0x${string}`;
    for (const b of await whoAttested(l1.public, storage, attesters))
      out(`  batch ${b.batchNumber}: ${b.signers.join(", ")}`);
    if (clusterQueue) {
      out("which worker proved each batch (worker id = hostname:pid of the prover process, -w<slot>-<child pid>):");
      for (let n = 0; ; n++) {
        const r = await clusterQueue.result(n);
        if (!r) break;
        const prefix = r.worker.split("-w")[0] ?? r.worker;
        out(`  batch ${n}: ${r.worker} (${provers.get(prefix) ?? "?"}), ${r.provingMs} ms`);
      }
    }
    out(`total ${((performance.now() - t0) / 1000).toFixed(1)} s; logs in ${logDir}`);
    out("all balances reconcile");
    if (env.E2E_JSON) writeFileSync(env.E2E_JSON, journal.json(true, performance.now() - t0));
    return 0;
  } catch (error) {
    if (env.E2E_JSON) writeFileSync(env.E2E_JSON, journal.json(false, performance.now() - t0));
    out(`\n${journal.table()}\n`);
    out(`e2e FAILED: ${(error as Error).message}`);
    out(`logs of every process: ${logDir}`);
    return 1;
  } finally {
    await stopEverything();
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    out(`e2e could not start: ${(error as Error).message}`);
    process.exit(2);
  },
);
