pragma circom 2.2.3;

// The batch circuit (docs/protocol.md sections 2, 3, 4, 7, 8; docs/circuit.md).
// Batch(DEPTH, N): N op slots over a state tree of depth DEPTH. The main component declares
// {public [oldRoot, newRoot, oldOpChain, newOpChain, slotPub]}, which gives the public inputs
// oldRoot, newRoot, oldOpChain, newOpChain, a_0, b_0, ..., a_{N-1}, b_{N-1} (section 8 order).

include "./lib/slot.circom";

template Batch(DEPTH, N) {
    assert(DEPTH >= 2 && DEPTH <= 32 && DEPTH % 2 == 0);
    assert(N >= 1);

    // Public (declaration order = public input order).
    signal input oldRoot;
    signal input newRoot;
    signal input oldOpChain;
    signal input newOpChain;
    signal input slotPub[N][2]; // (a_i, b_i)

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

        slotPub[i][0] === slots[i].a;
        slotPub[i][1] === slots[i].b;

        // No-ops only at the tail: a no-op is never followed by a real op.
        if (i > 0) {
            slots[i - 1].isNoop * slots[i].isReal === 0;
        }
    }

    newRoot === roots[N];
    newOpChain === chains[N];
}
