/**
 * The e2e scenario: real user flows through the whole bridge on two anvil chains, with the services
 * killed mid-proof and restarted, a forced withdrawal served through the L1 queue, then exodus opened
 * by a forced withdrawal the stopped node ignores; the operator's database is deleted and L2 stopped,
 * every user exits from L1 data alone, and every wei and token unit is reconciled at the end.
 */
import { rmSync } from "node:fs";
import { type Address, type Hash, parseAbi, parseEther } from "viem";
import { assetReceivingAbi, assetStorageAbi, erc20Abi } from "../lib/abi.js";
import { exitProofs } from "../lib/rebuild.js";
import { rebuildFromL1 } from "../runtime/l1-history.js";
import { readExtractorProgress } from "../runtime/node-db/extractor.js";
import { type Db, dbPathOf, openDatabase } from "../runtime/node-db/index.js";
import { type ProofQueue, SqliteProofQueue } from "../runtime/node-db/proof-jobs.js";
import { sleep } from "../runtime/retry.js";
import { rpc } from "../testing/anvil.js";
import { addressOf, contractWriter, type Deployments, mined, type Role, type Side } from "./chains.js";
import type { Journal } from "./journal.js";
import type { ProcessGroup } from "./processes.js";

const escrowAbi = parseAbi([
  "function open(address seller, uint32 tokenId, uint128 amount, uint40 deadline) returns (uint256 dealId)",
  "function release(uint256 dealId)",
  "function dealCount() view returns (uint256)",
]);

export const ETH = 0;
export const DEMO = 1;
const TOKENS = [ETH, DEMO] as const;
const ACTORS: Role[] = ["deployer", "relayer", "sender", "alice", "bob", "anyone"];

export interface ScenarioOptions {
  l1: Side;
  l2: Side;
  deployments: Deployments;
  journal: Journal;
  procs: ProcessGroup;
  /** Environment of the node process (keys, RPC URLs, data dir, circuit dir, ...). */
  nodeEnv: Record<string, string>;
  dataDir: string;
  priorityDeadline: number;
  log: (line: string) => void;
  /** The proof queue the node uses (default: the SQLite queue in dataDir; cluster mode: BullMQ). */
  queue?: ProofQueue;
  /** Cluster mode: also kill a prover process while a batch is proven; returns a note for the journal. */
  midProof?: () => Promise<string>;
  /** Kills one attester for good while a batch is proven (the rest still reach the threshold); returns a note. */
  killAttester?: () => Promise<string>;
  /** Stops every attester and the L2 chain for good (the operator and L2 are gone); returns a note. */
  stopL2AndAttesters: () => Promise<string>;
}

/** Fails with a message that names what differed. */
function expectEqual<T>(what: string, actual: T, expected: T): void {
  if (actual !== expected) throw new Error(`${what}: expected ${String(expected)}, got ${String(actual)}`);
}

/** Polls `check` until it returns a value (not undefined) or `timeoutMs` passes. */
async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 600_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await sleep(500);
  }
}

export async function runScenario(o: ScenarioOptions): Promise<void> {
  const { l1, l2, journal: j } = o;
  const storage = o.deployments.l1.contracts.AssetStorage as Address;
  const demo = o.deployments.l1.contracts.DemoToken as Address;
  const ledger = o.deployments.l2.contracts.AssetReceiving as Address;
  const escrow = o.deployments.l2.contracts.Escrow as Address;
  const alice = addressOf("alice");
  const bob = addressOf("bob");

  // --- L1 accounting: every wei and token unit an actor spends or receives, gas included ----------
  const expected = new Map<string, bigint>();
  const key = (who: Address, token: number) => `${who.toLowerCase()}:${token}`;
  const l1Balance = async (who: Address, token: number): Promise<bigint> =>
    token === ETH
      ? l1.public.getBalance({ address: who })
      : l1.public.readContract({ address: demo, abi: erc20Abi, functionName: "balanceOf", args: [who] });
  for (const role of ACTORS)
    for (const t of TOKENS) expected.set(key(addressOf(role), t), await l1Balance(addressOf(role), t));
  const expectDelta = (who: Address, token: number, delta: bigint) =>
    expected.set(key(who, token), (expected.get(key(who, token)) ?? 0n) + delta);

  /** An L1 transaction of `role`: waited for, its gas recorded in the journal and in the accounting. */
  const l1Settle = async (role: Role, hash: Hash) => {
    const r = j.tx(await mined(l1, hash));
    expectDelta(addressOf(role), ETH, -(r.gasUsed * r.effectiveGasPrice));
    return r;
  };
  const l2Settle = async (_role: Role, hash: Hash) => j.tx(await mined(l2, hash));
  const storageTx = contractWriter(l1, storage, assetStorageAbi, l1Settle);
  const demoTx = contractWriter(l1, demo, erc20Abi, l1Settle);
  const ledgerTx = contractWriter(l2, ledger, assetReceivingAbi, l2Settle);
  const escrowTx = contractWriter(l2, escrow, escrowAbi, l2Settle);
  const l2Balance = (who: Address, token: number) =>
    l2.public.readContract({
      address: ledger,
      abi: assetReceivingAbi,
      functionName: "balanceOf",
      args: [who, BigInt(token)],
    });
  const pending = (who: Address, token: number) =>
    l1.public.readContract({
      address: storage,
      abi: assetStorageAbi,
      functionName: "pendingWithdrawals",
      args: [who, token],
    });
  const l1Read = <F extends "batchCount" | "depositCount" | "processedDeposits" | "stateRoot" | "exodusMode">(fn: F) =>
    l1.public.readContract({ address: storage, abi: assetStorageAbi, functionName: fn });

  /** Counts the transactions behind `hashes` (sent by the services) in the current step. */
  const countServiceTxs = async (side: Side, hashes: (Hash | null)[]) => {
    for (const hash of new Set(hashes)) if (hash) j.tx(await side.public.getTransactionReceipt({ hash }));
  };
  /** Fees paid on `side` by `from` in every transaction it sent (also replaced or reverted ones). */
  const feesPaidBy = async (side: Side, from: Address): Promise<bigint> => {
    let fees = 0n;
    const latest = await side.public.getBlockNumber();
    for (let n = 0n; n <= latest; n++) {
      const block = await side.public.getBlock({ blockNumber: n, includeTransactions: true });
      for (const tx of block.transactions) {
        if (tx.from.toLowerCase() !== from.toLowerCase()) continue;
        const r = await side.public.getTransactionReceipt({ hash: tx.hash });
        fees += r.gasUsed * r.effectiveGasPrice;
      }
    }
    return fees;
  };
  /** `role` claims every pending withdrawal on L1; the accounting expects the amounts to arrive. */
  const claimAll = async (role: Role) => {
    const who = addressOf(role);
    for (const token of TOKENS) {
      const amount = await pending(who, token);
      await storageTx(role, "claim", [token]);
      expectDelta(who, token, amount);
    }
  };
  const startNode = () => o.procs.start("node", process.execPath, ["--import", "tsx", "offchain/node.ts"], o.nodeEnv);
  const db: Db = openDatabase(dbPathOf(o.dataDir));
  const queue = o.queue ?? new SqliteProofQueue(db);

  const ethIn = parseEther("5");
  const demoMinted = parseEther("1000");
  const toBob = { eth: parseEther("2"), demo: parseEther("300") };
  const escrowAmount = parseEther("100");
  const openDeal = parseEther("40");
  const bobOut = { eth: parseEther("1"), demo: parseEther("50") };
  const bobOutLater = parseEther("0.25");
  // Bob's forced withdrawal takes his spendable DEMO only: the open deal's 40 stay held on L2.
  const bobForced = toBob.demo - escrowAmount - bobOut.demo - openDeal;

  await j.step("start the node (monitor, extractor, 2 provers, sender)", async () => {
    startNode();
  });

  await j.step("Alice deposits 5 ETH and 1000 DEMO on L1", async () => {
    await demoTx("deployer", "mint", [alice, demoMinted]);
    expectDelta(alice, DEMO, demoMinted);
    await storageTx("alice", "depositETH", [alice], ethIn);
    expectDelta(alice, ETH, -ethIn);
    await demoTx("alice", "approve", [storage, demoMinted]);
    await storageTx("alice", "depositERC20", [demo, demoMinted, alice]);
    expectDelta(alice, DEMO, -demoMinted);
  });

  await j.step("the monitor credits both deposits on L2", async () => {
    await waitFor("Alice's L2 credits", async () =>
      (await l2Balance(alice, ETH)) === ethIn && (await l2Balance(alice, DEMO)) === demoMinted ? true : undefined,
    );
    const credits = await l2.public.getContractEvents({
      address: ledger,
      abi: assetReceivingAbi,
      eventName: "DepositCredited",
      fromBlock: 0n,
    });
    await countServiceTxs(
      l2,
      credits.map((c) => c.transactionHash),
    );
    const meta = await l2.public.readContract({
      address: ledger,
      abi: assetReceivingAbi,
      functionName: "symbol",
      args: [1n],
    });
    j.note(`token 1 relayed as ${meta || "(no symbol yet)"}`);
  });

  await j.step("Alice transfers 2 ETH and 300 DEMO to Bob on L2", async () => {
    for (const [token, amount] of [
      [ETH, toBob.eth],
      [DEMO, toBob.demo],
    ] as const) {
      await ledgerTx("alice", "transfer", [bob, BigInt(token), amount]);
    }
  });

  await j.step("Bob authorises the Escrow, which holds 100 DEMO of his for Alice; he releases it to her", async () => {
    await ledgerTx("bob", "approve", [escrow, BigInt(DEMO), escrowAmount]);
    const deadline = BigInt(Math.floor(Date.now() / 1000) + 86_400);
    const dealId = await l2.public.readContract({ address: escrow, abi: escrowAbi, functionName: "dealCount" });
    await escrowTx("bob", "open", [alice, DEMO, escrowAmount, Number(deadline)]);
    expectEqual("Escrow's L2 DEMO while the deal is open (a hold, not custody)", await l2Balance(escrow, DEMO), 0n);
    expectEqual("Bob's L2 DEMO while the deal is open (held, still his)", await l2Balance(bob, DEMO), toBob.demo);
    await escrowTx("bob", "release", [dealId]);
    expectEqual("Escrow's L2 DEMO after release", await l2Balance(escrow, DEMO), 0n);
  });

  await j.step("Bob opens a second 40 DEMO deal for Alice and leaves it open (a hold on his balance)", async () => {
    await ledgerTx("bob", "approve", [escrow, BigInt(DEMO), openDeal]);
    const deadline = Math.floor(Date.now() / 1000) + 30 * 86_400;
    await escrowTx("bob", "open", [alice, DEMO, openDeal, deadline]);
    const held = await l2.public.readContract({
      address: ledger,
      abi: assetReceivingAbi,
      functionName: "heldBalanceOf",
      args: [bob, BigInt(DEMO)],
    });
    expectEqual("Bob's held L2 DEMO", held, openDeal);
    expectEqual("Escrow's L2 DEMO with a deal open", await l2Balance(escrow, DEMO), 0n);
  });

  await j.step("Bob withdraws 1 ETH and 50 DEMO to L1", async () => {
    for (const [token, amount] of [
      [ETH, bobOut.eth],
      [DEMO, bobOut.demo],
    ] as const) {
      await ledgerTx("bob", "withdraw", [token, amount, bob]);
    }
  });

  await j.step("kill the node (and attester-1, for good) while a batch is being proven; restart the node", async () => {
    await waitFor("a proof job in progress", async () => ((await queue.stats()).proving > 0 ? true : undefined));
    await sleep(1_000);
    await o.procs.stop("node", "SIGKILL");
    j.note(`killed with ${JSON.stringify(await queue.stats())}`);
    if (o.midProof) j.note(await o.midProof());
    if (o.killAttester) j.note(await o.killAttester());
    startNode();
  });

  await j.step("Bob withdraws another 0.25 ETH (a partial batch, cut on timeout)", async () => {
    await ledgerTx("bob", "withdraw", [ETH, bobOutLater, bob]);
  });

  await j.step("Bob requests a forced withdrawal of his DEMO on L1; it is relayed to L2 (attested)", async () => {
    await storageTx("bob", "requestWithdrawal", [DEMO]);
    await waitFor("the forced withdrawal on L2", async () =>
      (await l2Balance(bob, DEMO)) === openDeal ? true : undefined,
    );
    j.note(`L2 burnt Bob's spendable ${bobForced} DEMO; the open deal's ${openDeal} stay held`);
  });

  const l2OpCount = await l2.public.readContract({ address: ledger, abi: assetReceivingAbi, functionName: "opCount" });
  await j.step("the extractor, provers and sender prove every op on L1", async () => {
    await waitFor("all L2 ops proven on L1", async () => {
      const progress = readExtractorProgress(db);
      if (!progress?.lastBatch) return undefined;
      const cut = progress.lastBatch.firstOp + progress.lastBatch.opCount;
      const batches = await l1Read("batchCount");
      return cut === Number(l2OpCount) && Number(batches) === progress.lastBatch.batchNumber + 1 ? true : undefined;
    });
    const verified = await l1.public.getContractEvents({
      address: storage,
      abi: assetStorageAbi,
      eventName: "BatchVerified",
      fromBlock: 0n,
    });
    await countServiceTxs(
      l1,
      verified.map((v) => v.transactionHash),
    );
    j.note(`${verified.length} batches for ${l2OpCount} ops (submitBatch by the sender, a courier)`);
    expectEqual("Bob's pending ETH on L1", await pending(bob, ETH), bobOut.eth + bobOutLater);
    expectEqual(
      "Bob's pending DEMO on L1 (withdrawal + forced withdrawal)",
      await pending(bob, DEMO),
      bobOut.demo + bobForced,
    );
    expectEqual(
      "queue requests consumed by batches (2 deposits, 1 forced withdrawal)",
      await l1Read("processedDeposits"),
      3n,
    );
  });

  await j.step("Bob claims his withdrawals on L1", async () => {
    await claimAll("bob");
  });

  await j.step(
    "censorship: the node stops; Alice's forced ETH withdrawal and 0.5 ETH deposit wait past the deadline",
    async () => {
      await o.procs.stop("node", "SIGTERM");
      await storageTx("alice", "requestWithdrawal", [ETH]);
      await storageTx("alice", "depositETH", [alice], parseEther("0.5"));
      expectDelta(alice, ETH, -parseEther("0.5"));
      await rpc(l1.url, "evm_increaseTime", [o.priorityDeadline + 1]);
      await rpc(l1.url, "evm_mine", []);
    },
  );

  await j.step("anyone activates exodus (the oldest unserved request is Alice's forced withdrawal)", async () => {
    const r = await storageTx("anyone", "activateExodus", []);
    expectEqual("exodus mode", await l1Read("exodusMode"), true);
    j.note(`exodus opened in block ${r.blockNumber}, oldest unserved request 3`);
  });

  // What only L2 can tell, checked while it still runs: no request served twice.
  expectEqual(
    "L2 next request id (2 deposits and 1 forced withdrawal served)",
    await l2.public.readContract({ address: ledger, abi: assetReceivingAbi, functionName: "nextDepositId" }),
    3n,
  );

  await j.step("the operator is gone: its database is deleted, the attesters and L2 are stopped", async () => {
    db.close();
    rmSync(o.dataDir, { recursive: true, force: true });
    j.note(await o.stopL2AndAttesters());
  });

  const provenRoot = await l1Read("stateRoot");
  const rebuilt = await j.step("rebuild the last proven state from L1 data alone (BatchOps events)", async () => {
    const r = await rebuildFromL1({ client: l1.public, assetStorage: storage });
    expectEqual("rebuilt root = L1 stateRoot()", r.state.root, provenRoot);
    j.note(`${r.batchCount} batches, ${r.state.accountList().length} slots, root checked at block ${r.block}`);
    return r;
  });
  const state = rebuilt.state;
  const exitAll = async (role: Role) => {
    const who = addressOf(role);
    const exits = exitProofs(state, who);
    for (const e of exits) await storageTx(role, "exit", [BigInt(e.slot), e.owner, e.tokenId, e.balance, e.siblings]);
    return exits;
  };

  await j.step("Alice exits her last-proven L2 balances and cancels her waiting deposit", async () => {
    const exits = await exitAll("alice");
    expectEqual("Alice's exitable slots", exits.length, 2);
    const expectedL2: Record<number, bigint> = {
      [ETH]: ethIn - toBob.eth,
      [DEMO]: demoMinted - toBob.demo + escrowAmount,
    };
    for (const e of exits)
      expectEqual(`Alice's exited balance of token ${e.tokenId}`, e.balance, expectedL2[e.tokenId]);
    const depositId = (await l1Read("depositCount")) - 1n;
    const logs = await l1.public.getContractEvents({
      address: storage,
      abi: assetStorageAbi,
      eventName: "DepositQueued",
      args: { depositId },
      fromBlock: 0n,
    });
    const rec = logs[0]?.args;
    if (!rec) throw new Error(`no DepositQueued log for deposit ${depositId}`);
    await storageTx("alice", "cancelDeposit", [
      depositId,
      {
        recipient: rec.recipient as Address,
        tokenId: Number(rec.tokenId),
        amount: rec.amount as bigint,
        depositor: rec.depositor as Address,
        timestamp: rec.timestamp as bigint,
      },
    ]);
    await claimAll("alice");
  });

  await j.step(
    "Bob exits his last-proven ETH and DEMO (the open deal's 40 DEMO included) and claims them",
    async () => {
      const exits = await exitAll("bob");
      const byToken = new Map(exits.map((e) => [e.tokenId, e.balance]));
      expectEqual("Bob's exited ETH", byToken.get(ETH), toBob.eth - bobOut.eth - bobOutLater);
      expectEqual("Bob's exited DEMO (the deal's hold)", byToken.get(DEMO), openDeal);
      await claimAll("bob");
    },
  );

  await j.step("reconcile every L1 wei and token unit", async () => {
    const verified = await l1.public.getContractEvents({
      address: storage,
      abi: assetStorageAbi,
      eventName: "BatchVerified",
      fromBlock: 0n,
    });
    const numbers = verified.map((v) => Number(v.args.batchNumber));
    expectEqual("distinct BatchVerified batch numbers", new Set(numbers).size, numbers.length);
    expectEqual("BatchVerified events", BigInt(numbers.length), await l1Read("batchCount"));

    // Actors: each L1 balance is exactly start + what the scenario moved - gas; the sender service
    // paid the fees of every transaction it sent.
    expectDelta(addressOf("sender"), ETH, -(await feesPaidBy(l1, addressOf("sender"))));
    for (const role of ACTORS)
      for (const t of TOKENS) {
        const who = addressOf(role);
        expectEqual(`${role}'s L1 balance of token ${t}`, await l1Balance(who, t), expected.get(key(who, t)));
      }

    // The contract owes nothing more: every proven leaf exited, every pending withdrawal claimed, the
    // one unconsumed deposit cancelled. The Escrow never had a balance: it owns no slot.
    const escrowSlots = state.accountList().filter((a) => a.owner === BigInt(escrow));
    expectEqual("slots owned by the Escrow in the proven state", escrowSlots.length, 0);
    for (const t of TOKENS) {
      expectEqual(`AssetStorage's L1 balance of token ${t} (everything returned)`, await l1Balance(storage, t), 0n);
    }
  });
  o.log("all balances reconcile");
}
