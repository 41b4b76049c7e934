import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { writeDeployment } from "../testing/deploy.js";
import { COMMANDS, commandHelp, parseCli, programHelp, UsageError } from "./args.js";
import { InputError } from "./context.js";
import { runCli } from "./main.js";
import { ETH, formatAmount, parseAmount, type TokenInfo } from "./tokens.js";

const usage = (argv: string[], pattern: RegExp) =>
  assert.throws(
    () => parseCli(argv),
    (e: unknown) => e instanceof UsageError && pattern.test(e.message),
    `${argv.join(" ")} should fail with ${pattern}`,
  );

async function run(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { env, out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

describe("argument parsing", () => {
  it("shows the program help without a command, with --help and with help", () => {
    for (const argv of [[], ["--help"], ["-h"], ["help"]]) {
      const r = parseCli(argv);
      assert.equal(r.kind, "help");
      if (r.kind === "help") for (const c of COMMANDS) assert.ok(r.text.includes(c.name), `${c.name} listed`);
    }
  });

  it("has a help for every command naming each of its options, with a usage line and an example", () => {
    for (const c of COMMANDS) {
      for (const argv of [
        [c.name, "--help"],
        ["help", c.name],
      ]) {
        const r = parseCli(argv);
        assert.equal(r.kind, "help");
        if (r.kind !== "help") continue;
        assert.match(r.text, new RegExp(`^Usage: bridge ${c.name}`));
        for (const o of c.options) assert.ok(r.text.includes(`--${o.name}`), `${c.name} help names --${o.name}`);
        assert.ok(r.text.includes("--json"));
        assert.ok(r.text.includes("Examples:"));
        if (c.sends) assert.ok(r.text.includes("PRIVATE_KEY"));
      }
    }
    assert.ok(programHelp().includes("PRIVATE_KEY"));
    assert.equal(commandHelp(COMMANDS[0]!), (parseCli(["deposit", "--help"]) as { text: string }).text);
  });

  it("names the commands when the command is unknown", () => {
    usage(["depost"], /unknown command "depost"; the commands are: deposit, balance/);
    usage(["help", "nope"], /unknown command "nope"/);
    usage(["--json"], /put the command first/);
  });

  it("lists the command's options when an option is unknown", () => {
    usage(
      ["deposit", "--ammount", "1"],
      /deposit has no option --ammount; its options are --token, --amount, --raw, --to/,
    );
  });

  it("says which required option is missing and what it means", () => {
    usage(["deposit", "--token", "ETH"], /deposit needs --amount <amount> \(amount in token units/);
    usage(["transfer"], /transfer needs --to <address> .* and --token <token> .* and --amount <amount>/);
    usage(["cancel-deposit"], /cancel-deposit needs --deposit-id <id>/);
  });

  it("rejects values without an option, options without a value, and values on switches", () => {
    usage(["withdraw", "ETH"], /unexpected argument "ETH": every value goes after its option/);
    usage(["withdraw", "--token"], /--token needs a value: --token <token>/);
    usage(["set-operator", "--operator", "0x1", "--revoke=yes"], /--revoke is a switch and takes no value/);
    usage(["deposit", "--token", "", "--amount", "1"], /deposit needs --token/);
  });

  it("never takes a private key as an argument", () => {
    usage(["deposit", "--private-key", "0x01"], /never taken as arguments.*PRIVATE_KEY/);
    usage(["transfer", "--to", `0x${"ab".repeat(32)}`], /never taken as arguments/);
    usage(["claim", `--for=${"cd".repeat(32)}`], /never taken as arguments/);
  });

  it("returns the parsed values and the --json switch", () => {
    const r = parseCli(["transfer", "--to", "0x1", "--token", "ETH", "--amount", "2", "--json"]);
    assert.deepEqual(r, {
      kind: "command",
      command: "transfer",
      values: { to: "0x1", token: "ETH", amount: "2", json: true },
      json: true,
    });
  });
});

describe("runCli", () => {
  it("exits 2 with the error and a pointer to the command's help on a usage error", async () => {
    const r = await run(["withdraw", "--token", "ETH"]);
    assert.equal(r.code, 2);
    assert.match(r.err, /^error: withdraw needs --amount/);
    assert.match(r.err, /Run "bridge withdraw --help" for its options\./);
    assert.equal(r.out, "");
  });

  it("prints errors as JSON with --json", async () => {
    const r = await run(["withdraw", "--token", "ETH", "--json"]);
    assert.equal(r.code, 2);
    const body = JSON.parse(r.out);
    assert.equal(body.ok, false);
    assert.match(body.error, /withdraw needs --amount/);
  });

  it("asks for PRIVATE_KEY before anything else when a command signs, without echoing a bad key", async () => {
    const missing = await run(["withdraw", "--token", "ETH", "--amount", "1"], { L2_RPC_URL: "http://127.0.0.1:9" });
    assert.equal(missing.code, 2);
    assert.match(missing.err, /PRIVATE_KEY \(environment\): missing; .*read -rs PRIVATE_KEY && export PRIVATE_KEY/);
    const secret = "0x12345678deadbeef";
    const bad = await run(["withdraw", "--token", "ETH", "--amount", "1"], { PRIVATE_KEY: secret });
    assert.equal(bad.code, 2);
    assert.match(bad.err, /PRIVATE_KEY .*value not shown/);
    assert.ok(!bad.err.includes(secret.slice(2)), "the key is not printed");
  });

  it("names a bad environment variable", async () => {
    const r = await run(["status"], { L1_CHAIN_ID: "abc" });
    assert.equal(r.code, 2);
    assert.match(r.err, /L1_CHAIN_ID/);
  });

  it("names the option whose address is malformed", async () => {
    const key = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
    const r = await run(["transfer", "--to", "0x1234", "--token", "ETH", "--amount", "1"], { PRIVATE_KEY: key });
    assert.equal(r.code, 2);
    assert.match(r.err, /--to must be an address \(0x followed by 40 hex digits.*\), got "0x1234"/);
    assert.match(r.err, /bridge transfer --help/);
  });

  it("gives a mixed-case address with a bad checksum the same error as any other malformed address", async () => {
    const key = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
    const good = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"; // anvil account 1, EIP-55 checksummed
    const badSum = "0x70997970c51812DC3A010C7d01b50e0d17dc79C8"; // the same address, two letters' case flipped
    const message = (v: string) =>
      new RegExp(`^error: --to must be an address \\(0x followed by 40 hex digits.*\\), got "${v}"\n`);
    for (const v of [badSum, "0x1234", `${good}00`]) {
      const r = await run(["transfer", "--to", v, "--token", "ETH", "--amount", "1"], { PRIVATE_KEY: key });
      assert.equal(r.code, 2, v);
      assert.match(r.err, message(v));
      assert.match(r.err, /bridge transfer --help/);
    }
    const balance = await run(["balance", "--address", badSum]);
    assert.equal(balance.code, 2);
    assert.match(balance.err, /--address must be an address/);
  });

  it("says which deployment file or chain URL is missing", async () => {
    const key = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
    const dir = mkdtempSync(join(tmpdir(), "cli-args-"));
    try {
      const argv = ["set-operator", "--operator", `0x${"11".repeat(20)}`];
      const noFile = await run(argv, { PRIVATE_KEY: key, DEPLOYMENTS_DIR: dir });
      assert.equal(noFile.code, 2);
      assert.match(noFile.err, /31338\.json: cannot read deployment .*run the deploy script first/);
      writeDeployment(dir, {
        chainId: 31338,
        layer: "L2",
        deployBlock: 0,
        contracts: { AssetReceiving: `0x${"22".repeat(20)}` },
      });
      const noUrl = await run(argv, { PRIVATE_KEY: key, DEPLOYMENTS_DIR: dir });
      assert.equal(noUrl.code, 2);
      assert.match(noUrl.err, /L2_RPC_URL \(environment\): missing; set it to the L2 JSON-RPC URL/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("amounts", () => {
  const token6: TokenInfo = { tokenId: 1, symbol: "USDC", decimals: 6, l1Address: null };
  const bad = (v: string, t: TokenInfo, raw: boolean, pattern: RegExp) =>
    assert.throws(
      () => parseAmount(v, t, raw),
      (e: unknown) => e instanceof InputError && pattern.test(e.message),
    );

  it("reads token units and base units", () => {
    assert.equal(parseAmount("1.5", ETH, false), 1_500_000_000_000_000_000n);
    assert.equal(parseAmount(".25", token6, false), 250_000n);
    assert.equal(parseAmount("7", token6, false), 7_000_000n);
    assert.equal(parseAmount("123", ETH, true), 123n);
    assert.equal(formatAmount(1_500_000n, token6), "1.5 USDC");
  });

  it("rejects malformed, zero, too precise and too large amounts with the reason", () => {
    bad("1,5", ETH, false, /must be a number such as 1.5/);
    bad("abc", ETH, false, /must be a number/);
    bad("0", ETH, false, /more than zero/);
    bad("0.0000001", token6, false, /USDC has 6 decimals, the amount has 7/);
    bad("1.5", ETH, true, /--raw must be a whole number of base units/);
    bad((1n << 128n).toString(), ETH, true, /2\^128 - 1/);
    bad("1", { tokenId: 7, symbol: "#7", decimals: undefined, l1Address: null }, false, /no metadata on L2.*--raw/);
  });

  it("says a negative amount is negative, on the command line and in parseAmount", async () => {
    bad("-1", ETH, false, /--amount -1 is negative: give an amount above zero/);
    bad("-0.5", ETH, false, /is negative/);
    bad("-3", ETH, true, /is negative/);
    const r = parseCli(["withdraw", "--token", "ETH", "--amount", "-1"]);
    assert.equal(r.kind === "command" && r.values.amount, "-1", "-1 is the value of --amount, not an option");
    usage(["withdraw", "--token", "ETH", "--amount", "--raw"], /--amount needs a value/);
    const key = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
    const cli = await run(["withdraw", "--token", "ETH", "--amount", "-1"], {
      PRIVATE_KEY: key,
      L2_RPC_URL: "http://127.0.0.1:9",
    });
    assert.equal(cli.code, 2);
    assert.match(cli.err, /^error: --amount -1 is negative/);
  });
});
