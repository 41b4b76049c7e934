// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title BridgeProtocol
/// @notice The encodings of docs/protocol.md shared by L1 and L2: deposit record hashes and words,
///         the L2 keccak op-log head, and the packing of a batch slot's public pair.
/// @dev Every function here is checked against test/vectors by test/Vectors.t.sol.
library BridgeProtocol {
    /*//////////////////////////////////////////////////////////////
                               CONSTANTS
    //////////////////////////////////////////////////////////////*/

    /// @dev BN254 scalar field order r: every public input must be below it.
    uint256 internal constant FIELD_MODULUS =
        21_888_242_871_839_275_222_246_405_745_257_275_088_548_364_400_416_034_343_698_204_186_575_808_495_617;

    /// @dev Op kinds (docs/protocol.md sections 6 and 8). 0 is a transfer or no-op slot on L1.
    uint8 internal constant KIND_NONE = 0;
    uint8 internal constant KIND_CREDIT = 1;
    uint8 internal constant KIND_TRANSFER = 2;
    uint8 internal constant KIND_WITHDRAW = 3;

    /// @dev Mask of the low 64 bits of a deposit word, where the timestamp lives.
    uint256 internal constant TIMESTAMP_MASK = type(uint64).max;

    /*//////////////////////////////////////////////////////////////
                                 TYPES
    //////////////////////////////////////////////////////////////*/

    /// @dev The record of one L1 deposit (section 5).
    struct DepositRecord {
        address recipient;
        uint32 tokenId;
        uint128 amount;
        address depositor;
        uint64 timestamp;
    }

    /*//////////////////////////////////////////////////////////////
                               FUNCTIONS
    //////////////////////////////////////////////////////////////*/

    /// @dev keccak256(abi.encode(recipient, tokenId, amount, depositor, timestamp)).
    function recordHash(DepositRecord memory r) internal pure returns (bytes32) {
        return keccak256(abi.encode(r.recipient, r.tokenId, r.amount, r.depositor, r.timestamp));
    }

    /// @dev The stored word: the top 192 bits of the record hash, the timestamp in the low 64 bits.
    function depositWord(DepositRecord memory r) internal pure returns (uint256) {
        return (uint256(recordHash(r)) & ~TIMESTAMP_MASK) | uint256(r.timestamp);
    }

    /// @dev The timestamp kept in a deposit word.
    function wordTimestamp(uint256 word) internal pure returns (uint64) {
        // casting to uint64 is safe: the value is masked to 64 bits
        // forge-lint: disable-next-line(unsafe-typecast)
        return uint64(word & TIMESTAMP_MASK);
    }

    /// @dev h_{k+1} = keccak256(abi.encode(h_k, kind, tokenId, from, to, amount)).
    function nextOpHead(bytes32 head, uint8 kind, uint32 tokenId, address from, address to, uint128 amount)
        internal
        pure
        returns (bytes32)
    {
        return keccak256(abi.encode(head, kind, tokenId, from, to, amount));
    }

    /// @dev a = kind + (tokenId << 2) + (account << 34); below 2^194, hence below the field modulus.
    function slotA(uint8 kind, uint32 tokenId, address account) internal pure returns (uint256) {
        return uint256(kind) | (uint256(tokenId) << 2) | (uint256(uint160(account)) << 34);
    }
}
