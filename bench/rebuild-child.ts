/**
 * One process of the rebuild bench (bench/rebuild.ts), so its peak memory is its own:
 *   node --import tsx bench/rebuild-child.ts generate --ops 10000 --depth 16 --batch 4 --out batches.json
 *   node --import tsx bench/rebuild-child.ts rebuild --in batches.json
 * `generate` writes a history of credits, transfers and withdrawals of 200 owners in 3 tokens, cut in
 * batches, as L1 logs it (BatchVerified + BatchOps, the op data encoded with encodeOps); `rebuild`
 * times lib/rebuild.ts's rebuildState over it (every op chain and the final root checked) and prints one JSON line.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { bigIntToAddress } from "../offchain/lib/field.js";
import { encodeOps, type Op } from "../offchain/lib/protocol.js";
import { type PostedBatch, rebuildState } from "../offchain/lib/rebuild.js";
import { BridgeState } from "../offchain/lib/state.js";

const OWNERS = 200;
const TOKENS = 3;

function generate(count: number, depth: number, batch: number): { depth: number; batches: PostedBatch[] } {
  let x = 12345;
  const r = (n: number) => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return x % n;
  };
  const node = new BridgeState(depth);
  const batches: PostedBatch[] = [];
  let pending: Op[] = [];
  for (let i = 0; i < count; i++) {
    const owner = BigInt(0x1000 + r(OWNERS));
    const token = r(TOKENS);
    const bal = node.balanceOf(owner, token);
    const roll = r(10);
    const other = bigIntToAddress(BigInt(0x1000 + r(OWNERS)));
    const amount = bal === 0n ? 0n : BigInt(1 + r(1000)) > bal ? bal : BigInt(1 + r(1000)) % (bal + 1n) || 1n;
    const op: Op =
      bal === 0n || roll < 4
        ? { kind: 1, tokenId: token, from: bigIntToAddress(0n), to: bigIntToAddress(owner), amount: 10n ** 6n }
        : { kind: roll < 8 ? 2 : 3, tokenId: token, from: bigIntToAddress(owner), to: other, amount };
    node.apply(op);
    pending.push(op);
    if (pending.length === batch || i === count - 1) {
      batches.push({
        batchNumber: BigInt(batches.length),
        newRoot: node.root,
        newOpChain: node.opChain,
        processedDeposits: 0n,
        firstOpIndex: BigInt(node.opCount - pending.length),
        ops: encodeOps(pending),
      });
      pending = [];
    }
  }
  return { depth, batches };
}

const json = (v: unknown) => JSON.stringify(v, (_k, y) => (typeof y === "bigint" ? `${y}n` : y));
const revive = (_k: string, y: unknown) => (typeof y === "string" && /^\d+n$/.test(y) ? BigInt(y.slice(0, -1)) : y);

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    ops: { type: "string" },
    depth: { type: "string" },
    batch: { type: "string" },
    out: { type: "string" },
    in: { type: "string" },
  },
});
if (positionals[0] === "generate") {
  const h = generate(Number(values.ops ?? 10000), Number(values.depth ?? 16), Number(values.batch ?? 4));
  writeFileSync(values.out as string, json(h));
} else if (positionals[0] === "rebuild") {
  const h = JSON.parse(readFileSync(values.in as string, "utf8"), revive) as { depth: number; batches: PostedBatch[] };
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const state = rebuildState(h.depth, h.batches);
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const maxRssMiB = Math.round((process.resourceUsage().maxRSS / 1024) * 10) / 10;
  const out = {
    ops: state.opCount,
    batches: h.batches.length,
    slots: state.slotCount,
    depth: h.depth,
    wallMs: Math.round(wallMs),
    cpuSeconds: Math.round(((cpu.user + cpu.system) / 1e6) * 100) / 100,
    maxRssMiB,
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
} else {
  process.stderr.write("usage: rebuild-child.ts generate|rebuild ...\n");
  process.exit(2);
}
