/**
 * `make devnet` (start) and `make devnet-stop` (stop): a local bridge left running for people to use
 * with the CLI and the explorer. Settings: offchain/devnet/config.ts; the processes: services.ts.
 * Exit status: 0 when up (or stopped), 1 when it could not start, 2 for an invalid setting.
 */
import { ConfigError } from "../runtime/config.js";
import { loadDevnetConfig } from "./config.js";
import { exportLines, startDevnet } from "./devnet.js";
import { stopDevnet } from "./state.js";

const out = (line: string) => process.stdout.write(`${line}\n`);

async function main(command: string | undefined): Promise<number> {
  const config = loadDevnetConfig();
  if (command === "stop") {
    await stopDevnet(config.root, out);
    return 0;
  }
  if (command !== "start") throw new ConfigError([`command: "${command ?? ""}" is not start or stop`]);
  out(`starting the devnet in ${config.dir} (logs ${config.dir}/logs):`);
  const state = await startDevnet(config, out);
  out("");
  out(
    `The devnet runs in the background; stop it with make devnet-stop. For the CLI, paste (also in ${config.dir}/env.sh):`,
  );
  out("");
  for (const line of exportLines(state.env)) out(line);
  out("alias bridge='node --import tsx offchain/cli.ts'");
  out("");
  out("then: bridge balance; bridge deposit --token DEMO --amount 100; bridge status (README: Run a bridge by hand)");
  return 0;
}

main(process.argv[2]).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof ConfigError) {
      process.stderr.write(`devnet: ${error.message}\n`);
      process.exit(2);
    }
    process.stderr.write(`devnet: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
