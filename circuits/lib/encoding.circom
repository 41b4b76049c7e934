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

// kind + (tokenId << 2) + (account << 34). Injective (and < 2^194 < r) only when the caller has
// range-checked kind to 2 bits, tokenId to 32 bits and account to 160 bits.
template PackHead() {
    signal input kind;
    signal input tokenId;
    signal input account;
    signal output out;
    out <== kind + tokenId * 4 + account * 17179869184; // 2^34
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

// Decodes an op kind (0 no-op, 1 credit, 2 transfer, 3 withdrawal) and rejects anything else.
template KindDecode() {
    signal input kind;
    signal output isNoop;
    signal output isCredit;
    signal output isTransfer;
    signal output isWithdraw;
    signal output isReal;    // kind != 0
    signal output hasSource; // transfer or withdrawal: a leaf is debited
    signal output hasDest;   // credit or transfer: a leaf is credited
    signal output isPublic;  // credit or withdrawal: the slot exposes (a, b) to L1

    signal bits[2] <== Num2Bits(2)(kind); // kind in {0, 1, 2, 3}
    signal both <== bits[0] * bits[1];

    isWithdraw <== both;
    isCredit <== bits[0] - both;
    isTransfer <== bits[1] - both;
    isNoop <== 1 - bits[0] - bits[1] + both;
    isReal <== bits[0] + bits[1] - both;
    hasSource <== bits[1];
    hasDest <== bits[0] + bits[1] - 2 * both;
    isPublic <== bits[0];
}
