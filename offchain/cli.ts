/**
 * The user CLI of the bridge: `node --import tsx offchain/cli.ts <command> [options]`
 * (`--help` lists the commands). The logic lives in offchain/cli/.
 */
import { runCli } from "./cli/main.js";

const code = await runCli(process.argv.slice(2), {
  env: process.env,
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
});
process.exit(code);
