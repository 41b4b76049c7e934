// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {PoseidonT5} from "poseidon-solidity/PoseidonT5.sol";
import {StateTree} from "../../../src/libraries/StateTree.sol";

/// @title PoseidonTree
/// @notice Test-side sparse Merkle tree of docs/protocol.md section 4 (4-ary, `depth / 2` levels,
///         Poseidon(4) nodes, empty leaf 0, leaf Poseidon(owner, tokenId, balance); digit
///         `(slot >> 2j) & 3` is the node's position at level j, a path is 3 siblings per level).
/// @dev Leaves and the empty root come from StateTree (src/libraries/StateTree.sol), the library AssetStorage
///      uses, which test/Vectors.t.sol checks against the TypeScript core's vectors. The tree built here
///      (every node from the occupied leaves up) is independent of the path folding that `exit` does.
library PoseidonTree {
    /// @notice zeros[i] is the root of an empty subtree of i 4-ary levels (zeros[0] = 0).
    function zeros(uint256 depth) internal pure returns (uint256[] memory z) {
        uint256 levels = depth / 2;
        z = new uint256[](levels + 1);
        for (uint256 i = 0; i < levels; i++) {
            z[i + 1] = PoseidonT5.hash([z[i], z[i], z[i], z[i]]);
        }
    }

    /// @notice The root of the all-zero tree (the genesis root).
    function emptyRoot(uint256 depth) internal pure returns (uint256) {
        return StateTree.emptyRoot(depth);
    }

    /// @notice leaf = Poseidon(owner, tokenId, balance).
    function leaf(address owner, uint32 tokenId, uint128 balance) internal pure returns (uint256) {
        return StateTree.leaf(owner, tokenId, balance);
    }

    /// @notice Root of a tree holding `leaves[k]` at `slots[k]` (strictly increasing) and 0 elsewhere, and
    ///         the Merkle path (3 siblings per level from the leaf level up) of slot `target`.
    function build(uint256 depth, uint256[] memory slots, uint256[] memory leaves, uint256 target)
        internal
        pure
        returns (uint256 root, uint256[] memory siblings)
    {
        require(depth % 2 == 0, "PoseidonTree: odd depth");
        require(slots.length == leaves.length, "PoseidonTree: length mismatch");
        for (uint256 k = 1; k < slots.length; k++) {
            require(slots[k] > slots[k - 1], "PoseidonTree: slots not increasing");
        }
        uint256 levels = depth / 2;
        uint256[] memory z = zeros(depth);
        siblings = new uint256[](3 * levels);
        uint256[] memory idx = slots;
        uint256[] memory val = leaves;
        for (uint256 level = 0; level < levels; level++) {
            uint256 node = target >> (2 * level);
            uint256 n;
            for (uint256 position = 0; position < 4; position++) {
                if (position == (node & 3)) continue;
                siblings[3 * level + n] = _valueAt(idx, val, (node & ~uint256(3)) | position, z[level]);
                n++;
            }
            (idx, val) = _parents(idx, val, z[level]);
        }
        root = idx.length == 0 ? z[levels] : val[0];
    }

    /// @notice Root of a tree holding `leaves[k]` at `slots[k]` and 0 elsewhere.
    function rootOf(uint256 depth, uint256[] memory slots, uint256[] memory leaves)
        internal
        pure
        returns (uint256 r)
    {
        (r,) = build(depth, slots, leaves, 0);
    }

    function _valueAt(uint256[] memory idx, uint256[] memory val, uint256 index, uint256 zero)
        private
        pure
        returns (uint256)
    {
        for (uint256 k = 0; k < idx.length; k++) {
            if (idx[k] == index) return val[k];
        }
        return zero;
    }

    function _parents(uint256[] memory idx, uint256[] memory val, uint256 zero)
        private
        pure
        returns (uint256[] memory pIdx, uint256[] memory pVal)
    {
        pIdx = new uint256[](idx.length);
        pVal = new uint256[](idx.length);
        uint256 n;
        uint256 k;
        while (k < idx.length) {
            uint256 parent = idx[k] / 4;
            uint256[4] memory c = [zero, zero, zero, zero];
            while (k < idx.length && idx[k] / 4 == parent) {
                c[idx[k] % 4] = val[k];
                k++;
            }
            pIdx[n] = parent;
            pVal[n] = PoseidonT5.hash(c);
            n++;
        }
        assembly {
            mstore(pIdx, n)
            mstore(pVal, n)
        }
    }
}
