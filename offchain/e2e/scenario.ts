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
import type { BridgeState } from "../lib/state.js";
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

/** The scenario's amounts; Bob's forced withdrawal takes his spendable DEMO only: the open deal's 40 stay held on L2. */
const AMOUNTS = (() => {
  const a = {
    ethIn: parseEther("5"),
    demoMinted: parseEther("1000"),
    toBob: { eth: parseEther("2"), demo: parseEther("300") },
    escrowAmount: parseEther("100"),
    openDeal: parseEther("40"),
    bobOut: { eth: parseEther("1"), demo: parseEther("50") },
    bobOutLater: parseEther("0.25"),
  };
  return { ...a, bobForced: a.toBob.demo - a.escrowAmount - a.bobOut.demo - a.openDeal };
})();

/** The deployed contracts and the two users, by name. */
function contractsOf(d: Deployments) {
  return {
    storage: d.l1.contracts.AssetStorage as Address,
    demo: d.l1.contracts.DemoToken as Address,
    ledger: d.l2.contracts.AssetReceiving as Address,
    escrow: d.l2.contracts.Escrow as Address,
    alice: addressOf("alice"),
    bob: addressOf("bob"),
  };
}
type Contracts = ReturnType<typeof contractsOf>;

/** L1 accounting: every wei and token unit an actor spends or receives, gas included. */
class L1Books {
  private readonly expected = new Map<string, bigint>();
  constructor(
    private readonly l1: Side,
    private readonly demo: Address,
  ) {}

  /** Records every actor's starting L1 balances. */
  async open(): Promise<this> {
    for (const role of ACTORS)
      for (const t of TOKENS) this.expected.set(key(addressOf(role), t), await this.balance(addressOf(role), t));
    return this;
  }

  balance(who: Address, token: number): Promise<bigint> {
    return token === ETH
      ? this.l1.public.getBalance({ address: who })
      : this.l1.public.readContract({ address: this.demo, abi: erc20Abi, functionName: "balanceOf", args: [who] });
  }

  expectDelta(who: Address, token: number, delta: bigint): void {
    this.expected.set(key(who, token), (this.expected.get(key(who, token)) ?? 0n) + delta);
  }

  expectedOf(who: Address, token: number): bigint | undefined {
    return this.expected.get(key(who, token));
  }
}
const key = (who: Address, token: number) => `${who.toLowerCase()}:${token}`;

/** Everything the phases share: the options, contracts, accounting, writers, reads, database and queue. */
async function prepare(o: ScenarioOptions) {
  const { l1, l2, journal: j } = o;
  const c = contractsOf(o.deployments);
  const books = await new L1Books(l1, c.demo).open();
  /** An L1 transaction of `role`: waited for, its gas recorded in the journal and in the accounting. */
  const l1Settle = async (role: Role, hash: Hash) => {
    const r = j.tx(await mined(l1, hash));
    books.expectDelta(addressOf(role), ETH, -(r.gasUsed * r.effectiveGasPrice));
    return r;
  };
  const l2Settle = async (_role: Role, hash: Hash) => j.tx(await mined(l2, hash));
  const db: Db = openDatabase(dbPathOf(o.dataDir));
  return {
    o,
    l1,
    l2,
    j,
    c,
    books,
    storageTx: contractWriter(l1, c.storage, assetStorageAbi, l1Settle),
    demoTx: contractWriter(l1, c.demo, erc20Abi, l1Settle),
    ledgerTx: contractWriter(l2, c.ledger, assetReceivingAbi, l2Settle),
    escrowTx: contractWriter(l2, c.escrow, escrowAbi, l2Settle),
    ...readsOf(l1, l2, c),
    db,
    queue: o.queue ?? new SqliteProofQueue(db),
    startNode: () => o.procs.start("node", process.execPath, ["--import", "tsx", "offchain/node.ts"], o.nodeEnv),
  };
}
type Scenario = Awaited<ReturnType<typeof prepare>>;

/** The contract reads the phases check. */
function readsOf(l1: Side, l2: Side, c: Contracts) {
  return {
    l2Balance: (who: Address, token: number) =>
      l2.public.readContract({
        address: c.ledger,
        abi: assetReceivingAbi,
        functionName: "balanceOf",
        args: [who, BigInt(token)],
      }),
    pending: (who: Address, token: number) =>
      l1.public.readContract({
        address: c.storage,
        abi: assetStorageAbi,
        functionName: "pendingWithdrawals",
        args: [who, token],
      }),
    l1Read: <F extends "batchCount" | "depositCount" | "processedDeposits" | "stateRoot" | "exodusMode">(fn: F) =>
      l1.public.readContract({ address: c.storage, abi: assetStorageAbi, functionName: fn }),
  };
}

/** Counts the transactions behind `hashes` (sent by the services) in the current step. */
async function countServiceTxs(j: Journal, side: Side, hashes: (Hash | null)[]): Promise<void> {
  for (const hash of new Set(hashes)) if (hash) j.tx(await side.public.getTransactionReceipt({ hash }));
}

/** Fees paid on `side` by `from` in every transaction it sent (also replaced or reverted ones). */
async function feesPaidBy(side: Side, from: Address): Promise<bigint> {
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
}

/** `role` claims every pending withdrawal on L1; the accounting expects the amounts to arrive. */
async function claimAll(s: Scenario, role: Role): Promise<void> {
  const who = addressOf(role);
  for (const token of TOKENS) {
    const amount = await s.pending(who, token);
    await s.storageTx(role, "claim", [token]);
    s.books.expectDelta(who, token, amount);
  }
}

export async function runScenario(o: ScenarioOptions): Promise<void> {
  const s = await prepare(o);
  await s.j.step("start the node (monitor, extractor, 2 provers, sender)", async () => {
    s.startNode();
  });
  await deposits(s);
  await transfersAndHolds(s);
  await withdrawals(s);
  await forcedWithdrawal(s);
  await provenOnL1(s);
  await exodus(s);
  const state = await rebuild(s);
  await exits(s, state);
  await reconcile(s, state);
  o.log("all balances reconcile");
}

/** Alice deposits ETH and DEMO on L1; the monitor credits both on L2 and relays DEMO's metadata. */
async function deposits(s: Scenario): Promise<void> {
  const { j, c, books, l2 } = s;
  const { ethIn, demoMinted } = AMOUNTS;
  await j.step("Alice deposits 5 ETH and 1000 DEMO on L1", async () => {
    await s.demoTx("deployer", "mint", [c.alice, demoMinted]);
    books.expectDelta(c.alice, DEMO, demoMinted);
    await s.storageTx("alice", "depositETH", [c.alice], ethIn);
    books.expectDelta(c.alice, ETH, -ethIn);
    await s.demoTx("alice", "approve", [c.storage, demoMinted]);
    await s.storageTx("alice", "depositERC20", [c.demo, demoMinted, c.alice]);
    books.expectDelta(c.alice, DEMO, -demoMinted);
  });

  await j.step("the monitor credits both deposits on L2", async () => {
    await waitFor("Alice's L2 credits", async () =>
      (await s.l2Balance(c.alice, ETH)) === ethIn && (await s.l2Balance(c.alice, DEMO)) === demoMinted
        ? true
        : undefined,
    );
    const credits = await l2.public.getContractEvents({
      address: c.ledger,
      abi: assetReceivingAbi,
      eventName: "DepositCredited",
      fromBlock: 0n,
    });
    await countServiceTxs(
      j,
      l2,
      credits.map((e) => e.transactionHash),
    );
    const meta = await l2.public.readContract({
      address: c.ledger,
      abi: assetReceivingAbi,
      functionName: "symbol",
      args: [1n],
    });
    j.note(`token 1 relayed as ${meta || "(no symbol yet)"}`);
  });
}

/** On L2: Alice pays Bob; Bob's Escrow deals hold his DEMO (one released to Alice, one left open). */
async function transfersAndHolds(s: Scenario): Promise<void> {
  const { j, c, l2 } = s;
  const { toBob, escrowAmount, openDeal } = AMOUNTS;
  await j.step("Alice transfers 2 ETH and 300 DEMO to Bob on L2", async () => {
    for (const [token, amount] of [
      [ETH, toBob.eth],
      [DEMO, toBob.demo],
    ] as const) {
      await s.ledgerTx("alice", "transfer", [c.bob, BigInt(token), amount]);
    }
  });

  await j.step("Bob authorises the Escrow, which holds 100 DEMO of his for Alice; he releases it to her", async () => {
    await s.ledgerTx("bob", "approve", [c.escrow, BigInt(DEMO), escrowAmount]);
    const deadline = BigInt(Math.floor(Date.now() / 1000) + 86_400);
    const dealId = await l2.public.readContract({ address: c.escrow, abi: escrowAbi, functionName: "dealCount" });
    await s.escrowTx("bob", "open", [c.alice, DEMO, escrowAmount, Number(deadline)]);
    expectEqual("Escrow's L2 DEMO while the deal is open (a hold, not custody)", await s.l2Balance(c.escrow, DEMO), 0n);
    expectEqual("Bob's L2 DEMO while the deal is open (held, still his)", await s.l2Balance(c.bob, DEMO), toBob.demo);
    await s.escrowTx("bob", "release", [dealId]);
    expectEqual("Escrow's L2 DEMO after release", await s.l2Balance(c.escrow, DEMO), 0n);
  });

  await j.step("Bob opens a second 40 DEMO deal for Alice and leaves it open (a hold on his balance)", async () => {
    await s.ledgerTx("bob", "approve", [c.escrow, BigInt(DEMO), openDeal]);
    const deadline = Math.floor(Date.now() / 1000) + 30 * 86_400;
    await s.escrowTx("bob", "open", [c.alice, DEMO, openDeal, deadline]);
    const held = await l2.public.readContract({
      address: c.ledger,
      abi: assetReceivingAbi,
      functionName: "heldBalanceOf",
      args: [c.bob, BigInt(DEMO)],
    });
    expectEqual("Bob's held L2 DEMO", held, openDeal);
    expectEqual("Escrow's L2 DEMO with a deal open", await s.l2Balance(c.escrow, DEMO), 0n);
  });
}

/** Bob withdraws on L2, the node is killed mid-proof and restarted, and Bob withdraws once more. */
async function withdrawals(s: Scenario): Promise<void> {
  const { j, c, o, queue } = s;
  const { bobOut, bobOutLater } = AMOUNTS;
  await j.step("Bob withdraws 1 ETH and 50 DEMO to L1", async () => {
    for (const [token, amount] of [
      [ETH, bobOut.eth],
      [DEMO, bobOut.demo],
    ] as const) {
      await s.ledgerTx("bob", "withdraw", [token, amount, c.bob]);
    }
  });

  await j.step("kill the node (and attester-1, for good) while a batch is being proven; restart the node", async () => {
    await waitFor("a proof job in progress", async () => ((await queue.stats()).proving > 0 ? true : undefined));
    await sleep(1_000);
    await o.procs.stop("node", "SIGKILL");
    j.note(`killed with ${JSON.stringify(await queue.stats())}`);
    if (o.midProof) j.note(await o.midProof());
    if (o.killAttester) j.note(await o.killAttester());
    s.startNode();
  });

  await j.step("Bob withdraws another 0.25 ETH (a partial batch, cut on timeout)", async () => {
    await s.ledgerTx("bob", "withdraw", [ETH, bobOutLater, c.bob]);
  });
}

/** Bob's forced withdrawal on L1, relayed to L2 (attested), burns his spendable DEMO only. */
async function forcedWithdrawal(s: Scenario): Promise<void> {
  const { c } = s;
  const { openDeal, bobForced } = AMOUNTS;
  await s.j.step("Bob requests a forced withdrawal of his DEMO on L1; it is relayed to L2 (attested)", async () => {
    await s.storageTx("bob", "requestWithdrawal", [DEMO]);
    await waitFor("the forced withdrawal on L2", async () =>
      (await s.l2Balance(c.bob, DEMO)) === openDeal ? true : undefined,
    );
    s.j.note(`L2 burnt Bob's spendable ${bobForced} DEMO; the open deal's ${openDeal} stay held`);
  });
}

/** The extractor, provers and sender prove every L2 op on L1; Bob claims what he withdrew. */
async function provenOnL1(s: Scenario): Promise<void> {
  const { j, c, l1, l2 } = s;
  const { bobOut, bobOutLater, bobForced } = AMOUNTS;
  const l2OpCount = await l2.public.readContract({
    address: c.ledger,
    abi: assetReceivingAbi,
    functionName: "opCount",
  });
  await j.step("the extractor, provers and sender prove every op on L1", async () => {
    await waitFor("all L2 ops proven on L1", async () => {
      const progress = readExtractorProgress(s.db);
      if (!progress?.lastBatch) return undefined;
      const cut = progress.lastBatch.firstOp + progress.lastBatch.opCount;
      const batches = await s.l1Read("batchCount");
      return cut === Number(l2OpCount) && Number(batches) === progress.lastBatch.batchNumber + 1 ? true : undefined;
    });
    const verified = await batchesVerified(s);
    await countServiceTxs(
      j,
      l1,
      verified.map((v) => v.transactionHash),
    );
    j.note(`${verified.length} batches for ${l2OpCount} ops (submitBatch by the sender, a courier)`);
    expectEqual("Bob's pending ETH on L1", await s.pending(c.bob, ETH), bobOut.eth + bobOutLater);
    expectEqual(
      "Bob's pending DEMO on L1 (withdrawal + forced withdrawal)",
      await s.pending(c.bob, DEMO),
      bobOut.demo + bobForced,
    );
    expectEqual(
      "queue requests consumed by batches (2 deposits, 1 forced withdrawal)",
      await s.l1Read("processedDeposits"),
      3n,
    );
  });

  await j.step("Bob claims his withdrawals on L1", async () => {
    await claimAll(s, "bob");
  });
}

/** Every BatchVerified event of AssetStorage. */
function batchesVerified(s: Scenario) {
  return s.l1.public.getContractEvents({
    address: s.c.storage,
    abi: assetStorageAbi,
    eventName: "BatchVerified",
    fromBlock: 0n,
  });
}

/** Censorship: the node stops, Alice's forced withdrawal ages past the deadline, anyone opens exodus; the operator goes. */
async function exodus(s: Scenario): Promise<void> {
  const { j, c, o, l1, l2 } = s;
  await j.step(
    "censorship: the node stops; Alice's forced ETH withdrawal and 0.5 ETH deposit wait past the deadline",
    async () => {
      await o.procs.stop("node", "SIGTERM");
      await s.storageTx("alice", "requestWithdrawal", [ETH]);
      await s.storageTx("alice", "depositETH", [c.alice], parseEther("0.5"));
      s.books.expectDelta(c.alice, ETH, -parseEther("0.5"));
      await rpc(l1.url, "evm_increaseTime", [o.priorityDeadline + 1]);
      await rpc(l1.url, "evm_mine", []);
    },
  );

  await j.step("anyone activates exodus (the oldest unserved request is Alice's forced withdrawal)", async () => {
    const r = await s.storageTx("anyone", "activateExodus", []);
    expectEqual("exodus mode", await s.l1Read("exodusMode"), true);
    j.note(`exodus opened in block ${r.blockNumber}, oldest unserved request 3`);
  });

  // What only L2 can tell, checked while it still runs: no request served twice.
  expectEqual(
    "L2 next request id (2 deposits and 1 forced withdrawal served)",
    await l2.public.readContract({ address: c.ledger, abi: assetReceivingAbi, functionName: "nextDepositId" }),
    3n,
  );

  await j.step("the operator is gone: its database is deleted, the attesters and L2 are stopped", async () => {
    s.db.close();
    rmSync(o.dataDir, { recursive: true, force: true });
    j.note(await o.stopL2AndAttesters());
  });
}

/** Rebuilds the last proven state from L1 data alone and checks its root against L1's. */
async function rebuild(s: Scenario): Promise<BridgeState> {
  const provenRoot = await s.l1Read("stateRoot");
  const rebuilt = await s.j.step("rebuild the last proven state from L1 data alone (BatchOps events)", async () => {
    const r = await rebuildFromL1({ client: s.l1.public, assetStorage: s.c.storage });
    expectEqual("rebuilt root = L1 stateRoot()", r.state.root, provenRoot);
    s.j.note(`${r.batchCount} batches, ${r.state.accountList().length} slots, root checked at block ${r.block}`);
    return r;
  });
  return rebuilt.state;
}

/** `role` exits every slot it owns in `state` on L1. */
async function exitAll(s: Scenario, state: BridgeState, role: Role) {
  const exits = exitProofs(state, addressOf(role));
  for (const e of exits) await s.storageTx(role, "exit", [BigInt(e.slot), e.owner, e.tokenId, e.balance, e.siblings]);
  return exits;
}

/** Alice and Bob exit their last-proven balances; Alice cancels her waiting deposit; both claim. */
async function exits(s: Scenario, state: BridgeState): Promise<void> {
  const { ethIn, demoMinted, toBob, escrowAmount, bobOut, bobOutLater, openDeal } = AMOUNTS;
  await s.j.step("Alice exits her last-proven L2 balances and cancels her waiting deposit", async () => {
    const exited = await exitAll(s, state, "alice");
    expectEqual("Alice's exitable slots", exited.length, 2);
    const expectedL2: Record<number, bigint> = {
      [ETH]: ethIn - toBob.eth,
      [DEMO]: demoMinted - toBob.demo + escrowAmount,
    };
    for (const e of exited)
      expectEqual(`Alice's exited balance of token ${e.tokenId}`, e.balance, expectedL2[e.tokenId]);
    await cancelLastDeposit(s, "alice");
    await claimAll(s, "alice");
  });

  await s.j.step(
    "Bob exits his last-proven ETH and DEMO (the open deal's 40 DEMO included) and claims them",
    async () => {
      const exited = await exitAll(s, state, "bob");
      const byToken = new Map(exited.map((e) => [e.tokenId, e.balance]));
      expectEqual("Bob's exited ETH", byToken.get(ETH), toBob.eth - bobOut.eth - bobOutLater);
      expectEqual("Bob's exited DEMO (the deal's hold)", byToken.get(DEMO), openDeal);
      await claimAll(s, "bob");
    },
  );
}

/** `role` cancels the last queued deposit (never consumed by a batch), from its DepositQueued record. */
async function cancelLastDeposit(s: Scenario, role: Role): Promise<void> {
  const depositId = (await s.l1Read("depositCount")) - 1n;
  const logs = await s.l1.public.getContractEvents({
    address: s.c.storage,
    abi: assetStorageAbi,
    eventName: "DepositQueued",
    args: { depositId },
    fromBlock: 0n,
  });
  const rec = logs[0]?.args;
  if (!rec) throw new Error(`no DepositQueued log for deposit ${depositId}`);
  await s.storageTx(role, "cancelDeposit", [
    depositId,
    {
      recipient: rec.recipient as Address,
      tokenId: Number(rec.tokenId),
      amount: rec.amount as bigint,
      depositor: rec.depositor as Address,
      timestamp: rec.timestamp as bigint,
    },
  ]);
}

/** Every L1 wei and token unit accounted for: batches, actors' balances, nothing left in AssetStorage. */
async function reconcile(s: Scenario, state: BridgeState): Promise<void> {
  const { c, books } = s;
  await s.j.step("reconcile every L1 wei and token unit", async () => {
    const numbers = (await batchesVerified(s)).map((v) => Number(v.args.batchNumber));
    expectEqual("distinct BatchVerified batch numbers", new Set(numbers).size, numbers.length);
    expectEqual("BatchVerified events", BigInt(numbers.length), await s.l1Read("batchCount"));

    // Actors: each L1 balance is exactly start + what the scenario moved - gas; the sender service
    // paid the fees of every transaction it sent.
    books.expectDelta(addressOf("sender"), ETH, -(await feesPaidBy(s.l1, addressOf("sender"))));
    for (const role of ACTORS)
      for (const t of TOKENS) {
        const who = addressOf(role);
        expectEqual(`${role}'s L1 balance of token ${t}`, await books.balance(who, t), books.expectedOf(who, t));
      }

    // The contract owes nothing more: every proven leaf exited, every pending withdrawal claimed, the
    // one unconsumed deposit cancelled. The Escrow never had a balance: it owns no slot.
    const escrowSlots = state.accountList().filter((a) => a.owner === BigInt(c.escrow));
    expectEqual("slots owned by the Escrow in the proven state", escrowSlots.length, 0);
    for (const t of TOKENS) {
      expectEqual(
        `AssetStorage's L1 balance of token ${t} (everything returned)`,
        await books.balance(c.storage, t),
        0n,
      );
    }
  });
}
