pragma circom 2.2.3;

// One op slot of a batch (docs/protocol.md section 8, "What the circuit proves").

include "circomlib/circuits/comparators.circom";
include "./encoding.circom";
include "./merkle.circom";

template OpSlot(DEPTH) {
    // State before the slot.
    signal input rootIn;
    signal input chainIn;

    // The op (all zero for a no-op).
    signal input kind;
    signal input tokenId;
    signal input from;
    signal input to;
    signal input amount;

    // Source leaf (debited): slot, balance before, path in the tree before the op.
    signal input srcSlot;
    signal input srcBalance;
    signal input srcSiblings[3 * (DEPTH \ 2)];

    // Destination leaf (credited): slot, balance before, 1 if the slot was empty, path in the
    // tree after the source update.
    signal input dstSlot;
    signal input dstBalance;
    signal input dstEmpty;
    signal input dstSiblings[3 * (DEPTH \ 2)];

    signal output rootOut;
    signal output chainOut;
    signal output a;
    signal output b;
    signal output isNoop;
    signal output isReal;
    signal output isPublic; // credit, withdrawal or forced withdrawal: routed to a public pair

    // 1. Kind, ranges, no-op shape.
    signal amountIsZero <== IsZero()(amount);
    component k = KindDecode();
    k.kind <== kind;
    k.amountIsZero <== amountIsZero;
    isNoop <== k.isNoop;
    isReal <== k.isReal;
    isPublic <== k.isPublic;

    RangeCheck(32)(tokenId);
    RangeCheck(160)(from);
    RangeCheck(160)(to);
    RangeCheck(128)(amount);

    // Real ops move a non-zero amount, except a forced withdrawal (the owner's balance, maybe 0).
    (k.isReal - k.isForced) * amountIsZero === 0;

    k.isNoop * tokenId === 0;
    k.isNoop * from === 0;
    k.isNoop * to === 0;
    k.isNoop * amount === 0;

    // A credit comes from nobody (section 6: from = 0); a forced withdrawal pays its owner.
    k.isCredit * from === 0;
    k.isForced * (to - from) === 0;

    // Every real op has to != 0: to * toInv = isReal has no solution for to = 0 and isReal = 1
    // (no-ops have to = 0 and toInv = 0).
    signal toInv <-- to != 0 ? 1 / to : 0;
    to * toInv === k.isReal;

    // 2-3. Source update (transfers, withdrawals, non-zero forced withdrawals):
    // (from, tokenId, srcBalance) -> (from, tokenId, srcBalance - amount).
    // Both balances are 128-bit, so srcBalance >= amount (a wrapped difference is >= r - 2^128).
    signal srcNewBalance <== srcBalance - k.hasSource * amount;
    RangeCheck(128)(srcBalance);
    RangeCheck(128)(srcNewBalance);
    signal srcOldLeaf <== LeafHash()(from, tokenId, srcBalance);
    signal srcNewLeaf <== LeafHash()(from, tokenId, srcNewBalance);
    signal rootMid <== LeafUpdate(DEPTH)(k.hasSource, rootIn, srcSlot, srcOldLeaf, srcNewLeaf, srcSiblings);

    // Destination update: empty slot (leaf 0, balance 0) or (to, tokenId, dstBalance)
    // -> (to, tokenId, dstBalance + amount), which must stay below 2^128.
    dstEmpty * (dstEmpty - 1) === 0;
    dstEmpty * dstBalance === 0;
    signal dstNewBalance <== dstBalance + k.hasDest * amount;
    RangeCheck(128)(dstBalance);
    RangeCheck(128)(dstNewBalance);
    signal dstBoundLeaf <== LeafHash()(to, tokenId, dstBalance);
    signal dstOldLeaf <== (1 - dstEmpty) * dstBoundLeaf;
    signal dstNewLeaf <== LeafHash()(to, tokenId, dstNewBalance);
    rootOut <== LeafUpdate(DEPTH)(k.hasDest, rootMid, dstSlot, dstOldLeaf, dstNewLeaf, dstSiblings);

    // 4. Op chain, extended by real ops only.
    signal head <== PackHead()(kind, tokenId, from);
    signal chainNext <== OpChainStep()(chainIn, head, to, amount);
    chainOut <== chainIn + k.isReal * (chainNext - chainIn);

    // 5. Public pair: (kind + tokenId << 3 + to << 35, amount) for credits, withdrawals and forced
    // withdrawals (to = the owner), (0, 0) for transfers and no-ops.
    signal packed <== PackHead()(kind, tokenId, to);
    a <== k.isPublic * packed;
    b <== k.isPublic * amount;
}
