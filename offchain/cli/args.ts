/**
 * The CLI's commands, their options and help texts, and argument parsing (node:util parseArgs).
 * Every mistake becomes a UsageError that says what to fix and where to read more.
 */

import { parseArgs } from "node:util";
import { BridgeError } from "../lib/errors.js";

export const PROGRAM = "bridge";

/** A mistake in the command line: printed with a pointer to the command's help; exit status 2. */
export class UsageError extends BridgeError {
  override name = "UsageError";
  constructor(
    message: string,
    readonly command?: string,
  ) {
    super(message);
  }
}

export interface OptionSpec {
  name: string;
  type: "string" | "boolean";
  /** Shown in the help after the option (`--amount <amount>`). */
  placeholder?: string;
  description: string;
  required?: boolean;
}

export interface CommandSpec {
  name: CommandName;
  summary: string;
  /** Paragraph shown under the usage line. */
  details: string;
  options: OptionSpec[];
  examples: string[];
  /** Sends a transaction (needs PRIVATE_KEY). */
  sends: boolean;
}

export type CommandName =
  | "deposit"
  | "balance"
  | "transfer"
  | "approve"
  | "set-operator"
  | "withdraw"
  | "claim"
  | "status"
  | "exit"
  | "exit-data"
  | "cancel-deposit"
  | "relay-deposit"
  | "wait";

const TOKEN = (required: boolean, what = "the token"): OptionSpec => ({
  name: "token",
  type: "string",
  placeholder: "<token>",
  description: `${what}: ETH, a token symbol (DEMO), a bridge token id (0 = ETH, 1, 2, ...) or the L1 ERC-20 address`,
  required,
});
const AMOUNT: OptionSpec = {
  name: "amount",
  type: "string",
  placeholder: "<amount>",
  description: "amount in token units (1.5 = one and a half tokens); with --raw, in base units (wei)",
  required: true,
};
const RAW: OptionSpec = {
  name: "raw",
  type: "boolean",
  description: "read --amount as base units (wei), not token units",
};

/** Where exit and exit-data read L1 from. */
const L1_SOURCE: OptionSpec[] = [
  { name: "l1-rpc", type: "string", placeholder: "<url>", description: "L1 JSON-RPC URL (default: L1_RPC_URL)" },
  {
    name: "asset-storage",
    type: "string",
    placeholder: "<address>",
    description: "the AssetStorage contract (default: from $DEPLOYMENTS_DIR)",
  },
  {
    name: "from-block",
    type: "string",
    placeholder: "<block>",
    description: "first L1 block to read: the deployment block (default: from $DEPLOYMENTS_DIR, else 0)",
  },
  {
    name: "block-range",
    type: "string",
    placeholder: "<blocks>",
    description: "blocks per eth_getLogs call (default 2000; halved when the RPC refuses a range)",
  },
];

export const COMMANDS: readonly CommandSpec[] = [
  {
    name: "deposit",
    summary: "deposit ETH or a docked ERC-20 on L1 into the bridge",
    details:
      "Calls AssetStorage.depositETH or depositERC20 on L1 (approving the ERC-20 first when its allowance is short). " +
      "The relayer credits the deposit on L2 to --to (default: your own address).",
    options: [
      TOKEN(true, "the asset to deposit"),
      AMOUNT,
      RAW,
      { name: "to", type: "string", placeholder: "<address>", description: "L2 recipient (default: your address)" },
    ],
    examples: ["deposit --token ETH --amount 0.5", "deposit --token 0x5FbD...0aa3 --amount 100 --to 0x7099...79C8"],
    sends: true,
  },
  {
    name: "balance",
    summary: "balances on L1 and L2, per token",
    details:
      "For each docked token (or --token): the L1 wallet balance, the L1 amount waiting to be claimed, and the L2 " +
      "bridged balance of --address (default: the PRIVATE_KEY account), with how much of it business contracts " +
      "hold (still yours, exits to you at exodus) and how much you can spend.",
    options: [
      { name: "address", type: "string", placeholder: "<address>", description: "account to show (default: yours)" },
      TOKEN(false, "only this token"),
    ],
    examples: ["balance", "balance --address 0x7099...79C8 --token ETH --json"],
    sends: false,
  },
  {
    name: "transfer",
    summary: "transfer bridged tokens on L2 (ERC-6909)",
    details:
      "Calls AssetReceiving.transfer on L2, or transferFrom when --from names another owner who made you their " +
      "operator or gave you an allowance.",
    options: [
      { name: "to", type: "string", placeholder: "<address>", description: "L2 receiver", required: true },
      TOKEN(true),
      AMOUNT,
      RAW,
      { name: "from", type: "string", placeholder: "<address>", description: "owner to move from (transferFrom)" },
    ],
    examples: ["transfer --to 0x7099...79C8 --token ETH --amount 0.1"],
    sends: true,
  },
  {
    name: "approve",
    summary: "set an L2 allowance for a spender (ERC-6909)",
    details: "Calls AssetReceiving.approve on L2: --spender may then move up to --amount of --token of yours.",
    options: [
      { name: "spender", type: "string", placeholder: "<address>", description: "who may spend", required: true },
      TOKEN(true),
      AMOUNT,
      RAW,
    ],
    examples: ["approve --spender 0xEscrow... --token ETH --amount 1"],
    sends: true,
  },
  {
    name: "set-operator",
    summary: "make an address your L2 operator for every token, or revoke it",
    details: "Calls AssetReceiving.setOperator on L2. An operator may move any amount of any of your tokens.",
    options: [
      { name: "operator", type: "string", placeholder: "<address>", description: "the operator", required: true },
      { name: "revoke", type: "boolean", description: "revoke instead of grant" },
    ],
    examples: ["set-operator --operator 0xEscrow...", "set-operator --operator 0xEscrow... --revoke"],
    sends: true,
  },
  {
    name: "withdraw",
    summary: "withdraw bridged tokens from L2 to an L1 recipient",
    details:
      "Calls AssetReceiving.withdraw on L2 (burning the amount). Once the batch holding it is proven on L1, the " +
      "amount is pending for the L1 recipient: collect it with `claim`.",
    options: [
      TOKEN(true),
      AMOUNT,
      RAW,
      { name: "to", type: "string", placeholder: "<address>", description: "L1 recipient (default: your address)" },
    ],
    examples: ["withdraw --token ETH --amount 0.2"],
    sends: true,
  },
  {
    name: "claim",
    summary: "collect pending withdrawals on L1",
    details:
      "Calls AssetStorage.claim (or claimFor with --for) on L1 for each token with a pending amount, or only --token.",
    options: [
      TOKEN(false, "only this token"),
      { name: "for", type: "string", placeholder: "<address>", description: "claim for another account (paid to it)" },
    ],
    examples: ["claim", "claim --token ETH"],
    sends: true,
  },
  {
    name: "status",
    summary: "bridge status: proven batches, pending deposits, exodus, node progress",
    details:
      "Reads L1 (last proven batch, state root, deposits queued and processed, exodus mode), L2 (op count, halted) " +
      "and, when the node database exists, extractor and prover progress.",
    options: [
      {
        name: "db",
        type: "string",
        placeholder: "<path>",
        description: "node database (default: $DATA_DIR/bridge.sqlite)",
      },
    ],
    examples: ["status", "status --json"],
    sends: false,
  },
  {
    name: "exit",
    summary: "exodus: move your L2 balances of the last proven state to L1, from an L1 RPC alone",
    details:
      "Only after exodus was activated on L1. Rebuilds the last proven state from the op data every batch posted " +
      "on L1 (BatchOps; no node database, no L2), checks each batch's root and the final one against stateRoot(), " +
      "calls AssetStorage.exit for each of your non-zero slots not yet exited, then cancelDeposit for each of your " +
      "deposits no proven batch consumed; then `claim`. Progress on stdout (stderr with --json).",
    options: [
      TOKEN(false, "only this token"),
      { name: "owner", type: "string", placeholder: "<address>", description: "L2 owner to exit (default: yours)" },
      ...L1_SOURCE,
    ],
    examples: [
      "exit",
      "exit --l1-rpc https://eth.example --asset-storage 0x5FbD...0aa3 --from-block 19000000 --block-range 500",
    ],
    sends: true,
  },
  {
    name: "exit-data",
    summary: "write the last proven state, rebuilt from an L1 RPC alone, to a JSON file",
    details:
      "Rebuilds the last proven state from the op data every batch posted on L1 (as `exit` does; exodus need not " +
      "be active) and writes { chainId, assetStorage, treeDepth, batchCount, stateRoot, accounts: [{ slot, owner, " +
      "tokenId, balance }] } to --out, so that anyone can check it by recomputing the root.",
    options: [
      { name: "out", type: "string", placeholder: "<file>", description: "the JSON file to write", required: true },
      ...L1_SOURCE,
    ],
    examples: [
      "exit-data --out state.json",
      "exit-data --out state.json --l1-rpc https://eth.example --asset-storage 0x5FbD...0aa3",
    ],
    sends: false,
  },
  {
    name: "cancel-deposit",
    summary: "exodus: refund an L1 deposit that no batch consumed",
    details:
      "Only after exodus was activated on L1. Reads the DepositQueued record from L1 logs and calls " +
      "AssetStorage.cancelDeposit; the amount becomes pending for the depositor: then `claim`.",
    options: [
      { name: "deposit-id", type: "string", placeholder: "<id>", description: "the L1 deposit id", required: true },
    ],
    examples: ["cancel-deposit --deposit-id 7"],
    sends: true,
  },
  {
    name: "relay-deposit",
    summary: "relay your L1 deposit to L2 yourself (when the monitor is down)",
    details:
      "Reads the DepositQueued record from L1, asks the attesters (--attesters or ATTESTER_URLS) for their " +
      "signatures and calls AssetReceiving.creditDeposit with them; you pay the L2 gas. Deposits are credited " +
      "in order, so --id must be the next one L2 credits.",
    options: [
      { name: "id", type: "string", placeholder: "<id>", description: "the L1 deposit id", required: true },
      {
        name: "attesters",
        type: "string",
        placeholder: "<urls>",
        description: "the attesters' URLs, comma-separated (default: ATTESTER_URLS)",
      },
    ],
    examples: ["relay-deposit --id 7", "relay-deposit --id 7 --attesters http://a1:8600,http://a2:8600"],
    sends: true,
  },
  {
    name: "wait",
    summary: "follow a withdrawal until it is claimable on L1, with progress",
    details:
      "Follows the L2 withdrawal --withdrawal (the op number `withdraw` prints, or its L2 transaction hash) to the " +
      "L1 batch that proves it, printing each step on stderr (with the node database: the batch the node cut). " +
      "Ends once it is claimable (then run `claim`), or fails after --timeout seconds.",
    options: [
      {
        name: "withdrawal",
        type: "string",
        placeholder: "<op>",
        description: "the L2 op number of the withdrawal (printed by withdraw) or its L2 transaction hash",
        required: true,
      },
      {
        name: "timeout",
        type: "string",
        placeholder: "<seconds>",
        description: "give up after this many seconds (default 1800)",
      },
      {
        name: "db",
        type: "string",
        placeholder: "<path>",
        description: "node database, for the batch step (default: $DATA_DIR/bridge.sqlite)",
      },
    ],
    examples: ["wait --withdrawal 4", "wait --withdrawal 4 --timeout 600 --json"],
    sends: false,
  },
];

const COMMON: OptionSpec[] = [
  { name: "json", type: "boolean", description: "print JSON (for scripts) instead of text" },
  { name: "help", type: "boolean", description: "show this help" },
];

const ENVIRONMENT = [
  "Environment:",
  "  PRIVATE_KEY       key of the account that signs (commands that send transactions); never pass it as an argument",
  "  L1_RPC_URL        L1 JSON-RPC endpoint             L2_RPC_URL     L2 JSON-RPC endpoint",
  "  L1_CHAIN_ID       default 31337                    L2_CHAIN_ID    default 31338",
  "  DEPLOYMENTS_DIR   default deployments              DATA_DIR       node data, default build/node",
];

const flag = (o: OptionSpec) => `--${o.name}${o.placeholder ? ` ${o.placeholder}` : ""}`;

export function commandSpec(name: string): CommandSpec | undefined {
  return COMMANDS.find((c) => c.name === name);
}

/** The help of the whole program. */
export function programHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    `Usage: ${PROGRAM} <command> [options]        (${PROGRAM} = node --import tsx offchain/cli.ts)`,
    "",
    "User commands of the zk asset bridge (docs/protocol.md). Amounts are in token units unless --raw is given.",
    "",
    "Commands:",
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    "",
    "Every command takes --json and --help.",
    `Run "${PROGRAM} <command> --help" for its options.`,
    "",
    ...ENVIRONMENT,
  ].join("\n");
}

/** The help of one command. */
export function commandHelp(spec: CommandSpec): string {
  const options = [...spec.options, ...COMMON];
  const width = Math.max(...options.map((o) => flag(o).length));
  const required = spec.options.filter((o) => o.required).map(flag);
  const optional = spec.options.some((o) => !o.required) ? " [options]" : "";
  return [
    `Usage: ${PROGRAM} ${spec.name} ${required.join(" ")}${optional}`.replace(/ {2,}/g, " ").trimEnd(),
    "",
    `${spec.summary[0]?.toUpperCase()}${spec.summary.slice(1)}.`,
    spec.details,
    "",
    "Options:",
    ...options.map((o) => `  ${flag(o).padEnd(width)}  ${o.description}${o.required ? " (required)" : ""}`),
    "",
    "Examples:",
    ...spec.examples.map((e) => `  ${PROGRAM} ${e}`),
    ...(spec.sends ? ["", "Signs with the key in the PRIVATE_KEY environment variable."] : []),
  ].join("\n");
}

export type ParsedCli =
  | { kind: "help"; text: string }
  | { kind: "command"; command: CommandName; values: Record<string, string | boolean | undefined>; json: boolean };

const KEY_LIKE = /^(0x)?[0-9a-fA-F]{64}$/;
const KEY_OPTIONS = /^--?(private-?key|key|mnemonic|secret|pk)(=|$)/i;

function refuseKeys(argv: readonly string[], command?: string): void {
  for (const arg of argv) {
    if (KEY_OPTIONS.test(arg) || KEY_LIKE.test(arg.split("=").pop() ?? "")) {
      throw new UsageError(
        "private keys are never taken as arguments (they would end up in your shell history): " +
          "set the PRIVATE_KEY environment variable instead",
        command,
      );
    }
  }
}

/** Parses the command line (without the node and script paths). */
export function parseCli(argv: readonly string[]): ParsedCli {
  const [first, ...rest] = argv;
  if (first === undefined || first === "--help" || first === "-h") return { kind: "help", text: programHelp() };
  if (first === "help") {
    const target = rest[0];
    if (target === undefined) return { kind: "help", text: programHelp() };
    const spec = commandSpec(target);
    if (!spec)
      throw new UsageError(`unknown command "${target}"; the commands are: ${COMMANDS.map((c) => c.name).join(", ")}`);
    return { kind: "help", text: commandHelp(spec) };
  }
  const spec = commandSpec(first);
  if (!spec) {
    const hint = first.startsWith("-")
      ? `put the command first: ${PROGRAM} <command> ${first}`
      : `the commands are: ${COMMANDS.map((c) => c.name).join(", ")}`;
    throw new UsageError(`unknown command "${first}"; ${hint}`);
  }
  refuseKeys(rest, spec.name);
  const options = Object.fromEntries(
    [...spec.options, ...COMMON].map((o) => [o.name, { type: o.type } as { type: "string" | "boolean" }]),
  );
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: negativeValuesJoined(rest, spec), options, strict: true, allowPositionals: false });
  } catch (error) {
    throw new UsageError(describeParseError(error, spec), spec.name);
  }
  const values = { ...parsed.values } as Record<string, string | boolean | undefined>;
  if (values.help) return { kind: "help", text: commandHelp(spec) };
  const missing = spec.options.filter((o) => o.required && (values[o.name] === undefined || values[o.name] === ""));
  if (missing.length > 0) {
    throw new UsageError(
      `${spec.name} needs ${missing.map((o) => `${flag(o)} (${o.description})`).join(" and ")}`,
      spec.name,
    );
  }
  for (const o of spec.options) {
    if (o.type === "string" && values[o.name] === "") throw new UsageError(`--${o.name} is empty`, spec.name);
  }
  return { kind: "command", command: spec.name, values, json: values.json === true };
}

/**
 * `--amount -1` as `--amount=-1`: parseArgs would take `-1` for an option and report `--amount` as
 * missing its value; the command then says what is wrong with the value itself (it is negative).
 */
function negativeValuesJoined(args: readonly string[], spec: CommandSpec): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const next = args[i + 1];
    const option = spec.options.find((o) => `--${o.name}` === arg);
    if (option?.type === "string" && next !== undefined && /^-[\d.]/.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else out.push(arg);
  }
  return out;
}

function describeParseError(error: unknown, spec: CommandSpec): string {
  const e = error as { code?: string; message?: string };
  const msg = e.message ?? String(error);
  if (e.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
    const name = /'([^']+)'/.exec(msg)?.[1] ?? "?";
    const known = [...spec.options, ...COMMON].map((o) => `--${o.name}`).join(", ");
    return `${spec.name} has no option ${name}; its options are ${known}`;
  }
  if (e.code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
    const name = /--([a-z-]+)/.exec(msg)?.[1];
    const o = [...spec.options, ...COMMON].find((x) => x.name === name);
    if (o?.type === "string") return `--${o.name} needs a value: ${flag(o)} (${o.description})`;
    if (o?.type === "boolean") return `--${o.name} is a switch and takes no value`;
    return msg;
  }
  if (e.code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL") {
    const value = /'([^']+)'/.exec(msg)?.[1] ?? "";
    return `unexpected argument "${value}": every value goes after its option, e.g. --amount 1.5`;
  }
  return msg;
}
