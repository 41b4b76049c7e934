/**
 * The CLI: parse, run one command, print text or JSON, map failures to exit statuses
 * (0 ok, 1 the operation failed, 2 a usage or configuration mistake).
 */
import { RebuildError } from "../lib/rebuild.js";
import { ConfigError } from "../runtime/config.js";
import { type CommandName, commandHelp, commandSpec, PROGRAM, parseCli, UsageError } from "./args.js";
import { balance } from "./balance.js";
import { ChainIdMismatchError, chainErrorOf } from "./chain-check.js";
import { claim } from "./claim.js";
import { CliContext, type ContextOptions, InputError } from "./context.js";
import { deposit } from "./deposit.js";
import { cancelDeposit, ExitPathError, exit, exitData } from "./exodus.js";
import { approve, setOperator, transfer, withdraw } from "./ledger.js";
import { relayDeposit } from "./relay.js";
import { type CommandResult, toJson } from "./result.js";
import { status } from "./status.js";
import { TxError } from "./tx.js";
import { waitWithdrawal } from "./wait.js";

export interface CliIo {
  env: NodeJS.ProcessEnv;
  out: (text: string) => void;
  err: (text: string) => void;
  context?: ContextOptions;
}

type Values = Record<string, string | boolean | undefined>;
type Run = (ctx: CliContext, v: Values) => Promise<CommandResult>;

/** An optional string option (parseCli checked the types against the spec). */
const opt = (v: Values, name: string): string | undefined => (typeof v[name] === "string" ? v[name] : undefined);
/** A required string option (parseCli refused the command line without it). */
const req = (v: Values, name: string): string => {
  const value = v[name];
  if (typeof value !== "string") throw new UsageError(`--${name} is required`);
  return value;
};
const on = (v: Values, name: string): boolean => v[name] === true;
const l1Source = (v: Values) => ({
  "l1-rpc": opt(v, "l1-rpc"),
  "asset-storage": opt(v, "asset-storage"),
  "from-block": opt(v, "from-block"),
  "block-range": opt(v, "block-range"),
});
const amountOf = (v: Values) => ({ token: req(v, "token"), amount: req(v, "amount"), raw: on(v, "raw") });

const RUN: Record<CommandName, Run> = {
  deposit: (c, v) => deposit(c, { ...amountOf(v), to: opt(v, "to") }),
  balance: (c, v) => balance(c, { address: opt(v, "address"), token: opt(v, "token") }),
  transfer: (c, v) => transfer(c, { ...amountOf(v), to: req(v, "to"), from: opt(v, "from") }),
  approve: (c, v) => approve(c, { ...amountOf(v), spender: req(v, "spender") }),
  "set-operator": (c, v) => setOperator(c, { operator: req(v, "operator"), revoke: on(v, "revoke") }),
  withdraw: (c, v) => withdraw(c, { ...amountOf(v), to: opt(v, "to") }),
  claim: (c, v) => claim(c, { token: opt(v, "token"), for: opt(v, "for") }),
  status: (c, v) => status(c, { db: opt(v, "db") }),
  exit: (c, v) => exit(c, { ...l1Source(v), token: opt(v, "token"), owner: opt(v, "owner") }),
  "exit-data": (c, v) => exitData(c, { ...l1Source(v), out: req(v, "out") }),
  "cancel-deposit": (c, v) => cancelDeposit(c, { "deposit-id": req(v, "deposit-id") }),
  "relay-deposit": (c, v) => relayDeposit(c, { id: req(v, "id"), attesters: opt(v, "attesters") }),
  wait: (c, v) => waitWithdrawal(c, { withdrawal: req(v, "withdrawal"), timeout: opt(v, "timeout"), db: opt(v, "db") }),
};

const firstLine = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Runs the CLI on `argv` (without node and script); resolves to the exit status. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let json = argv.includes("--json");
  let command: string | undefined;
  const fail = (code: number, message: string, hint?: string) => {
    if (json) io.out(toJson({ ok: false, error: message, ...(hint ? { hint } : {}) }));
    else io.err(`error: ${message}${hint ? `\n${hint}` : ""}`);
    return code;
  };
  try {
    const parsed = parseCli(argv);
    if (parsed.kind === "help") {
      io.out(parsed.text);
      return 0;
    }
    json = parsed.json;
    command = parsed.command;
    const ctx = new CliContext(io.env, { progress: io.err, report: json ? io.err : io.out, ...io.context });
    if (commandSpec(parsed.command)?.sends) ctx.requireKey();
    const result = await RUN[parsed.command](ctx, parsed.values);
    io.out(json ? toJson({ ok: true, command: parsed.command, ...result.data }) : result.lines.join("\n"));
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      const spec = error.command ? commandSpec(error.command) : undefined;
      return fail(
        2,
        error.message,
        spec ? `Run "${PROGRAM} ${spec.name} --help" for its options.` : `Run "${PROGRAM} --help".`,
      );
    }
    if (error instanceof InputError) {
      return fail(2, error.message, command ? `Run "${PROGRAM} ${command} --help" for its options.` : undefined);
    }
    if (error instanceof ConfigError) return fail(2, error.message);
    const chainError = chainErrorOf(error);
    if (chainError instanceof ChainIdMismatchError) return fail(2, chainError.message);
    if (chainError) return fail(1, chainError.message);
    if (error instanceof TxError || error instanceof ExitPathError || error instanceof RebuildError)
      return fail(1, error.message);
    return fail(1, `${command ?? PROGRAM} failed: ${firstLine(error)}`);
  }
}

export { commandHelp };
