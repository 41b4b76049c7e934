// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {PoseidonT3} from "poseidon-solidity/PoseidonT3.sol";
import {StateTree} from "../../../src/libraries/StateTree.sol";

/// @title PoseidonTree
/// @notice Test-side sparse Merkle tree of docs/protocol.md section 4 (Poseidon(2) nodes, empty leaf 0,
///         leaf Poseidon(owner, tokenId, balance), bit j of the slot = 1 when the node is a right child).
/// @dev Leaves and the empty root come from StateTree (src/libraries/StateTree.sol), the library AssetStorage
///      uses, which test/Vectors.t.sol checks against the TypeScript core's vectors. The tree built here
///      (every node from the occupied leaves up) is independent of the path folding that `exit` does.
library PoseidonTree {
    /// @notice zeros[i] is the root of an empty subtree of height i (zeros[0] = 0).
    function zeros(uint256 depth) internal pure returns (uint256[] memory z) {
        z = new uint256[](depth + 1);
        for (uint256 i = 0; i < depth; i++) {
            z[i + 1] = PoseidonT3.hash([z[i], z[i]]);
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
    ///         the Merkle path (siblings from the leaf level up) of slot `target`.
    function build(uint256 depth, uint256[] memory slots, uint256[] memory leaves, uint256 target)
        internal
        pure
        returns (uint256 root, uint256[] memory siblings)
    {
        require(slots.length == leaves.length, "PoseidonTree: length mismatch");
        for (uint256 k = 1; k < slots.length; k++) {
            require(slots[k] > slots[k - 1], "PoseidonTree: slots not increasing");
        }
        uint256[] memory z = zeros(depth);
        siblings = new uint256[](depth);
        uint256[] memory idx = slots;
        uint256[] memory val = leaves;
        for (uint256 level = 0; level < depth; level++) {
            uint256 want = (target >> level) ^ 1;
            siblings[level] = z[level];
            for (uint256 k = 0; k < idx.length; k++) {
                if (idx[k] == want) siblings[level] = val[k];
            }
            (idx, val) = _parents(idx, val, z[level]);
        }
        root = idx.length == 0 ? z[depth] : val[0];
    }

    /// @notice Root of a tree holding `leaves[k]` at `slots[k]` and 0 elsewhere.
    function rootOf(uint256 depth, uint256[] memory slots, uint256[] memory leaves)
        internal
        pure
        returns (uint256 r)
    {
        (r,) = build(depth, slots, leaves, 0);
    }

    function _parents(uint256[] memory idx, uint256[] memory val, uint256 zero)
        private
        pure
        returns (uint256[] memory pIdx, uint256[] memory pVal)
    {
        pIdx = new uint256[](idx.length);
        pVal = new uint256[](idx.length);
        uint256 n;
        for (uint256 k = 0; k < idx.length; k++) {
            uint256 i = idx[k];
            if (i % 2 == 0) {
                if (k + 1 < idx.length && idx[k + 1] == i + 1) {
                    pVal[n] = PoseidonT3.hash([val[k], val[k + 1]]);
                    k++;
                } else {
                    pVal[n] = PoseidonT3.hash([val[k], zero]);
                }
            } else {
                pVal[n] = PoseidonT3.hash([zero, val[k]]);
            }
            pIdx[n] = i / 2;
            n++;
        }
        assembly {
            mstore(pIdx, n)
            mstore(pVal, n)
        }
    }
}
