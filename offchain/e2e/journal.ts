/**
 * The e2e journal: each step with its transactions, their gas, and the time it took; printed as a
 * table at the end of the run.
 */
import type { TransactionReceipt } from "viem";

export interface StepRecord {
  name: string;
  txs: number;
  gas: bigint;
  ms: number;
  note: string;
}

export class Journal {
  readonly steps: StepRecord[] = [];
  private current: StepRecord | undefined;

  /** Runs one step; transactions recorded with `tx` while it runs count towards it. */
  async step<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const rec: StepRecord = { name, txs: 0, gas: 0n, ms: 0, note: "" };
    this.current = rec;
    const t0 = performance.now();
    process.stdout.write(`-> ${name}\n`);
    try {
      return await fn();
    } finally {
      rec.ms = performance.now() - t0;
      this.steps.push(rec);
      this.current = undefined;
    }
  }

  /** Counts a mined transaction in the current step. */
  tx(receipt: TransactionReceipt): TransactionReceipt {
    if (this.current) {
      this.current.txs += 1;
      this.current.gas += receipt.gasUsed;
    }
    return receipt;
  }

  note(text: string): void {
    if (this.current) this.current.note = this.current.note ? `${this.current.note}; ${text}` : text;
  }

  /** The steps as JSON (gas as a decimal string), for machine readers such as `make bench`. */
  json(ok: boolean, totalMs: number): string {
    const steps = this.steps.map((s) => ({ ...s, gas: s.gas.toString(), ms: Math.round(s.ms) }));
    return `${JSON.stringify({ ok, totalMs: Math.round(totalMs), steps }, null, 2)}\n`;
  }

  /** The summary table, plain text. */
  table(): string {
    const rows = this.steps.map((s, i) => [
      String(i + 1),
      s.name,
      String(s.txs),
      s.gas.toLocaleString("en-US"),
      `${(s.ms / 1000).toFixed(1)} s`,
      s.note,
    ]);
    const head = ["#", "step", "txs", "gas", "time", "notes"];
    const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? "").length)));
    const line = (r: string[]) =>
      r
        .map((v, c) => v.padEnd(widths[c] ?? 0))
        .join("  ")
        .trimEnd();
    return [line(head), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
  }
}
