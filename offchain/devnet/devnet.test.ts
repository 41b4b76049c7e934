/**
 * The devnet launcher's refusals, fast (nothing is started): a DEVNET_DIR outside the repository, a
 * port already taken, and stop without a devnet. The whole start/stop cycle is devnet.check.ts (slow).
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { freePort } from "../testing/anvil.js";

const DIR = "build/devnet-refusals";

function launcher(command: string, env: Record<string, string>): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", "offchain/devnet/index.ts", command],
      { env: { ...process.env, DEVNET_DIR: DIR, ...env }, timeout: 60_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, out: stdout, err: stderr }),
    );
  });
}

describe("make devnet refuses what it cannot use", () => {
  let busy: Server;
  let port = 0;
  before(async () => {
    port = await freePort();
    busy = createServer();
    await new Promise<void>((r) => busy.listen(port, "127.0.0.1", () => r()));
  });
  after(() => busy.close());

  it("a port in use, naming it and the variable that moves it; nothing is started", async () => {
    const [l2, explorer] = [await freePort(), await freePort()];
    const r = await launcher("start", {
      DEVNET_L1_PORT: String(port),
      DEVNET_L2_PORT: String(l2),
      DEVNET_EXPLORER_PORT: String(explorer),
    });
    assert.equal(r.code, 1, r.err);
    assert.match(r.err, new RegExp(`port ${port} is in use: .* DEVNET_L1_PORT=`));
    assert.equal(existsSync(join(DIR, "devnet.json")), false);
  });

  it("a DEVNET_DIR outside the repository (forge could not write the deployments there)", async () => {
    const r = await launcher("start", { DEVNET_DIR: "/tmp/devnet-elsewhere" });
    assert.equal(r.code, 2);
    assert.match(r.err, /DEVNET_DIR .* must be a folder inside the repository/);
  });

  it("stop without a devnet says so and succeeds", async () => {
    const r = await launcher("stop", {});
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /no devnet to stop/);
  });
});
