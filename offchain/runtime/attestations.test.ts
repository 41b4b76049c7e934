import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { delay, HttpResponse, http } from "msw";
import { setupServer } from "msw/node";
import { type Address, getAddress, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import {
  type Attestation,
  attestationDigest,
  type BridgeContracts,
  batchAttestation,
  compareAddresses,
  depositAttestation,
  exodusAttestation,
  messageToJson,
  SECP256K1_N,
  signDigest,
  withdrawalRequestAttestation,
} from "../lib/attestation.js";
import { ANVIL_KEYS } from "../testing/anvil.js";
import { AttestationQuorumError, type CollectAttestationsParams, collectAttestations } from "./attestations.js";
import { createLogger } from "./log.js";

const C: BridgeContracts = {
  l1ChainId: 31337,
  assetStorage: "0x5fbdb2315678afecb367f032d93f642f64180aa3",
  l2ChainId: 31338,
  assetReceiving: "0xe7f1725e7734ce288f8367e1bb143e90bb3f0512",
};
const CLAIM = { batchNumber: 2n, newOpChain: 99n, l2OpCount: 8n, l2OpHead: `0x${"cd".repeat(32)}` as Hex };
const RECORD = {
  recipient: "0x00000000000000000000000000000000000a11ce" as Address,
  tokenId: 1,
  amount: 500n,
  depositor: "0x0000000000000000000000000000000000000b0b" as Address,
  timestamp: 1_700_000_123n,
};
const KEYS = ANVIL_KEYS.slice(0, 5);
const ADDR = KEYS.map((k) => privateKeyToAccount(k).address);
const SET = { attesters: ADDR.slice(0, 4), threshold: 2 };
const OUTSIDER = ANVIL_KEYS[9];

type Behaviour = (a: Attestation, request: Request) => Promise<Response>;
/** Per test: what each fake attester (http://aN.test) does with a request for `current`. */
const behaviours = new Map<string, Behaviour>();
let current: Attestation;

const honest =
  (key: Hex, what: (a: Attestation) => Attestation = (a) => a): Behaviour =>
  async (a) => {
    const signed = what(a);
    const digest = attestationDigest(signed);
    return HttpResponse.json({
      signer: privateKeyToAccount(key).address,
      signature: await signDigest(digest, key),
      digest,
      message: messageToJson(signed),
    });
  };
const refusing =
  (status: number, body: object): Behaviour =>
  async () =>
    HttpResponse.json(body, { status });
const withSignature =
  (key: Hex, edit: (sig: Hex) => Hex): Behaviour =>
  async (a) => {
    const res = await honest(key)(a, new Request("http://x"));
    const body = (await res.json()) as { signature: Hex };
    return HttpResponse.json({ ...body, signature: edit(body.signature) });
  };
const highS = (sig: Hex): Hex => {
  const s = BigInt(`0x${sig.slice(66, 130)}`);
  const v = sig.endsWith("1b") ? "1c" : "1b";
  return `0x${sig.slice(2, 66)}${(SECP256K1_N - s).toString(16).padStart(64, "0")}${v}`;
};

const seen: { url: string; method: string; body: string }[] = [];
const server = setupServer(
  http.all(/^http:\/\/a\d\.test\/.*/, async ({ request }) => {
    const url = new URL(request.url);
    seen.push({
      url: request.url,
      method: request.method,
      body: request.method === "POST" ? await request.clone().text() : "",
    });
    const b = behaviours.get(url.origin);
    if (!b) return HttpResponse.json({ error: "not-found", reason: "no such attester" }, { status: 404 });
    return b(current, request);
  }),
);
// A closed local port stands for an attester that is down: let that request through to fail for real.
before(() =>
  server.listen({
    onUnhandledRequest: (req, print) => {
      if (new URL(req.url).hostname !== "127.0.0.1") print.error();
    },
  }),
);
after(() => server.close());

function setup(a: Attestation, list: Behaviour[]): CollectAttestationsParams {
  current = a;
  behaviours.clear();
  seen.length = 0;
  for (const [i, b] of list.entries()) behaviours.set(`http://a${i}.test`, b);
  return { urls: list.map((_b, i) => `http://a${i}.test`), attestation: a, set: SET, timeoutMs: 300 };
}

async function quorumError(p: CollectAttestationsParams): Promise<AttestationQuorumError> {
  try {
    await collectAttestations(p);
  } catch (error) {
    assert.ok(error instanceof AttestationQuorumError, String(error));
    return error;
  }
  assert.fail("expected an AttestationQuorumError");
}

describe("collectAttestations", () => {
  it("packs the first M valid signers ascending and lists who answered", async () => {
    const p = setup(
      batchAttestation(C, CLAIM),
      KEYS.slice(0, 4).map((k) => honest(k)),
    );
    const r = await collectAttestations(p);
    const ascending = ADDR.slice(0, 4).sort(compareAddresses);
    assert.deepEqual(r.answered, ascending);
    assert.deepEqual(r.signers, ascending.slice(0, 2));
    assert.equal(r.signatures.length, 2 + 130 * 2);
    assert.deepEqual(r.refused, []);
    const posts = seen.filter((s) => s.method === "POST" && s.url.endsWith("/v1/batch"));
    assert.equal(posts.length, 4);
    assert.deepEqual(JSON.parse(posts[0]!.body), {
      batchNumber: "2",
      newOpChain: "99",
      l2OpCount: "8",
      l2OpHead: CLAIM.l2OpHead,
    });
  });

  it("drops non-members, high-s, wrong v, other-digest and duplicate answers, each with its reason", async () => {
    const p = setup(depositAttestation(C, 5n, RECORD), [
      honest(KEYS[0]!),
      honest(OUTSIDER),
      withSignature(KEYS[1]!, highS),
      withSignature(KEYS[2]!, (s) => `0x${s.slice(2, 130)}01`),
      honest(KEYS[3]!, () => depositAttestation({ ...C, l2ChainId: 1 }, 5n, RECORD)),
      honest(KEYS[3]!, () => depositAttestation(C, 5n, { ...RECORD, amount: 501n })),
      honest(KEYS[0]!),
    ]);
    const lines: string[] = [];
    const e = await quorumError({ ...p, log: createLogger("t", { write: (l) => lines.push(l) }) });
    assert.equal(e.valid, 1);
    assert.equal(e.needed, 2);
    const reasons = e.outcomes.map((o) => (o.ok ? "ok" : o.reason));
    assert.equal(reasons[0], "ok");
    assert.match(reasons[1]!, /not a member of the attester set/);
    assert.match(reasons[2]!, /bad signature: .*high-s/);
    assert.match(reasons[3]!, /bad signature: v is 1, must be 27 or 28/);
    assert.match(reasons[4]!, /signed another message: same fields, other digest/);
    assert.match(reasons[5]!, /signed another message: amount is 501, expected 500/);
    assert.match(reasons[6]!, /duplicate signer/);
    assert.match(e.message, /1 valid attestation signature\(s\) of 2 needed/);
    assert.equal(lines.filter((l) => JSON.parse(l).msg === "attester gave no valid signature").length, 6);
    const query = new URL(seen[0]!.url);
    assert.equal(query.pathname, "/v1/deposit/5");
    assert.equal(query.searchParams.get("amount"), "500");
    assert.equal(query.searchParams.get("recipient"), getAddress(RECORD.recipient));
  });

  it("reports refusals, timeouts and unreachable attesters, and whether retrying may help", async () => {
    const p = setup(exodusAttestation(C), [
      honest(KEYS[0]!),
      refusing(409, {
        error: "mismatch",
        reason: "L1 is not in exodus",
        field: "exodusMode",
        expected: "false",
        got: "true",
      }),
      async () => {
        await delay(2_000);
        return HttpResponse.json({});
      },
      refusing(500, {}),
    ]);
    const e = await quorumError({ ...p, urls: [...p.urls, "http://127.0.0.1:1"] });
    const failed = e.outcomes.filter((o) => !o.ok);
    assert.equal(failed.length, 4);
    const byUrl = new Map(e.outcomes.map((o) => [o.url, o]));
    const mismatch = byUrl.get("http://a1.test");
    assert.ok(mismatch && !mismatch.ok);
    assert.equal(mismatch.status, 409);
    assert.match(mismatch.reason, /mismatch: L1 is not in exodus \(field exodusMode: attester has false, asked true\)/);
    assert.equal(mismatch.retryLater, false);
    const slow = byUrl.get("http://a2.test");
    assert.ok(slow && !slow.ok && /no answer within 300 ms/.test(slow.reason) && slow.retryLater);
    const down = byUrl.get("http://127.0.0.1:1");
    assert.ok(down && !down.ok && /unreachable/.test(down.reason), JSON.stringify(down));
    assert.equal(e.retryLater, true);
  });

  it("succeeds with exactly M valid answers among refusals", async () => {
    const p = setup(exodusAttestation(C), [
      refusing(425, { error: "not-yet", reason: "L1 followed to block 3 only" }),
      honest(KEYS[2]!),
      honest(KEYS[1]!),
    ]);
    const r = await collectAttestations(p);
    assert.deepEqual(r.signers, [ADDR[1] as Address, ADDR[2] as Address].sort(compareAddresses));
    assert.equal(r.refused.length, 1);
    assert.equal(r.refused[0]?.retryLater, true);
    assert.match(r.refused[0]?.reason ?? "", /not-yet: L1 followed to block 3 only/);
  });

  it("asks GET /v1/withdrawal-request/{id} with the record for a forced withdrawal request, checked against the set", async () => {
    const request = {
      owner: "0x0000000000000000000000000000000000000b0b" as Address,
      tokenId: 3,
      timestamp: 1_700_000_200n,
    };
    const a = withdrawalRequestAttestation(C, 6n, request);
    const p = setup(a, [
      honest(OUTSIDER),
      honest(KEYS[1]!, () => withdrawalRequestAttestation(C, 6n, { ...request, tokenId: 4 })),
      honest(KEYS[1]!, () => depositAttestation(C, 6n, RECORD)),
      refusing(409, {
        error: "mismatch",
        reason: "L1 queue request 6 is a deposit, not a forced withdrawal request",
        field: "kind",
        expected: "deposit",
        got: "withdrawal",
      }),
      honest(KEYS[0]!),
    ]);
    const e = await quorumError(p);
    assert.equal(e.valid, 1);
    const reasons = e.outcomes.map((o) => (o.ok ? "ok" : o.reason));
    assert.match(reasons[0]!, /not a member of the attester set/);
    assert.match(reasons[1]!, /signed another message: tokenId is 4, expected 3/);
    assert.match(reasons[2]!, /signed another message/);
    assert.match(reasons[3]!, /field kind: attester has deposit, asked withdrawal/);
    assert.equal(reasons[4], "ok");
    const asked = new URL(seen[0]!.url);
    assert.equal(asked.pathname, "/v1/withdrawal-request/6");
    assert.deepEqual(Object.fromEntries(asked.searchParams), {
      owner: getAddress(request.owner),
      tokenId: "3",
      timestamp: "1700000200",
    });
    const r = await collectAttestations(setup(a, [honest(KEYS[2]!), honest(KEYS[0]!)]));
    assert.deepEqual(r.signers, [ADDR[0] as Address, ADDR[2] as Address].sort(compareAddresses));
    assert.equal(r.digest, attestationDigest(a));
  });
});
