// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Vm} from "forge-std/Vm.sol";

import {IAssetReceiving} from "../../src/L2/IAssetReceiving.sol";
import {BridgeProtocol} from "../../src/libraries/BridgeProtocol.sol";
import {IAttesterSet} from "../../src/universal/IAttesterSet.sol";
import {L2Base} from "./L2Base.sol";

/// @notice forceWithdrawal (docs/protocol.md sections 6 and 14): an attested L1 forced withdrawal request burns
///         the owner's whole spendable balance (held units stay), logs a kind-4 op with from = to = owner (also
///         for zero), and shares the in-order request counter with credits.
contract AssetReceivingForcedTest is L2Base {
    uint8 internal constant FORCED = 4;

    function _request(address owner, uint32 tokenId)
        internal
        pure
        returns (BridgeProtocol.WithdrawalRequestRecord memory)
    {
        return BridgeProtocol.WithdrawalRequestRecord({
            owner: owner, tokenId: tokenId, timestamp: DEPOSIT_TIME + 99
        });
    }

    /// @dev docs/protocol.md section 14.2, written out: the digest of a WithdrawalRequestAttestation.
    function _requestDigest(uint64 requestId, BridgeProtocol.WithdrawalRequestRecord memory rec)
        internal
        view
        returns (bytes32)
    {
        bytes32 structHash = keccak256(
            abi.encode(
                keccak256(
                    "WithdrawalRequestAttestation(uint256 l1ChainId,address l1Storage,uint64 requestId,address owner,uint32 tokenId,uint64 timestamp)"
                ),
                L1_CHAIN_ID,
                l1Storage,
                requestId,
                rec.owner,
                rec.tokenId,
                rec.timestamp
            )
        );
        return keccak256(abi.encodePacked("\x19\x01", _domain(ledger), structHash));
    }

    function _force(uint64 requestId, BridgeProtocol.WithdrawalRequestRecord memory rec) internal {
        vm.prank(relayer);
        ledger.forceWithdrawal(requestId, rec, _attest(_requestDigest(requestId, rec)));
    }

    function test_withdrawalRequestDigest_matchesSpec() public view {
        BridgeProtocol.WithdrawalRequestRecord memory rec = _request(alice, USDC);
        assertEq(ledger.withdrawalRequestDigest(7, rec), _requestDigest(7, rec));
        assertNotEq(
            ledger.withdrawalRequestDigest(7, rec), ledger.depositDigest(7, _record(7, alice, USDC, 0))
        );
    }

    function test_forceWithdrawal_burnsWholeBalanceAndLogsKind4() public {
        _credit(alice, USDC, 1000);
        BridgeProtocol.WithdrawalRequestRecord memory rec = _request(alice, USDC);
        _expectOp(FORCED, USDC, alice, alice, 1000);
        vm.expectEmit(true, true, true, true, address(ledger));
        emit IAssetReceiving.ForcedWithdrawal(1, alice, USDC, 1000, 1);
        _force(1, rec);
        assertEq(ledger.balanceOf(alice, USDC), 0);
        assertEq(ledger.nextDepositId(), 2);
        _assertOpLog();
        assertEq(
            ledger.opHead(),
            BridgeProtocol.nextOpHead(
                BridgeProtocol.nextOpHead(bytes32(0), 1, USDC, address(0), alice, 1000),
                4,
                USDC,
                alice,
                alice,
                1000
            ),
            "op head = BridgeProtocol.nextOpHead with kind 4"
        );
    }

    function test_forceWithdrawal_takesSpendableOnlyHoldStays() public {
        _credit(alice, USDC, 1000);
        vm.prank(alice);
        uint256 holdId = ledger.hold(alice, USDC, bob, 300, 0);
        _expectOp(FORCED, USDC, alice, alice, 700);
        _force(1, _request(alice, USDC));
        assertEq(ledger.balanceOf(alice, USDC), 300);
        assertEq(ledger.heldBalanceOf(alice, USDC), 300);
        assertEq(ledger.spendableBalanceOf(alice, USDC), 0);
        // the hold still executes
        vm.prank(alice);
        ledger.executeHold(holdId, 300);
        assertEq(ledger.balanceOf(bob, USDC), 300);
    }

    function test_forceWithdrawal_zeroBalanceLogsZeroOp() public {
        vm.recordLogs();
        _force(0, _request(carol, DAI));
        _track(FORCED, DAI, carol, carol, 0);
        _assertOpLog();
        assertEq(ledger.nextDepositId(), 1);
        Vm.Log[] memory logs = vm.getRecordedLogs();
        assertEq(logs.length, 2, "OpLogged and ForcedWithdrawal, no Transfer");
        assertEq(logs[0].topics[0], IAssetReceiving.OpLogged.selector);
        assertEq(logs[1].topics[0], IAssetReceiving.ForcedWithdrawal.selector);
        assertEq(logs[1].data, abi.encode(uint128(0), uint64(0)));
    }

    function test_forceWithdrawal_everythingHeldGivesZero() public {
        _credit(alice, ETH, 5);
        vm.prank(alice);
        ledger.hold(alice, ETH, bob, 5, 0);
        _expectOp(FORCED, ETH, alice, alice, 0);
        _force(1, _request(alice, ETH));
        assertEq(ledger.balanceOf(alice, ETH), 5);
    }

    function test_forceWithdrawal_zeroRuleStaysForOtherOps() public {
        vm.expectRevert(IAssetReceiving.ZeroAmount.selector);
        vm.prank(alice);
        ledger.withdraw(ETH, 0, l1Alice);
    }

    function test_forceWithdrawal_sharesCounterWithCredits() public {
        _force(0, _request(alice, ETH));
        _credit(alice, ETH, 3); // id 1
        _force(2, _request(alice, ETH));
        assertEq(ledger.nextDepositId(), 3);
        assertEq(ledger.balanceOf(alice, ETH), 0);
    }

    function test_forceWithdrawal_replayReverts() public {
        BridgeProtocol.WithdrawalRequestRecord memory rec = _request(alice, ETH);
        _force(0, rec);
        bytes memory sigs = _attest(_requestDigest(0, rec));
        vm.expectRevert(abi.encodeWithSelector(IAssetReceiving.DepositAlreadyCredited.selector, 0, 1));
        ledger.forceWithdrawal(0, rec, sigs);
    }

    function test_forceWithdrawal_gapReverts() public {
        BridgeProtocol.WithdrawalRequestRecord memory rec = _request(alice, ETH);
        bytes memory sigs = _attest(_requestDigest(1, rec));
        vm.expectRevert(abi.encodeWithSelector(IAssetReceiving.DepositIdGap.selector, 1, 0));
        ledger.forceWithdrawal(1, rec, sigs);
    }

    function test_forceWithdrawal_haltedReverts() public {
        _halt();
        BridgeProtocol.WithdrawalRequestRecord memory rec = _request(alice, ETH);
        bytes memory sigs = _attest(_requestDigest(0, rec));
        vm.expectRevert(IAssetReceiving.LedgerHalted.selector);
        ledger.forceWithdrawal(0, rec, sigs);
    }

    function test_forceWithdrawal_forgedSignaturesRevert() public {
        BridgeProtocol.WithdrawalRequestRecord memory rec = _request(alice, ETH);
        (address forger, uint256 key) = makeAddrAndKey("forger");
        bytes memory sigs = _sig(key, _requestDigest(0, rec));
        sigs = bytes.concat(sigs, sigs);
        vm.expectRevert(abi.encodeWithSelector(IAttesterSet.SignerNotAttester.selector, 0, forger));
        ledger.forceWithdrawal(0, rec, sigs);
        // too few
        bytes memory one = _signBy(_requestDigest(0, rec), _range(0, 1));
        vm.expectRevert(abi.encodeWithSelector(IAttesterSet.TooFewSignatures.selector, 1, THRESHOLD));
        ledger.forceWithdrawal(0, rec, one);
        // a deposit attestation of the same id does not serve
        bytes memory dep = _attest(_depositDigest(ledger, 0, _record(0, alice, ETH, 1)));
        vm.expectRevert();
        ledger.forceWithdrawal(0, rec, dep);
    }

    /// @dev Signatures are over the whole record: changing any field makes them sign something else.
    function testFuzz_forceWithdrawal_wrongRecordFieldReverts(uint8 field, uint256 value) public {
        _credit(alice, USDC, 10);
        BridgeProtocol.WithdrawalRequestRecord memory rec = _request(alice, USDC);
        bytes memory sigs = _attest(_requestDigest(1, rec));
        field = uint8(bound(field, 0, 2));
        if (field == 0) rec.owner = address(uint160(bound(value, 1, type(uint160).max)) ^ uint160(alice));
        else if (field == 1) rec.tokenId = uint32(bound(value, 1, type(uint32).max)) ^ USDC;
        else rec.timestamp = uint64(bound(value, 1, type(uint64).max)) ^ rec.timestamp;
        vm.expectRevert(); // recovers some other signer: SignerNotAttester or SignersNotAscending
        ledger.forceWithdrawal(1, rec, sigs);
        assertEq(ledger.balanceOf(alice, USDC), 10);
    }
}
