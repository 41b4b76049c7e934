// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

// The sibling bound is written as docs/protocol.md states it (`s >= r` is refused).
// solhint-disable gas-strict-inequalities

import {PoseidonT4} from "poseidon-solidity/PoseidonT4.sol";
import {PoseidonT5} from "poseidon-solidity/PoseidonT5.sol";

import {IAssetStorage} from "../L1/IAssetStorage.sol";
import {BridgeProtocol} from "./BridgeProtocol.sol";

/// @title StateTree
/// @notice The L2 state tree of docs/protocol.md section 4 as L1 needs it: an account's leaf, the root a
///         Merkle path folds to, and the root of the empty tree. A 4-ary tree of `depth / 2` levels over
///         `2^depth` slots, nodes `Poseidon(c0, c1, c2, c3)`. Poseidon over BN254 (public libraries
///         PoseidonT4 and PoseidonT5, linked at deployment).
/// @dev One implementation, used by AssetStorage (genesis root, `exit`), the deploy script and the tests;
///      test/Vectors.t.sol checks it against test/vectors/tree.json, written by the TypeScript core
///      (offchain/lib/tree.ts).
library StateTree {
    /// @notice Siblings per level of a path: the other 3 children of the parent, in ascending position order.
    uint256 internal constant SIBLINGS_PER_LEVEL = 3;

    /// @notice The leaf of an account: `Poseidon(owner, tokenId, balance)`.
    function leaf(address owner, uint32 tokenId, uint128 balance) internal pure returns (uint256) {
        return PoseidonT4.hash([uint256(uint160(owner)), uint256(tokenId), uint256(balance)]);
    }

    /// @notice The root that `leaf_` at `slot` folds to with `siblings` (3 per level, level-major from the
    ///         leaf level up; digit `(slot >> 2j) & 3` is the node's position at level j). About 48k gas a
    ///         level (two slot bits).
    /// @dev Siblings must be field elements: PoseidonT5 reduces its inputs modulo r, so a sibling `s + r`
    ///      would otherwise prove the same path as `s`. Reverts with IAssetStorage.FieldElementOutOfRange.
    ///      The caller checks that `siblings.length` is 3 per level and the range of `slot`.
    function rootOf(uint256 leaf_, uint256 slot, uint256[] calldata siblings)
        internal
        pure
        returns (uint256 node)
    {
        node = leaf_;
        uint256 levels = siblings.length / SIBLINGS_PER_LEVEL;
        for (uint256 level; level < levels; ++level) {
            uint256 i = SIBLINGS_PER_LEVEL * level;
            uint256 s0 = _field(siblings[i]);
            uint256 s1 = _field(siblings[i + 1]);
            uint256 s2 = _field(siblings[i + 2]);
            uint256 digit = (slot >> (2 * level)) & 3;
            if (digit == 0) node = PoseidonT5.hash([node, s0, s1, s2]);
            else if (digit == 1) node = PoseidonT5.hash([s0, node, s1, s2]);
            else if (digit == 2) node = PoseidonT5.hash([s0, s1, node, s2]);
            else node = PoseidonT5.hash([s0, s1, s2, node]);
        }
    }

    /// @notice The root of the all-zero tree of `depth` slot bits (the genesis root): `depth / 2` hashes of
    ///         about 45k gas each. The caller checks that `depth` is even.
    function emptyRoot(uint256 depth) internal pure returns (uint256 node) {
        for (uint256 level; level < depth / 2; ++level) {
            node = PoseidonT5.hash([node, node, node, node]);
        }
    }

    /// @dev `x` if it is a field element, else a revert with IAssetStorage.FieldElementOutOfRange.
    function _field(uint256 x) private pure returns (uint256) {
        if (x >= BridgeProtocol.FIELD_MODULUS) revert IAssetStorage.FieldElementOutOfRange(x);
        return x;
    }
}
