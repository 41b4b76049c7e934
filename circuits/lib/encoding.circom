pragma circom 2.2.3;

// Encodings shared with L1 and the TypeScript core (docs/protocol.md sections 4, 7, 8).

include "circomlib/circuits/poseidon.circom";
include "circomlib/circuits/bitify.circom";

// x must fit in n bits (0 <= x < 2^n). n <= 253 keeps the bit decomposition unique.
template RangeCheck(n) {
    assert(n <= 253);
    signal input in;
    component bits = Num2Bits(n);
    bits.in <== in;
}

// leaf = Poseidon(owner, tokenId, balance).
template LeafHash() {
    signal input owner;
    signal input tokenId;
    signal input balance;
    signal output out;
    out <== Poseidon(3)([owner, tokenId, balance]);
}

// kind + (tokenId << 3) + (account << 35). Injective (and < 2^195 < r) only when the caller has
// range-checked kind to 3 bits, tokenId to 32 bits and account to 160 bits.
template PackHead() {
    signal input kind;
    signal input tokenId;
    signal input account;
    signal output out;
    out <== kind + tokenId * 8 + account * 34359738368; // 2^35
}

// opChain' = Poseidon(opChain, head, to, amount).
template OpChainStep() {
    signal input chain;
    signal input head;
    signal input to;
    signal input amount;
    signal output out;
    out <== Poseidon(4)([chain, head, to, amount]);
}

// Decodes an op kind (0 no-op, 1 credit, 2 transfer, 3 withdrawal, 4 forced withdrawal) and
// rejects anything else (5, 6, 7 and anything that is not 3 bits). `amountIsZero` must be boolean
// (the caller's IsZero of the op's amount): a forced withdrawal of 0 debits no leaf.
template KindDecode() {
    signal input kind;
    signal input amountIsZero;
    signal output isNoop;
    signal output isCredit;
    signal output isTransfer;
    signal output isWithdraw;
    signal output isForced;  // kind 4
    signal output isReal;    // kind != 0
    signal output hasSource; // transfer, withdrawal, or forced withdrawal of a non-zero amount: a leaf is debited
    signal output hasDest;   // credit or transfer: a leaf is credited
    signal output isPublic;  // credit, withdrawal or forced withdrawal: the slot exposes (a, b) to L1

    signal bits[3] <== Num2Bits(3)(kind);
    // Kind 4 = bits (0, 0, 1); 5, 6, 7 set bit 2 with bit 0 or 1 (their sum is 0, 1 or 2).
    bits[2] * (bits[0] + bits[1]) === 0;
    signal both <== bits[0] * bits[1];

    isWithdraw <== both;
    isCredit <== bits[0] - both;
    isTransfer <== bits[1] - both;
    isForced <== bits[2];
    isNoop <== 1 - bits[0] - bits[1] + both - bits[2];
    isReal <== bits[0] + bits[1] - both + bits[2];
    signal forcedZero <== bits[2] * amountIsZero;
    hasSource <== bits[1] + bits[2] - forcedZero;
    hasDest <== bits[0] + bits[1] - 2 * both;
    isPublic <== bits[0] + bits[2];
}
