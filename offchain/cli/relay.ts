/**
 * `relay-deposit`: a user relays their own L1 deposit to L2 when the monitor is down. Like the
 * monitor, the CLI is only a courier (docs/protocol.md section 14): it reads the deposit record from
 * L1 (checked against its stored word), asks the attesters for their signatures, and calls
 * `creditDeposit` with at least the threshold of them. It pays the L2 gas and holds no power.
 */

import { httpAttestations } from "../runtime/attestation-http.js";
import { AttestationShortfall } from "../runtime/attestation-source.js";
import { receivingAbi } from "./abi.js";
import { type CliContext, InputError } from "./context.js";
import { depositRecord } from "./exodus.js";
import { type CommandResult, txInfo, txLine } from "./result.js";
import { formatAmount, resolveToken } from "./tokens.js";
import { sendCall, TxError } from "./tx.js";

export interface RelayDepositArgs {
  id: string;
  attesters?: string;
}

/** The deposit id of `--id`, which must be the next one L2 credits (deposits are credited in order). */
async function nextToRelay(ctx: CliContext, raw: string): Promise<bigint> {
  if (!/^\d+$/.test(raw.trim()) || BigInt(raw.trim()) >= 1n << 64n)
    throw new InputError(`--id must be a deposit number (0, 1, 2, ...), got "${raw}"`);
  const id = BigInt(raw.trim());
  const client = ctx.client("L2");
  const [next, halted] = await Promise.all([
    client.readContract({ address: ctx.assetReceiving, abi: receivingAbi, functionName: "nextDepositId" }),
    client.readContract({ address: ctx.assetReceiving, abi: receivingAbi, functionName: "halted" }),
  ]);
  if (halted) throw new TxError("L2 is halted for exodus: no deposit can be credited; on L1, use cancel-deposit");
  if (id < next) throw new TxError(`deposit ${id} is already credited on L2 (the next one is ${next})`);
  if (id > next)
    throw new TxError(`deposits are credited in order: relay deposit ${next} first (relay-deposit --id ${next})`);
  return id;
}

export async function relayDeposit(ctx: CliContext, a: RelayDepositArgs): Promise<CommandResult> {
  const urls = ctx.attesterUrls(a.attesters);
  ctx.signer("L2");
  const id = await nextToRelay(ctx, a.id);
  const record = await depositRecord(ctx, id);
  const source = httpAttestations({ urls, l2: { client: ctx.client("L2"), assetReceiving: ctx.assetReceiving } });
  let attested: Awaited<ReturnType<typeof source.deposit>>;
  try {
    attested = await source.deposit(id, record);
  } catch (error) {
    if (error instanceof AttestationShortfall) throw new TxError(`${error.message}; try again once they have seen it`);
    throw error;
  }
  const receipt = await sendCall(
    ctx,
    "L2",
    {
      address: ctx.assetReceiving,
      abi: receivingAbi,
      functionName: "creditDeposit",
      args: [id, record, attested.signatures],
    },
    `creditDeposit ${id}`,
  );
  const token = await resolveToken(ctx, String(record.tokenId), "L1");
  return {
    lines: [
      `Deposit #${id} credited on L2: ${formatAmount(record.amount, token)} to ${record.recipient}.`,
      `Attested by ${attested.signers.join(", ")}.`,
      txLine("L2", receipt),
    ],
    data: { depositId: id, record, attesters: attested.signers, tx: txInfo(receipt) },
  };
}
