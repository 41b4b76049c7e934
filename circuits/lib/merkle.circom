pragma circom 2.2.3;

// State-tree Merkle templates (docs/protocol.md section 4): a 4-ary tree of DEPTH / 2 levels.
// Nodes are Poseidon(c0, c1, c2, c3); at 4-ary level j (0 = leaf level) the digit
// (slot >> 2j) & 3 = d0 + 2 * d1 is the current node's position among its parent's children, and
// the level's 3 siblings are the other children in ascending position order.

include "circomlib/circuits/poseidon.circom";
include "circomlib/circuits/bitify.circom";

// One 4-ary level of a path. `d0`, `d1` (the position's low and high bit) must already be
// constrained to {0, 1} by the caller. The children are placed with a one-hot-free mux of
// 7 constraints, then hashed.
template MerkleLevel4() {
    signal input node;
    signal input siblings[3];
    signal input d0;
    signal input d1;
    signal output parent;

    // e0 = 1 iff position 0, e3 = 1 iff position 3 (one product; e0 is linear given e3).
    signal e3 <== d0 * d1;
    signal e0 <== 1 - d0 - d1 + e3;
    // c0: node at position 0, else siblings[0]; c3: node at position 3, else siblings[2].
    signal c0 <== siblings[0] + e0 * (node - siblings[0]);
    signal c3 <== siblings[2] + e3 * (node - siblings[2]);
    // c1: siblings[1] if d1, else (d0 ? node : siblings[0]).
    signal lo <== siblings[0] + d0 * (node - siblings[0]);
    signal c1 <== lo + d1 * (siblings[1] - lo);
    // c2: siblings[1] if not d1, else (d0 ? siblings[2] : node).
    signal hi <== node + d0 * (siblings[2] - node);
    signal c2 <== siblings[1] + d1 * (hi - siblings[1]);
    parent <== Poseidon(4)([c0, c1, c2, c3]);
}

// Root reached from `leaf` along `siblings` (3 per level, level-major); `bits` (the slot's bits,
// little-endian) must be boolean (caller-checked). DEPTH is even.
template MerkleRoot4(DEPTH) {
    var LEVELS = DEPTH \ 2;
    signal input leaf;
    signal input siblings[3 * LEVELS];
    signal input bits[DEPTH];
    signal output root;

    signal nodes[LEVELS + 1];
    nodes[0] <== leaf;
    for (var j = 0; j < LEVELS; j++) {
        nodes[j + 1] <== MerkleLevel4()(
            nodes[j], [siblings[3 * j], siblings[3 * j + 1], siblings[3 * j + 2]], bits[2 * j], bits[2 * j + 1]
        );
    }
    root <== nodes[LEVELS];
}

// One leaf update of the state tree, or a pass-through.
// enabled = 1: `oldLeaf` at `slot` (with `siblings`) must give `rootIn`; rootOut is the root with
//              `newLeaf` written there (same siblings).
// enabled = 0: rootOut = rootIn and nothing else is checked (the unused side of an op).
// `enabled` must be boolean (caller-checked). `slot` is range-checked to DEPTH bits here, which
// also makes its bits (in pairs) the path digits.
template LeafUpdate(DEPTH) {
    assert(DEPTH % 2 == 0);
    signal input enabled;
    signal input rootIn;
    signal input slot;
    signal input oldLeaf;
    signal input newLeaf;
    signal input siblings[3 * (DEPTH \ 2)];
    signal output rootOut;

    signal bits[DEPTH] <== Num2Bits(DEPTH)(slot);
    signal oldRoot <== MerkleRoot4(DEPTH)(oldLeaf, siblings, bits);
    signal newRoot <== MerkleRoot4(DEPTH)(newLeaf, siblings, bits);

    enabled * (oldRoot - rootIn) === 0;
    rootOut <== rootIn + enabled * (newRoot - rootIn);
}
