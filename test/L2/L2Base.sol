// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Test} from "forge-std/Test.sol";

import {AssetReceiving} from "../../src/L2/AssetReceiving.sol";
import {Escrow} from "../../src/L2/examples/Escrow.sol";

/// @notice Shared deployment, actors and op-log bookkeeping for every L2 test.
/// @dev The expected op-log head is recomputed here with a plain keccak of section 6 of
///      docs/protocol.md, independently of the contract and of BridgeProtocol.
abstract contract L2Base is Test {
    /*//////////////////////////////////////////////////////////////
                               CONSTANTS
    //////////////////////////////////////////////////////////////*/

    uint8 internal constant CREDIT = 1;
    uint8 internal constant TRANSFER = 2;
    uint8 internal constant WITHDRAW = 3;

    uint256 internal constant MAX = type(uint128).max;
    uint128 internal constant MAX128 = type(uint128).max;

    uint32 internal constant ETH = 0;
    uint32 internal constant USDC = 1;
    uint32 internal constant DAI = 2;

    /*//////////////////////////////////////////////////////////////
                                 STATE
    //////////////////////////////////////////////////////////////*/

    AssetReceiving internal ledger;
    Escrow internal escrow;

    address internal governor = makeAddr("governor");
    address internal relayer = makeAddr("relayer");
    address internal alice = makeAddr("alice");
    address internal bob = makeAddr("bob");
    address internal carol = makeAddr("carol");
    address internal l1Alice = makeAddr("l1Alice");
    address internal stranger = makeAddr("stranger");

    /// @dev The op-log head and count the tests expect, maintained by `_track`.
    bytes32 internal expectedHead;
    uint64 internal expectedOps;

    function setUp() public virtual {
        ledger = new AssetReceiving(governor, relayer);
        escrow = new Escrow(ledger);
        vm.label(address(ledger), "ledger");
        vm.label(address(escrow), "escrow");
    }

    /*//////////////////////////////////////////////////////////////
                                HELPERS
    //////////////////////////////////////////////////////////////*/

    /// @dev Section 6: h' = keccak256(abi.encode(h, kind, tokenId, from, to, amount)).
    function _nextHead(bytes32 head, uint8 kind, uint32 tokenId, address from, address to, uint128 amount)
        internal
        pure
        returns (bytes32)
    {
        return keccak256(abi.encode(head, kind, tokenId, from, to, amount));
    }

    /// @dev Records that the ledger must have logged this op next.
    function _track(uint8 kind, uint32 tokenId, address from, address to, uint128 amount) internal {
        expectedHead = _nextHead(expectedHead, kind, tokenId, from, to, amount);
        ++expectedOps;
    }

    /// @dev Expects the `OpLogged` of the next op from the ledger and tracks it.
    function _expectOp(uint8 kind, uint32 tokenId, address from, address to, uint128 amount) internal {
        bytes32 head = _nextHead(expectedHead, kind, tokenId, from, to, amount);
        vm.expectEmit(true, true, true, true, address(ledger));
        emit AssetReceiving.OpLogged(expectedOps, kind, tokenId, from, to, amount, head);
        _track(kind, tokenId, from, to, amount);
    }

    /// @dev Credits the next deposit through the relayer and tracks the op.
    function _credit(address to, uint32 tokenId, uint128 amount) internal returns (uint64 depositId) {
        depositId = ledger.nextDepositId();
        vm.prank(relayer);
        ledger.creditDeposit(depositId, to, tokenId, amount);
        _track(CREDIT, tokenId, address(0), to, amount);
    }

    /// @dev The stored op log equals what the test expects.
    function _assertOpLog() internal view {
        assertEq(ledger.opHead(), expectedHead, "opHead");
        assertEq(ledger.opCount(), expectedOps, "opCount");
    }
}
