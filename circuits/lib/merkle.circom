pragma circom 2.2.3;

// State-tree Merkle templates (docs/protocol.md section 4).
// Nodes are Poseidon(left, right); at level j (0 = leaf level) bit j of the slot index says where
// the current node sits: 0 = left (parent = Poseidon(node, sibling)), 1 = right
// (parent = Poseidon(sibling, node)).

include "circomlib/circuits/poseidon.circom";
include "circomlib/circuits/bitify.circom";

// One level of a path. `bit` must already be constrained to {0, 1} by the caller.
template MerkleLevel() {
    signal input node;
    signal input sibling;
    signal input bit;
    signal output parent;

    // left = bit ? sibling : node; right = the other one (one multiplication).
    signal left <== node + bit * (sibling - node);
    parent <== Poseidon(2)([left, node + sibling - left]);
}

// Root reached from `leaf` along `siblings`; `bits` must be boolean (caller-checked).
template MerkleRoot(DEPTH) {
    signal input leaf;
    signal input siblings[DEPTH];
    signal input bits[DEPTH];
    signal output root;

    signal nodes[DEPTH + 1];
    nodes[0] <== leaf;
    for (var j = 0; j < DEPTH; j++) {
        nodes[j + 1] <== MerkleLevel()(nodes[j], siblings[j], bits[j]);
    }
    root <== nodes[DEPTH];
}

// One leaf update of the state tree, or a pass-through.
// enabled = 1: `oldLeaf` at `slot` (with `siblings`) must give `rootIn`; rootOut is the root with
//              `newLeaf` written there (same siblings).
// enabled = 0: rootOut = rootIn and nothing else is checked (the unused side of an op).
// `enabled` must be boolean (caller-checked). `slot` is range-checked to DEPTH bits here, which
// also makes its bits the path directions.
template LeafUpdate(DEPTH) {
    signal input enabled;
    signal input rootIn;
    signal input slot;
    signal input oldLeaf;
    signal input newLeaf;
    signal input siblings[DEPTH];
    signal output rootOut;

    signal bits[DEPTH] <== Num2Bits(DEPTH)(slot);
    signal oldRoot <== MerkleRoot(DEPTH)(oldLeaf, siblings, bits);
    signal newRoot <== MerkleRoot(DEPTH)(newLeaf, siblings, bits);

    enabled * (oldRoot - rootIn) === 0;
    rootOut <== rootIn + enabled * (newRoot - rootIn);
}
