/**
 * The attester's own SQLite database (`${ATTESTER_DATA_DIR}/attester.sqlite`), shared with nothing:
 * the L2 ops it followed with the keccak head and Poseidon op chain after each, the L1 queue
 * requests it followed (deposits and forced withdrawal requests, one id sequence, each stored with
 * its kind), and one cursor per chain (next block, last block and its hash). Every range
 * is written with its cursor in one transaction, so a restart resumes without rescanning.
 */
import type { Address, Hex } from "viem";
import type { BridgeContracts } from "../lib/attestation.js";
import type { Op, QueueRequest } from "../lib/protocol.js";
import { ZERO_HEAD } from "../lib/protocol.js";
import { Checkpoints, type Db, migrate } from "../runtime/node-db/open.js";

const MIGRATIONS = [
  `CREATE TABLE attester_ops (
     op_index INTEGER PRIMARY KEY, kind INTEGER NOT NULL, token_id INTEGER NOT NULL,
     from_address TEXT NOT NULL, to_address TEXT NOT NULL, amount TEXT NOT NULL,
     head TEXT NOT NULL, op_chain TEXT NOT NULL, block_number INTEGER NOT NULL);
   CREATE INDEX attester_ops_head ON attester_ops (head);
   CREATE TABLE attester_deposits (
     deposit_id INTEGER PRIMARY KEY, recipient TEXT NOT NULL, token_id INTEGER NOT NULL,
     amount TEXT NOT NULL, depositor TEXT NOT NULL, timestamp TEXT NOT NULL, block_number INTEGER NOT NULL)`,
  // Issue 17: one queue of deposits and forced withdrawal requests sharing the ids. The record is the
  // request's JSON (big numbers as decimal strings), its kind beside it.
  `CREATE TABLE attester_requests (
     request_id INTEGER PRIMARY KEY, kind TEXT NOT NULL CHECK (kind IN ('deposit', 'withdrawal')),
     record TEXT NOT NULL, block_number INTEGER NOT NULL);
   INSERT INTO attester_requests (request_id, kind, record, block_number)
     SELECT deposit_id, 'deposit', json_object('recipient', recipient, 'tokenId', token_id, 'amount', amount,
       'depositor', depositor, 'timestamp', timestamp), block_number FROM attester_deposits;
   DROP TABLE attester_deposits`,
];

/** Where following L2 stands: next block to read and the op log after the last followed op. */
export interface L2Cursor {
  nextBlock: bigint;
  opCount: number;
  opHead: Hex;
  opChain: bigint;
  lastBlockHash: Hex | null;
}

/** Where following L1 stands: next block to read and the number of queue requests followed (both kinds). */
export interface L1Cursor {
  nextBlock: bigint;
  requestCount: number;
  lastBlockHash: Hex | null;
}

export interface FollowedOp {
  opIndex: number;
  op: Op;
  /** keccak head and Poseidon op chain after this op. */
  head: Hex;
  opChain: bigint;
  blockNumber: bigint;
}

/** A queue request followed on L1 (DepositQueued or WithdrawalRequestQueued). */
export type FollowedRequest = QueueRequest & { blockNumber: bigint };

/** The op log after `count` ops. */
export interface OpLogPoint {
  count: number;
  head: Hex;
  opChain: bigint;
}

type Json<T> = { [K in keyof T]: T[K] extends bigint ? string : T[K] };

export class AttesterStore {
  private readonly checkpoints: Checkpoints;

  constructor(
    private readonly db: Db,
    private readonly deployBlocks: { l1: bigint; l2: bigint },
  ) {
    migrate(db, "attester", MIGRATIONS);
    this.checkpoints = new Checkpoints(db);
  }

  /** Binds the database to one deployment; throws when it was made for another. */
  bindDeployment(c: BridgeContracts): void {
    const want = JSON.stringify(c).toLowerCase();
    const have = this.checkpoints.get<string>("attester:deployment");
    if (have === undefined) this.checkpoints.set("attester:deployment", want);
    else if (have !== want) {
      throw new Error(
        `the attester database was made for ${have}, not ${want}: point ATTESTER_DATA_DIR at this deployment's directory`,
      );
    }
  }

  l2Cursor(): L2Cursor {
    const c = this.checkpoints.get<Json<L2Cursor>>("attester:l2");
    if (!c) return { nextBlock: this.deployBlocks.l2, opCount: 0, opHead: ZERO_HEAD, opChain: 0n, lastBlockHash: null };
    return { ...c, nextBlock: BigInt(c.nextBlock), opChain: BigInt(c.opChain) };
  }

  l1Cursor(): L1Cursor {
    // depositCount: the name before forced withdrawal requests shared the queue.
    const c = this.checkpoints.get<Json<L1Cursor> & { depositCount?: number }>("attester:l1");
    if (!c) return { nextBlock: this.deployBlocks.l1, requestCount: 0, lastBlockHash: null };
    return {
      nextBlock: BigInt(c.nextBlock),
      requestCount: c.requestCount ?? c.depositCount ?? 0,
      lastBlockHash: c.lastBlockHash,
    };
  }

  /** Stores followed ops and the L2 cursor in one transaction. */
  commitL2(ops: readonly FollowedOp[], cursor: L2Cursor): void {
    const insert = this.db.prepare(
      `INSERT INTO attester_ops (op_index, kind, token_id, from_address, to_address, amount, head, op_chain, block_number)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.db.transaction(() => {
      for (const o of ops) {
        const { kind, tokenId, from, to, amount } = o.op;
        insert.run(
          o.opIndex,
          kind,
          tokenId,
          from,
          to,
          amount.toString(),
          o.head.toLowerCase(),
          o.opChain.toString(),
          o.blockNumber,
        );
      }
      this.checkpoints.set("attester:l2", cursor);
    })();
  }

  /** Stores followed queue requests and the L1 cursor in one transaction. */
  commitL1(requests: readonly FollowedRequest[], cursor: L1Cursor): void {
    const insert = this.db.prepare(
      "INSERT INTO attester_requests (request_id, kind, record, block_number) VALUES (?, ?, ?, ?)",
    );
    this.db.transaction(() => {
      for (const r of requests) {
        const record = JSON.stringify(r.record, (_k, v) => (typeof v === "bigint" ? v.toString() : v));
        insert.run(Number(r.id), r.kind, record, r.blockNumber);
      }
      this.checkpoints.set("attester:l1", cursor);
    })();
  }

  /** The op log after `count` followed ops (count 0 is the genesis), or undefined beyond them. */
  opLogAt(count: number): OpLogPoint | undefined {
    if (count === 0) return { count: 0, head: ZERO_HEAD, opChain: 0n };
    const row = this.db.prepare("SELECT head, op_chain FROM attester_ops WHERE op_index = ?").get(count - 1) as
      | { head: Hex; op_chain: string }
      | undefined;
    return row ? { count, head: row.head, opChain: BigInt(row.op_chain) } : undefined;
  }

  /** The op count after which the keccak head is `head`, if it was followed. */
  countOfHead(head: Hex): number | undefined {
    const row = this.db.prepare("SELECT op_index FROM attester_ops WHERE head = ?").get(head.toLowerCase()) as
      | { op_index: number }
      | undefined;
    return row ? row.op_index + 1 : undefined;
  }

  /** Queue request `id` as followed on L1 (either kind), or undefined when not followed. */
  request(id: number): FollowedRequest | undefined {
    const row = this.db.prepare("SELECT * FROM attester_requests WHERE request_id = ?").get(id) as
      | { kind: QueueRequest["kind"]; record: string; block_number: number }
      | undefined;
    if (!row) return undefined;
    const r = JSON.parse(row.record) as Record<string, string | number>;
    const blockNumber = BigInt(row.block_number);
    if (row.kind === "deposit") {
      const record = {
        recipient: r.recipient as Address,
        tokenId: Number(r.tokenId),
        amount: BigInt(r.amount as string),
        depositor: r.depositor as Address,
        timestamp: BigInt(r.timestamp as string),
      };
      return { kind: "deposit", id: BigInt(id), record, blockNumber };
    }
    const record = { owner: r.owner as Address, tokenId: Number(r.tokenId), timestamp: BigInt(r.timestamp as string) };
    return { kind: "withdrawal", id: BigInt(id), record, blockNumber };
  }
}
