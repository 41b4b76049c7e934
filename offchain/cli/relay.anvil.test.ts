/**
 * `bridge relay-deposit` on anvil with three real attester processes: a user credits their own
 * deposit on L2 with no monitor running; wrong ids, a missing attester list and too few attesters
 * give clear errors and send nothing.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { parseEther } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { type AttesterProcess, startAttesters, untilFollowed } from "../e2e/attesters.js";
import { ProcessGroup } from "../e2e/processes.js";
import { assetReceivingAbi, assetStorageAbi } from "../lib/abi.js";
import { ROLES, startTestBridge, type TestBridge } from "../testing/bridge.js";
import { runCli } from "./main.js";

let bridge: TestBridge;
let procs: ProcessGroup;
let root: string;
let attesters: AttesterProcess[];
const user = privateKeyToAccount(ROLES.user).address;

before(async () => {
  bridge = await startTestBridge();
  root = mkdtempSync(join(tmpdir(), "relay-"));
  procs = new ProcessGroup(join(root, "logs"));
  attesters = await startAttesters(procs, {
    root,
    env: bridge.attesterEnv,
  });
});

after(async () => {
  await procs?.stopAll();
  await bridge?.stop();
  rmSync(root, { recursive: true, force: true });
});

async function cli(argv: string[], env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, {
    env: {
      L1_RPC_URL: bridge.l1.anvil.url,
      L2_RPC_URL: bridge.l2.anvil.url,
      DEPLOYMENTS_DIR: bridge.deploymentsDir,
      PRIVATE_KEY: ROLES.user,
      ...env,
    },
    out: (t) => out.push(t),
    err: (t) => err.push(t),
  });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

const l2Balance = () =>
  bridge.l2.client.readContract({
    address: bridge.assetReceiving,
    abi: assetReceivingAbi,
    functionName: "balanceOf",
    args: [user, 0n],
  });

describe("bridge relay-deposit on anvil", () => {
  it("credits the user's own deposit with the attesters' signatures, in order, and explains refusals", async () => {
    for (const amount of ["1", "2"]) {
      const hash = await bridge.l1.wallet(ROLES.user).writeContract({
        address: bridge.assetStorage,
        abi: assetStorageAbi,
        functionName: "depositETH",
        args: [user],
        value: parseEther(amount),
      });
      await bridge.l1.client.waitForTransactionReceipt({ hash });
    }
    const urls = attesters.map((a) => a.url).join(",");
    await untilFollowed(attesters, { l1Deposits: 2 });

    const noAttesters = await cli(["relay-deposit", "--id", "0"]);
    assert.equal(noAttesters.code, 2);
    assert.match(noAttesters.err, /no attesters: pass --attesters/);

    const gap = await cli(["relay-deposit", "--id", "1"], { ATTESTER_URLS: urls });
    assert.equal(gap.code, 1);
    assert.match(gap.err, /relay deposit 0 first \(relay-deposit --id 0\)/);

    const tooFew = await cli(["relay-deposit", "--id", "0", "--attesters", attesters[0]!.url]);
    assert.equal(tooFew.code, 1);
    assert.match(tooFew.err, /1 of 2 attester signatures/);
    assert.equal(await l2Balance(), 0n, "nothing was credited");

    const relayed = await cli(["relay-deposit", "--id", "0"], { ATTESTER_URLS: urls });
    assert.equal(relayed.code, 0, relayed.err);
    assert.match(relayed.out, /Deposit #0 credited on L2: 1 ETH/);
    assert.match(relayed.out, /Attested by 0x/);
    assert.equal(await l2Balance(), parseEther("1"));

    const again = await cli(["relay-deposit", "--id", "0"], { ATTESTER_URLS: urls });
    assert.equal(again.code, 1);
    assert.match(again.err, /deposit 0 is already credited on L2 \(the next one is 1\)/);

    const json = await cli(["relay-deposit", "--id", "1", "--json"], { ATTESTER_URLS: urls });
    assert.equal(json.code, 0, json.out);
    assert.equal(JSON.parse(json.out).attesters.length, 2);
    assert.equal(await l2Balance(), parseEther("3"));
  });
});
