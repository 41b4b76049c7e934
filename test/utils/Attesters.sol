// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Test} from "forge-std/Test.sol";

/// @title Attesters
/// @notice Three attester keys (M = 2 of N = 3) shared by the L1 and L2 test bases, and the helpers that sign
///         an EIP-712 digest the way section 14.2 of docs/protocol.md packs it.
/// @dev `attesterKeys` are sorted by their addresses, so `attesterKeys[i]` signs as `attesterSet[i]`.
abstract contract Attesters is Test {
    uint8 internal constant THRESHOLD = 2;
    uint64 internal constant GOVERNANCE_DELAY = 3 days;

    /// @dev secp256k1 group order n; a signature with s > n / 2 is malleable.
    uint256 internal constant SECP256K1_N =
        0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141;

    uint256[] internal attesterKeys;
    address[] internal attesterSet;

    /// @dev Fills `attesterKeys`/`attesterSet` with `n` keys derived from `label`, sorted by address.
    function _makeAttesters(string memory label, uint256 n) internal {
        delete attesterKeys;
        delete attesterSet;
        for (uint256 i = 0; i < n; i++) {
            (address a, uint256 k) = makeAddrAndKey(string.concat(label, vm.toString(i)));
            attesterKeys.push(k);
            attesterSet.push(a);
        }
        for (uint256 i = 1; i < n; i++) {
            for (uint256 j = i; j > 0 && attesterSet[j] < attesterSet[j - 1]; j--) {
                (attesterSet[j], attesterSet[j - 1]) = (attesterSet[j - 1], attesterSet[j]);
                (attesterKeys[j], attesterKeys[j - 1]) = (attesterKeys[j - 1], attesterKeys[j]);
            }
        }
    }

    /// @dev EIP-712 written out: the domain separator of contract `name` (version "1") at `verifyingContract`.
    function _eip712Domain(string memory name, address verifyingContract) internal view returns (bytes32) {
        return keccak256(
            abi.encode(
                keccak256(
                    "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"
                ),
                keccak256(bytes(name)),
                keccak256("1"),
                block.chainid,
                verifyingContract
            )
        );
    }

    /// @dev r ‖ s ‖ v of `key` over `digest`.
    function _sig(uint256 key, bytes32 digest) internal pure returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, digest);
        return abi.encodePacked(r, s, v);
    }

    /// @dev The signatures of the attesters at `indices` (give them ascending for a valid packing).
    function _signBy(bytes32 digest, uint256[] memory indices) internal view returns (bytes memory out) {
        for (uint256 i = 0; i < indices.length; i++) {
            out = bytes.concat(out, _sig(attesterKeys[indices[i]], digest));
        }
    }

    /// @dev The first THRESHOLD attesters' signatures, ascending: a valid attestation.
    function _attest(bytes32 digest) internal view returns (bytes memory) {
        return _signBy(digest, _range(0, THRESHOLD));
    }

    /// @dev [from, to).
    function _range(uint256 from, uint256 to) internal pure returns (uint256[] memory out) {
        out = new uint256[](to - from);
        for (uint256 i = from; i < to; i++) {
            out[i - from] = i;
        }
    }

    /// @dev The same signature with s' = n - s and v flipped: recovers the same signer (malleable form).
    function _highS(bytes memory sig) internal pure returns (bytes memory) {
        bytes32 r;
        bytes32 s;
        assembly {
            r := mload(add(sig, 32))
            s := mload(add(sig, 64))
        }
        uint8 v = uint8(sig[64]);
        return abi.encodePacked(r, bytes32(SECP256K1_N - uint256(s)), v == 27 ? uint8(28) : uint8(27));
    }
}
