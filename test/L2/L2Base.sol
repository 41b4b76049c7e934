// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AssetReceiving} from "../../src/L2/AssetReceiving.sol";
import {IAssetReceiving} from "../../src/L2/IAssetReceiving.sol";
import {BridgeProtocol} from "../../src/libraries/BridgeProtocol.sol";
import {Attesters} from "../utils/Attesters.sol";
import {Escrow} from "../../src/L2/examples/Escrow.sol";

/// @notice Shared deployment, actors and op-log bookkeeping for every L2 test.
/// @dev The expected op-log head is recomputed here with a plain keccak of section 6 of
///      docs/protocol.md, and the attested digests with EIP-712 written out (section 14.2), independently of
///      the contract and of BridgeProtocol. `relayer` is just some courier: anyone may relay attested calls.
///      `_creditAt` and `_halt` make exactly one call (the ledger's), so `vm.prank` and `vm.expectRevert`
///      placed before them watch that call.
abstract contract L2Base is Attesters {
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

    uint256 internal constant L1_CHAIN_ID = 31_337;
    uint64 internal constant DEPOSIT_TIME = 1_700_000_000;

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
    address internal l1Storage = makeAddr("l1Storage");
    address internal l1Depositor = makeAddr("l1Depositor");

    /// @dev The op-log head and count the tests expect, maintained by `_track`.
    bytes32 internal expectedHead;
    uint64 internal expectedOps;

    function setUp() public virtual {
        _makeAttesters("attester", 3);
        ledger =
            new AssetReceiving(governor, L1_CHAIN_ID, l1Storage, attesterSet, THRESHOLD, GOVERNANCE_DELAY);
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
        emit IAssetReceiving.OpLogged(expectedOps, kind, tokenId, from, to, amount, head);
        _track(kind, tokenId, from, to, amount);
    }

    /// @dev Credits the next deposit with a valid attestation and tracks the op.
    function _credit(address to, uint32 tokenId, uint128 amount) internal returns (uint64 depositId) {
        depositId = ledger.nextDepositId();
        vm.prank(relayer);
        _creditAt(depositId, to, tokenId, amount);
        _track(CREDIT, tokenId, address(0), to, amount);
    }

    /// @dev The record of deposit `depositId` in these tests (depositor and time fixed).
    function _record(uint64 depositId, address to, uint32 tokenId, uint128 amount)
        internal
        view
        returns (BridgeProtocol.DepositRecord memory)
    {
        return BridgeProtocol.DepositRecord({
            recipient: to,
            tokenId: tokenId,
            amount: amount,
            depositor: l1Depositor,
            timestamp: DEPOSIT_TIME + (depositId % 1000)
        });
    }

    /// @dev Relays deposit `depositId` with a valid attestation of its record (one call: the ledger's).
    function _creditAt(uint64 depositId, address to, uint32 tokenId, uint128 amount) internal {
        BridgeProtocol.DepositRecord memory rec = _record(depositId, to, tokenId, amount);
        ledger.creditDeposit(depositId, rec, _attest(_depositDigest(ledger, depositId, rec)));
    }

    /// @dev Halts the ledger with a valid exodus attestation (one call: the ledger's).
    function _halt() internal {
        ledger.haltForExodus(_attest(_exodusDigest(ledger)));
    }

    /// @dev The EIP-712 domain separator of a ledger, written out.
    function _domain(AssetReceiving l) internal view returns (bytes32) {
        return _eip712Domain("AssetReceiving", address(l));
    }

    /// @dev docs/protocol.md section 14.2: the digest of a DepositAttestation.
    function _depositDigest(AssetReceiving l, uint64 depositId, BridgeProtocol.DepositRecord memory rec)
        internal
        view
        returns (bytes32)
    {
        bytes32 structHash = keccak256(
            abi.encode(
                keccak256(
                    "DepositAttestation(uint256 l1ChainId,address l1Storage,uint64 depositId,address recipient,uint32 tokenId,uint128 amount,address depositor,uint64 timestamp)"
                ),
                L1_CHAIN_ID,
                l1Storage,
                depositId,
                rec.recipient,
                rec.tokenId,
                rec.amount,
                rec.depositor,
                rec.timestamp
            )
        );
        return keccak256(abi.encodePacked("\x19\x01", _domain(l), structHash));
    }

    /// @dev docs/protocol.md section 14.2: the digest of the ExodusAttestation.
    function _exodusDigest(AssetReceiving l) internal view returns (bytes32) {
        bytes32 structHash = keccak256(
            abi.encode(
                keccak256("ExodusAttestation(uint256 l1ChainId,address l1Storage)"), L1_CHAIN_ID, l1Storage
            )
        );
        return keccak256(abi.encodePacked("\x19\x01", _domain(l), structHash));
    }

    /// @dev The stored op log equals what the test expects.
    function _assertOpLog() internal view {
        assertEq(ledger.opHead(), expectedHead, "opHead");
        assertEq(ledger.opCount(), expectedOps, "opCount");
    }
}
