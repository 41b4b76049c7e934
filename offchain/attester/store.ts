/**
 * The attester's own SQLite database (`${ATTESTER_DATA_DIR}/attester.sqlite`), shared with nothing:
 * the L2 ops it followed with the keccak head and Poseidon op chain after each, the L1 deposit
 * records it followed, and one cursor per chain (next block, last block and its hash). Every range
 * is written with its cursor in one transaction, so a restart resumes without rescanning.
 */
import type { Address, Hex } from "viem";
import type { BridgeContracts } from "../lib/attestation.js";
import type { Op } from "../lib/protocol.js";
import { ZERO_HEAD } from "../lib/protocol.js";
import { Checkpoints, type Db, migrate } from "../runtime/db.js";

const MIGRATIONS = [
  `CREATE TABLE attester_ops (
     op_index INTEGER PRIMARY KEY, kind INTEGER NOT NULL, token_id INTEGER NOT NULL,
     from_address TEXT NOT NULL, to_address TEXT NOT NULL, amount TEXT NOT NULL,
     head TEXT NOT NULL, op_chain TEXT NOT NULL, block_number INTEGER NOT NULL);
   CREATE INDEX attester_ops_head ON attester_ops (head);
   CREATE TABLE attester_deposits (
     deposit_id INTEGER PRIMARY KEY, recipient TEXT NOT NULL, token_id INTEGER NOT NULL,
     amount TEXT NOT NULL, depositor TEXT NOT NULL, timestamp TEXT NOT NULL, block_number INTEGER NOT NULL)`,
];

/** Where following L2 stands: next block to read and the op log after the last followed op. */
export interface L2Cursor {
  nextBlock: bigint;
  opCount: number;
  opHead: Hex;
  opChain: bigint;
  lastBlockHash: Hex | null;
}

/** Where following L1 stands: next block to read and the number of deposits followed. */
export interface L1Cursor {
  nextBlock: bigint;
  depositCount: number;
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

export interface FollowedDeposit {
  depositId: number;
  recipient: Address;
  tokenId: number;
  amount: bigint;
  depositor: Address;
  timestamp: bigint;
  blockNumber: bigint;
}

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
    const c = this.checkpoints.get<Json<L1Cursor>>("attester:l1");
    if (!c) return { nextBlock: this.deployBlocks.l1, depositCount: 0, lastBlockHash: null };
    return { ...c, nextBlock: BigInt(c.nextBlock) };
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

  /** Stores followed deposits and the L1 cursor in one transaction. */
  commitL1(deposits: readonly FollowedDeposit[], cursor: L1Cursor): void {
    const insert = this.db.prepare(
      `INSERT INTO attester_deposits (deposit_id, recipient, token_id, amount, depositor, timestamp, block_number)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    this.db.transaction(() => {
      for (const d of deposits) {
        insert.run(
          d.depositId,
          d.recipient,
          d.tokenId,
          d.amount.toString(),
          d.depositor,
          d.timestamp.toString(),
          d.blockNumber,
        );
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

  deposit(depositId: number): FollowedDeposit | undefined {
    const row = this.db.prepare("SELECT * FROM attester_deposits WHERE deposit_id = ?").get(depositId) as
      | {
          recipient: Address;
          token_id: number;
          amount: string;
          depositor: Address;
          timestamp: string;
          block_number: number;
        }
      | undefined;
    if (!row) return undefined;
    return {
      depositId,
      recipient: row.recipient,
      tokenId: row.token_id,
      amount: BigInt(row.amount),
      depositor: row.depositor,
      timestamp: BigInt(row.timestamp),
      blockNumber: BigInt(row.block_number),
    };
  }
}
