pragma circom 2.2.3;

// The batch circuit (docs/protocol.md sections 2, 3, 4, 7, 8; docs/circuit.md).
// Batch(DEPTH, N, K): N op slots over a state tree of depth DEPTH, at most K of them L1-visible
// (credits, withdrawals, forced withdrawals). The main component declares
// {public [oldRoot, newRoot, oldOpChain, newOpChain, pubPair]}, which gives the public inputs
// oldRoot, newRoot, oldOpChain, newOpChain, a_0, b_0, ..., a_{K-1}, b_{K-1} (section 8 order):
// pair k is the k-th L1-visible op of the batch in log order, (0, 0) when there are fewer.

include "circomlib/circuits/comparators.circom";
include "./lib/slot.circom";

template Batch(DEPTH, N, K) {
    assert(DEPTH >= 2 && DEPTH <= 32 && DEPTH % 2 == 0);
    assert(N >= 1);
    assert(K >= 1 && K <= N);

    // Public (declaration order = public input order).
    signal input oldRoot;
    signal input newRoot;
    signal input oldOpChain;
    signal input newOpChain;
    signal input pubPair[K][2]; // (a_k, b_k) of the k-th L1-visible op

    // Private: the ops.
    signal input kind[N];
    signal input tokenId[N];
    signal input from[N];
    signal input to[N];
    signal input amount[N];

    // Private: the two leaf updates of each slot.
    signal input srcSlot[N];
    signal input srcBalance[N];
    signal input srcSiblings[N][3 * (DEPTH \ 2)]; // 3 siblings per 4-ary level, level-major
    signal input dstSlot[N];
    signal input dstBalance[N];
    signal input dstEmpty[N];
    signal input dstSiblings[N][3 * (DEPTH \ 2)];

    signal roots[N + 1];
    signal chains[N + 1];
    roots[0] <== oldRoot;
    chains[0] <== oldOpChain;

    component slots[N];
    for (var i = 0; i < N; i++) {
        slots[i] = OpSlot(DEPTH);
        slots[i].rootIn <== roots[i];
        slots[i].chainIn <== chains[i];
        slots[i].kind <== kind[i];
        slots[i].tokenId <== tokenId[i];
        slots[i].from <== from[i];
        slots[i].to <== to[i];
        slots[i].amount <== amount[i];
        slots[i].srcSlot <== srcSlot[i];
        slots[i].srcBalance <== srcBalance[i];
        slots[i].srcSiblings <== srcSiblings[i];
        slots[i].dstSlot <== dstSlot[i];
        slots[i].dstBalance <== dstBalance[i];
        slots[i].dstEmpty <== dstEmpty[i];
        slots[i].dstSiblings <== dstSiblings[i];
        roots[i + 1] <== slots[i].rootOut;
        chains[i + 1] <== slots[i].chainOut;

        // No-ops only at the tail: a no-op is never followed by a real op.
        if (i > 0) {
            slots[i - 1].isNoop * slots[i].isReal === 0;
        }
    }

    newRoot === roots[N];
    newOpChain === chains[N];

    // Routing (section 8): rank_i = number of L1-visible slots before slot i (linear);
    // sel[i][k] = isPublic_i * (rank_i == k). sum_k sel[i][k] == isPublic_i, so an L1-visible op
    // of rank >= K has no solution. rank_i <= i, so sel[i][k] = 0 for k > i and is not built.
    var rank = 0;
    signal rankIs[N][K];
    signal sel[N][K];
    signal selA[N][K];
    signal selB[N][K];
    var accA[K];
    var accB[K];
    for (var k = 0; k < K; k++) {
        accA[k] = 0;
        accB[k] = 0;
    }
    for (var i = 0; i < N; i++) {
        var selSum = 0;
        for (var k = 0; k < K; k++) {
            if (k <= i) {
                rankIs[i][k] <== IsEqual()([rank, k]);
                sel[i][k] <== slots[i].isPublic * rankIs[i][k];
                selA[i][k] <== sel[i][k] * slots[i].a;
                selB[i][k] <== sel[i][k] * slots[i].b;
                selSum += sel[i][k];
                accA[k] += selA[i][k];
                accB[k] += selB[i][k];
            } else {
                rankIs[i][k] <== 0;
                sel[i][k] <== 0;
                selA[i][k] <== 0;
                selB[i][k] <== 0;
            }
        }
        selSum === slots[i].isPublic;
        rank += slots[i].isPublic;
    }
    for (var k = 0; k < K; k++) {
        pubPair[k][0] === accA[k];
        pubPair[k][1] === accB[k];
    }
}
