import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { BridgeError } from "../lib/errors.js";
import { RangeCheckError } from "../lib/field.js";
import { OpHeadMismatchError, OpLogError } from "../lib/oplog.js";
import { ConfigError } from "./config.js";
import { TxWouldRevertError } from "./tx.js";

describe("BridgeError", () => {
  it("keeps the message as the short message, with cause and details apart", () => {
    const root = new Error("socket closed");
    const e = new BridgeError("could not read L1", { cause: root, details: "eth_call to 0xabc" });
    assert.equal(e.message, "could not read L1");
    assert.equal(e.shortMessage, "could not read L1");
    assert.equal(e.details, "eth_call to 0xabc");
    assert.equal(e.cause, root);
    assert.equal(e.name, "BridgeError");
  });

  it("walks the cause chain: the deepest error, or the first one that matches", () => {
    const root = new RangeError("deep");
    const mid = new BridgeError("mid", { cause: root });
    const top = new BridgeError("top", { cause: mid });
    assert.equal(top.walk(), root);
    assert.equal(
      top.walk((e) => e instanceof BridgeError && e.message === "mid"),
      mid,
    );
    assert.equal(
      top.walk((e) => e instanceof TypeError),
      null,
    );
    const alone = new BridgeError("alone");
    assert.equal(alone.walk(), alone);
  });

  it("is the base of the off-chain errors, whose names and messages do not change", () => {
    const revert = new TxWouldRevertError("submitBatch 3", "reverted with X()", { cause: new Error("x") });
    assert.ok(revert instanceof BridgeError);
    assert.equal(revert.name, "TxWouldRevertError");
    assert.equal(revert.message, "submitBatch 3 would revert: reverted with X()");
    const config = new ConfigError(["L1_RPC_URL: required"]);
    assert.ok(config instanceof BridgeError);
    assert.equal(config.name, "ConfigError");
    assert.equal(config.message, "invalid configuration:\n  - L1_RPC_URL: required");
    const range = new RangeCheckError("amount", 5n, "< 4");
    assert.ok(range instanceof BridgeError);
    assert.equal(range.name, "RangeCheckError");
    assert.equal(range.shortMessage, "amount = 5 is out of range: it must be < 4");
    assert.ok(OpHeadMismatchError.prototype instanceof OpLogError);
    assert.ok(OpLogError.prototype instanceof BridgeError);
  });
});
