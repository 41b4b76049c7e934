// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title BridgeProtocol
/// @notice The encodings of docs/protocol.md shared by L1 and L2: queue request hashes (deposits and forced
///         withdrawal requests), the L2 keccak op-log head, the op data posted on L1, and the packing of a
///         batch slot's public pair.
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
    uint8 internal constant KIND_FORCED_WITHDRAW = 4;

    /// @dev Bytes of one op record posted on L1: kind (1) ‖ tokenId (4) ‖ from (20) ‖ to (20) ‖ amount (16).
    uint256 internal constant OP_RECORD_BYTES = 61;

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

    /// @dev The record of one L1 forced withdrawal request (section 5): `owner` called `requestWithdrawal`.
    struct WithdrawalRequestRecord {
        address owner;
        uint32 tokenId;
        uint64 timestamp;
    }

    /*//////////////////////////////////////////////////////////////
                               FUNCTIONS
    //////////////////////////////////////////////////////////////*/

    /// @dev keccak256(abi.encode(recipient, tokenId, amount, depositor, timestamp)): five words.
    function depositHash(DepositRecord memory r) internal pure returns (bytes32) {
        return keccak256(abi.encode(r.recipient, r.tokenId, r.amount, r.depositor, r.timestamp));
    }

    /// @dev keccak256(abi.encode(uint8(4), owner, tokenId, timestamp)): four words, so it never equals a
    ///      deposit hash (a preimage of another length).
    function requestHash(WithdrawalRequestRecord memory r) internal pure returns (bytes32) {
        return keccak256(abi.encode(KIND_FORCED_WITHDRAW, r.owner, r.tokenId, r.timestamp));
    }

    /// @dev h_{k+1} = keccak256(abi.encode(h_k, kind, tokenId, from, to, amount)).
    function nextOpHead(bytes32 head, uint8 kind, uint32 tokenId, address from, address to, uint128 amount)
        internal
        pure
        returns (bytes32)
    {
        return keccak256(abi.encode(head, kind, tokenId, from, to, amount));
    }

    /// @dev Folds `nextOpHead` from `head` over the packed 61-byte op records of `ops` (section 8, "Op data
    ///      on L1"); the caller checks that `ops.length` is a multiple of `OP_RECORD_BYTES`.
    ///      Each record is decoded with three `calldataload`s and shifts instead of slicing `ops` into memory
    ///      and reading it byte by byte; the six words are written to scratch memory above the free pointer and
    ///      hashed there, exactly the 192 bytes of `abi.encode(head, kind, tokenId, from, to, amount)`.
    ///      A load may read past the end of `ops`, but only the bytes of the record are kept.
    function foldOps(bytes32 head, bytes calldata ops) internal pure returns (bytes32 h) {
        h = head;
        assembly ("memory-safe") {
            let buf := mload(0x40)
            let end := add(ops.offset, mul(div(ops.length, OP_RECORD_BYTES), OP_RECORD_BYTES))
            for { let p := ops.offset } lt(p, end) { p := add(p, OP_RECORD_BYTES) } {
                let w := calldataload(p) // kind (byte 0), tokenId (bytes 1-4), from (bytes 5-24)
                mstore(buf, h)
                mstore(add(buf, 0x20), shr(248, w))
                mstore(add(buf, 0x40), and(shr(216, w), 0xffffffff))
                mstore(add(buf, 0x60), and(shr(56, w), 0xffffffffffffffffffffffffffffffffffffffff))
                mstore(add(buf, 0x80), shr(96, calldataload(add(p, 25)))) // to (bytes 25-44)
                mstore(add(buf, 0xa0), shr(128, calldataload(add(p, 45)))) // amount (bytes 45-60)
                h := keccak256(buf, 0xc0)
            }
        }
    }

    /// @dev a = kind + (tokenId << 3) + (account << 35); below 2^195, hence below the field modulus.
    function slotA(uint8 kind, uint32 tokenId, address account) internal pure returns (uint256) {
        return uint256(kind) | (uint256(tokenId) << 3) | (uint256(uint160(account)) << 35);
    }
}
