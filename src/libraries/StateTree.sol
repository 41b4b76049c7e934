// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

// The sibling bound is written as docs/protocol.md states it (`s >= r` is refused).
// solhint-disable gas-strict-inequalities

import {PoseidonT3} from "poseidon-solidity/PoseidonT3.sol";
import {PoseidonT4} from "poseidon-solidity/PoseidonT4.sol";

import {IAssetStorage} from "../L1/IAssetStorage.sol";
import {BridgeProtocol} from "./BridgeProtocol.sol";

/// @title StateTree
/// @notice The L2 state tree of docs/protocol.md section 4 as L1 needs it: an account's leaf, the root a
///         Merkle path folds to, and the root of the empty tree. Poseidon over BN254 (public libraries
///         PoseidonT3 and PoseidonT4, linked at deployment).
/// @dev One implementation, used by AssetStorage (genesis root, `exit`), the deploy script and the tests;
///      test/Vectors.t.sol checks it against test/vectors/tree.json, written by the TypeScript core
///      (offchain/lib/tree.ts).
library StateTree {
    /// @notice The leaf of an account: `Poseidon(owner, tokenId, balance)`.
    function leaf(address owner, uint32 tokenId, uint128 balance) internal pure returns (uint256) {
        return PoseidonT4.hash([uint256(uint160(owner)), uint256(tokenId), uint256(balance)]);
    }

    /// @notice The root that `leaf_` at `slot` folds to with `siblings` (from the leaf level up; bit j of
    ///         `slot` = 0: the node is the left child at level j). About 32k gas a level.
    /// @dev Siblings must be field elements: PoseidonT3 reduces its inputs modulo r, so a sibling `s + r`
    ///      would otherwise prove the same path as `s`. Reverts with IAssetStorage.FieldElementOutOfRange.
    ///      The caller checks the length of `siblings` and the range of `slot`.
    function rootOf(uint256 leaf_, uint256 slot, uint256[] calldata siblings)
        internal
        pure
        returns (uint256 node)
    {
        node = leaf_;
        for (uint256 level; level < siblings.length; ++level) {
            uint256 sibling = siblings[level];
            if (sibling >= BridgeProtocol.FIELD_MODULUS) {
                revert IAssetStorage.FieldElementOutOfRange(sibling);
            }
            node = (slot >> level) & 1 == 0
                ? PoseidonT3.hash([node, sibling])
                : PoseidonT3.hash([sibling, node]);
        }
    }

    /// @notice The root of the all-zero tree of `depth` levels (the genesis root), about 30k gas a level.
    function emptyRoot(uint256 depth) internal pure returns (uint256 node) {
        for (uint256 level; level < depth; ++level) {
            node = PoseidonT3.hash([node, node]);
        }
    }
}
