/**
 * The CLI: parse, run one command, print text or JSON, map failures to exit statuses
 * (0 ok, 1 the operation failed, 2 a usage or configuration mistake).
 */
import { ConfigError } from "../runtime/config.js";
import { commandHelp, commandSpec, PROGRAM, parseCli, UsageError } from "./args.js";
import { balance } from "./balance.js";
import { ChainIdMismatchError, chainErrorOf } from "./chain-check.js";
import { claim } from "./claim.js";
import { CliContext, type ContextOptions, InputError } from "./context.js";
import { deposit } from "./deposit.js";
import { cancelDeposit, ExitPathError, exit } from "./exodus.js";
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
const RUN: Record<string, (ctx: CliContext, v: Values) => Promise<CommandResult>> = {
  deposit: (c, v) => deposit(c, v as never),
  balance: (c, v) => balance(c, v as never),
  transfer: (c, v) => transfer(c, v as never),
  approve: (c, v) => approve(c, v as never),
  "set-operator": (c, v) => setOperator(c, v as never),
  withdraw: (c, v) => withdraw(c, v as never),
  claim: (c, v) => claim(c, v as never),
  status: (c, v) => status(c, v as never),
  exit: (c, v) => exit(c, v as never),
  "cancel-deposit": (c, v) => cancelDeposit(c, v as never),
  "relay-deposit": (c, v) => relayDeposit(c, v as never),
  wait: (c, v) => waitWithdrawal(c, v as never),
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
    const ctx = new CliContext(io.env, { progress: io.err, ...io.context });
    if (commandSpec(parsed.command)?.sends) ctx.requireKey();
    const result = await (RUN[parsed.command] as (ctx: CliContext, v: Values) => Promise<CommandResult>)(
      ctx,
      parsed.values,
    );
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
    if (error instanceof TxError || error instanceof ExitPathError) return fail(1, error.message);
    return fail(1, `${command ?? PROGRAM} failed: ${firstLine(error)}`);
  }
}

export { commandHelp };
