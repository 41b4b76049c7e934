/**
 * `make devnet` and `make devnet-stop` as a user runs them, on free ports in build/devnet-check: the
 * export lines it prints are enough for the CLI to see the DEMO it funded, deposit it, withdraw part,
 * follow the withdrawal with `wait` through the real node (proving included) and claim it; the explorer
 * answers; a second start is refused; devnet-stop leaves no process and no port behind.
 *
 * Slow (about 2 minutes: a real proof), so not a *.test.ts file and not in `make test`:
 * `make test-devnet` or `node --import tsx --test offchain/devnet/devnet.check.ts`.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { join, resolve } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { parseEther } from "viem";
import { runCli } from "../cli/main.js";
import { freePort } from "../testing/anvil.js";
import { type DevnetState, isRunning, readState } from "./state.js";

const run = promisify(execFile);
const DIR = "build/devnet-check";
const ROOT = resolve(DIR);

async function make(target: string, env: Record<string, string>) {
  return run("make", ["--no-print-directory", target], {
    env: { ...process.env, ...env },
    maxBuffer: 16 * 1024 * 1024,
    timeout: 600_000,
  });
}

/** KEY=value pairs of the `export` lines in `text` (a trailing `# comment` is not part of a value). */
function parseExports(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split("\n")) {
    if (!line.startsWith("export ")) continue;
    for (const pair of line.slice(7).split("#")[0]?.trim().split(/\s+/) ?? []) {
      const [k, v] = pair.split("=");
      if (k && v) env[k] = v;
    }
  }
  return env;
}

const portFree = (port: number) =>
  new Promise<boolean>((res) => {
    const s = createServer();
    s.once("error", () => res(false));
    s.listen(port, "127.0.0.1", () => s.close(() => res(true)));
  });

describe("make devnet, the CLI against it, make devnet-stop", { timeout: 900_000 }, () => {
  let devnetEnv: Record<string, string> = {};
  let cliEnv: Record<string, string> = {};
  let state: DevnetState | undefined;
  let ports: number[] = [];
  let startOut = "";

  const cli = async (argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(argv, { env: cliEnv, out: (t) => out.push(t), err: (t) => err.push(t) });
    return { code, out: out.join("\n"), err: err.join("\n") };
  };
  const cliJson = async (argv: string[]) => {
    const r = await cli([...argv, "--json"]);
    assert.equal(r.code, 0, `${argv.join(" ")}: ${r.out} ${r.err}`);
    return JSON.parse(r.out);
  };
  const demoBalance = async () => (await cliJson(["balance", "--token", "DEMO"])).tokens[0];

  before(async () => {
    ports = [await freePort(), await freePort(), await freePort()];
    assert.equal(new Set(ports).size, 3);
    devnetEnv = {
      DEVNET_DIR: DIR,
      DEVNET_L1_PORT: String(ports[0]),
      DEVNET_L2_PORT: String(ports[1]),
      DEVNET_EXPLORER_PORT: String(ports[2]),
    };
    startOut = (await make("devnet", devnetEnv)).stdout;
    cliEnv = parseExports(startOut);
    state = readState(ROOT);
  });

  after(async () => {
    if (readState(ROOT)) await make("devnet-stop", devnetEnv).catch(() => undefined);
  });

  it("prints the export lines the CLI needs, also in env.sh, and records every process", () => {
    assert.deepEqual(Object.keys(cliEnv).sort(), [
      "DATA_DIR",
      "DEPLOYMENTS_DIR",
      "L1_CHAIN_ID",
      "L1_RPC_URL",
      "L2_CHAIN_ID",
      "L2_RPC_URL",
      "PRIVATE_KEY",
    ]);
    assert.equal(cliEnv.L1_RPC_URL, `http://127.0.0.1:${ports[0]}`);
    assert.equal(cliEnv.DEPLOYMENTS_DIR, join(ROOT, "deployments"));
    assert.deepEqual(parseExports(readFileSync(join(ROOT, "env.sh"), "utf8")), cliEnv);
    assert.ok(state, "devnet.json written");
    assert.deepEqual(
      state.processes.map((p) => p.name),
      ["anvil-l1", "anvil-l2", "attester-1", "attester-2", "attester-3", "node", "explorer"],
    );
    for (const p of state.processes) {
      assert.ok(isRunning(p), `${p.name} runs after make devnet returned`);
      assert.ok(existsSync(p.logFile), `${p.name} logs to ${p.logFile}`);
    }
  });

  it("refuses a second start while it runs, and keeps the first one", async () => {
    const second = await make("devnet", devnetEnv).then(
      () => undefined,
      (e: { stderr?: string }) => e,
    );
    assert.ok(second, "the second make devnet failed");
    assert.match(second.stderr ?? "", /a devnet is already running .*run make devnet-stop first/);
    for (const p of state?.processes ?? []) assert.ok(isRunning(p), `${p.name} still runs`);
  });

  it("funded the CLI's account with DEMO; a deposit is credited on L2 by the node", async () => {
    const demo = await demoBalance();
    assert.equal(demo.symbol, "DEMO");
    assert.equal(demo.l1Wallet, parseEther("10000").toString());
    const d = await cliJson(["deposit", "--token", "DEMO", "--amount", "100"]);
    assert.equal(d.depositId, "0");
    for (const deadline = Date.now() + 60_000; (await demoBalance()).l2 !== parseEther("100").toString(); ) {
      assert.ok(Date.now() < deadline, "the node credited the deposit on L2 within 60 s");
      await new Promise((r) => setTimeout(r, 500));
    }
    const explorer = await fetch(`http://127.0.0.1:${ports[2]}/api/deposits`).then((r) => r.json());
    assert.equal(explorer.total ?? explorer.deposits.length, 1);
  });

  it("a withdrawal is followed by wait until claimable, then claimed", async () => {
    const w = await cliJson(["withdraw", "--token", "DEMO", "--amount", "40"]);
    const r = await cli(["wait", "--withdrawal", String(w.opIndex), "--timeout", "400"]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, /waiting for the batch that proves it on L1/);
    assert.match(r.err, /proven on L1 in batch #\d+/);
    assert.match(r.out, /is claimable on L1/);
    const c = await cliJson(["claim", "--token", "DEMO"]);
    assert.equal(c.claimed[0].amount, parseEther("40").toString());
    assert.equal((await demoBalance()).l1Wallet, parseEther("9940").toString());
  });

  it("make devnet-stop stops every process and frees the ports; a second stop has nothing to do", async () => {
    const stop = await make("devnet-stop", devnetEnv);
    for (const name of ["anvil-l1", "anvil-l2", "attester-1", "attester-2", "attester-3", "node", "explorer"])
      assert.match(stop.stdout, new RegExp(`${name} \\(pid \\d+\\): stopped`));
    for (const p of state?.processes ?? []) assert.equal(isRunning(p), false, `${p.name} is gone`);
    for (const port of ports) assert.ok(await portFree(port), `port ${port} is free`);
    assert.equal(readState(ROOT), undefined, "devnet.json removed");
    assert.ok(existsSync(join(ROOT, "logs", "node.log")), "the logs stay");
    assert.match((await make("devnet-stop", devnetEnv)).stdout, /no devnet to stop/);
  });
});
