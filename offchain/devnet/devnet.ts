/**
 * `make devnet`: a bridge to use by hand, left running. Starts the chains of PROCESSES (services.ts),
 * deploys both sides with the e2e's forge-script deployment (offchain/e2e/chains.ts), mints DEMO to
 * the user accounts, starts the services, records everything in devnet.json and prints the `export`
 * lines the CLI needs. On any failure it stops what it started and says which log to read.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { parseUnits } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import {
  contractWriter,
  type Deployments,
  deployBridge,
  mined,
  nodeEnvOf,
  requireCircuit,
  sideOf,
} from "../e2e/chains.js";
import { ProcessGroup } from "../e2e/processes.js";
import { erc20Abi } from "../lib/abi.js";
import { ANVIL_KEYS } from "../testing/anvil.js";
import type { DevnetConfig } from "./config.js";
import { type DevnetContext, PROCESSES } from "./services.js";
import { type DevnetState, isRunning, readState, statePath, stopRecorded, writeState } from "./state.js";

const L1_CHAIN_ID = 31337;
const L2_CHAIN_ID = 31338;
/** Anvil accounts 0..2 are the deployer, the relayer and the sender; 3..9 are for people. */
export const USER_ACCOUNTS = [3, 4, 5, 6, 7, 8, 9] as const;
const CLI_ACCOUNT = 3;

async function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

const tail = (file: string, lines = 15) =>
  existsSync(file) ? readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n") : "(no log)";

async function preflight(config: DevnetConfig): Promise<void> {
  const previous = readState(config.root);
  const running = previous?.processes.filter(isRunning) ?? [];
  if (running.length > 0) {
    throw new Error(
      `a devnet is already running (started ${previous?.startedAt}; ${running.map((p) => `${p.name} pid ${p.pid}`).join(", ")}): ` +
        "run make devnet-stop first",
    );
  }
  const ports: [string, number][] = [
    ["DEVNET_L1_PORT", config.l1Port],
    ["DEVNET_L2_PORT", config.l2Port],
    ["DEVNET_EXPLORER_PORT", config.explorerPort],
  ];
  for (const [name, port] of ports) {
    if (!(await portFree(port))) {
      throw new Error(
        `port ${port} is in use: stop what listens on 127.0.0.1:${port}, or pick another with ${name}=...`,
      );
    }
  }
  const services = config.nodeServices ?? "prover";
  if (services.includes("prover")) requireCircuit(config.circuitDir, config.depth, config.batch, config.publicSlots);
}

/** Mints `amount` DEMO (whole tokens) on L1 to every user account. */
async function fundUsers(d: DevnetContext, deployments: Deployments): Promise<string> {
  const demo = deployments.l1.contracts.DemoToken;
  if (!demo) throw new Error("the L1 deployment has no DemoToken (DEMO_TOKEN=true was not applied)");
  const units = parseUnits(String(d.config.demoAmount), 18);
  const mint = contractWriter(d.l1, demo, erc20Abi, (_role, hash) => mined(d.l1, hash));
  for (const i of USER_ACCOUNTS) {
    await mint("deployer", "mint", [privateKeyToAccount(ANVIL_KEYS[i]).address, units]);
  }
  return demo;
}

/** The CLI's environment for this devnet (the export lines). */
function cliEnv(d: DevnetContext): Record<string, string> {
  return {
    L1_RPC_URL: d.l1.url,
    L2_RPC_URL: d.l2.url,
    L1_CHAIN_ID: String(L1_CHAIN_ID),
    L2_CHAIN_ID: String(L2_CHAIN_ID),
    DEPLOYMENTS_DIR: d.deploymentsDir,
    DATA_DIR: d.dataDir,
    PRIVATE_KEY: ANVIL_KEYS[CLI_ACCOUNT],
  };
}

/** The shell lines for `env` (also written to env.sh). */
export function exportLines(env: Record<string, string>): string[] {
  const account = privateKeyToAccount(env.PRIVATE_KEY as `0x${string}`).address;
  return [
    `export L1_RPC_URL=${env.L1_RPC_URL} L2_RPC_URL=${env.L2_RPC_URL}`,
    `export L1_CHAIN_ID=${env.L1_CHAIN_ID} L2_CHAIN_ID=${env.L2_CHAIN_ID}`,
    `export DEPLOYMENTS_DIR=${env.DEPLOYMENTS_DIR} DATA_DIR=${env.DATA_DIR}`,
    `export PRIVATE_KEY=${env.PRIVATE_KEY}   # anvil account ${CLI_ACCOUNT} (${account}): a public test key, for this devnet only`,
  ];
}

/** Starts the processes of one phase of PROCESSES in order, each once the previous one is up. */
async function startPhase(
  phase: "chain" | "service",
  d: DevnetContext,
  procs: ProcessGroup,
  state: DevnetState,
  out: (line: string) => void,
): Promise<void> {
  for (const spec of PROCESSES.filter((p) => p.phase === phase)) {
    const { command, args, env } = spec.command(d);
    const p = procs.start(spec.name, command, args, env, { outlive: true });
    if (!p.child.pid) throw new Error(`${spec.name} did not start (${command})`);
    state.processes.push({ name: spec.name, pid: p.child.pid, match: spec.match(d), logFile: p.logFile });
    writeState(d.config.root, state);
    const alive = () => p.child.exitCode === null && p.child.signalCode === null;
    await spec.ready(d, p.logFile, alive).catch((error: Error) => {
      throw new Error(`${error.message}; the end of ${p.logFile}:\n${tail(p.logFile)}`);
    });
    state.urls[spec.name] = spec.describe(d);
    out(`  ${spec.describe(d)}`);
  }
}

/** Deploys both sides (forge scripts), funds the users with DEMO and sets the services' environment. */
async function deploy(d: DevnetContext, logDir: string, out: (line: string) => void): Promise<void> {
  const c = d.config;
  // forge writes the deployment files: the repository-relative path (its fs permissions).
  const deployments = await deployBridge(d.l1, d.l2, {
    deploymentsDir: join(c.dir, "deployments"),
    logDir,
    priorityDeadline: c.priorityDeadline,
    depth: c.depth,
    batch: c.batch,
    publicSlots: c.publicSlots,
  });
  d.deployments = deployments;
  out(
    `  deployed: AssetStorage ${deployments.l1.contracts.AssetStorage}, AssetReceiving ${deployments.l2.contracts.AssetReceiving}`,
  );
  const demo = await fundUsers(d, deployments);
  out(
    `  DEMO ${demo} on L1 (bridge token id 1): ${c.demoAmount} DEMO and 10000 ETH for each of anvil accounts ` +
      `${USER_ACCOUNTS[0]}..${USER_ACCOUNTS.at(-1)}`,
  );
  d.nodeEnv = nodeEnvOf({
    l1: d.l1,
    l2: d.l2,
    deploymentsDir: d.deploymentsDir,
    dataDir: d.dataDir,
    circuitDir: c.circuitDir,
    proverWorkers: c.proverWorkers,
  });
  d.nodeEnv.ATTESTER_URLS = c.attesterPorts.map((p) => `http://127.0.0.1:${p}`).join(",");
}

/** Starts the devnet; resolves with its state once every process is up. */
export async function startDevnet(config: DevnetConfig, out: (line: string) => void): Promise<DevnetState> {
  await preflight(config);
  rmSync(config.root, { recursive: true, force: true });
  const logDir = join(config.root, "logs");
  mkdirSync(logDir, { recursive: true });
  const d: DevnetContext = {
    config,
    l1: sideOf("L1", `http://127.0.0.1:${config.l1Port}`, L1_CHAIN_ID),
    l2: sideOf("L2", `http://127.0.0.1:${config.l2Port}`, L2_CHAIN_ID),
    deploymentsDir: join(config.root, "deployments"),
    dataDir: join(config.root, "node"),
    nodeEnv: {},
  };
  const procs = new ProcessGroup(logDir);
  const state: DevnetState = { startedAt: new Date().toISOString(), processes: [], urls: {}, env: {} };
  try {
    await startPhase("chain", d, procs, state, out);
    await deploy(d, logDir, out);
    await startPhase("service", d, procs, state, out);
  } catch (error) {
    out(`devnet start failed: stopping what it started (logs stay in ${logDir})`);
    await stopRecorded(state.processes, out, 5_000);
    rmSync(statePath(config.root), { force: true });
    throw error;
  }
  state.env = cliEnv(d);
  writeState(config.root, state);
  writeFileSync(join(config.root, "env.sh"), `${exportLines(state.env).join("\n")}\n`);
  return state;
}
