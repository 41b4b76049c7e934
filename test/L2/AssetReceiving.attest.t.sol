// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

import {AssetReceiving} from "../../src/L2/AssetReceiving.sol";
import {BridgeProtocol} from "../../src/libraries/BridgeProtocol.sol";
import {IAttesterSet} from "../../src/universal/IAttesterSet.sol";
import {L2Base} from "./L2Base.sol";

/// @notice `creditDeposit` and `haltForExodus` are authorised by M-of-N attester signatures over the whole
///         deposit record (docs/protocol.md section 14): no relayer key can mint or freeze on its own.
contract AssetReceivingAttestTest is L2Base {
    /*//////////////////////////////////////////////////////////////
                                DIGESTS
    //////////////////////////////////////////////////////////////*/

    function testFuzz_depositDigest_isTheWrittenOutEip712Digest(
        uint64 id,
        address to,
        uint32 tokenId,
        uint128 amount,
        address depositor,
        uint64 time
    ) public view {
        BridgeProtocol.DepositRecord memory rec =
            BridgeProtocol.DepositRecord(to, tokenId, amount, depositor, time);
        assertEq(ledger.depositDigest(id, rec), _depositDigest(ledger, id, rec));
    }

    function test_exodusDigest_isTheWrittenOutEip712Digest() public view {
        assertEq(ledger.exodusDigest(), _exodusDigest(ledger));
        assertEq(ledger.domainSeparator(), _domain(ledger));
    }

    /*//////////////////////////////////////////////////////////////
                           CREDIT ATTESTATION
    //////////////////////////////////////////////////////////////*/

    /// @dev The attack of issue 16: a relayer credits a deposit that never happened, signed by its own key.
    function test_creditDeposit_revertsOnADepositSignedByAnOutsider() public {
        (address outsider, uint256 key) = makeAddrAndKey("dishonest relayer");
        BridgeProtocol.DepositRecord memory rec = _record(0, outsider, ETH, 1000 ether);
        bytes memory sigs = _sig(key, _depositDigest(ledger, 0, rec));
        vm.prank(outsider);
        vm.expectRevert(abi.encodeWithSelector(IAttesterSet.TooFewSignatures.selector, 1, THRESHOLD));
        ledger.creditDeposit(0, rec, sigs);
        assertEq(ledger.balanceOf(outsider, ETH), 0);
        _assertOpLog();
    }

    function test_creditDeposit_revertsBelowThreshold() public {
        BridgeProtocol.DepositRecord memory rec = _record(0, alice, ETH, 1);
        bytes memory one = _signBy(_depositDigest(ledger, 0, rec), _range(1, 2));
        vm.expectRevert(abi.encodeWithSelector(IAttesterSet.TooFewSignatures.selector, 1, THRESHOLD));
        ledger.creditDeposit(0, rec, one);
    }

    function test_creditDeposit_acceptsAllThreeAttesters() public {
        BridgeProtocol.DepositRecord memory rec = _record(0, alice, ETH, 7);
        ledger.creditDeposit(0, rec, _signBy(_depositDigest(ledger, 0, rec), _range(0, 3)));
        assertEq(ledger.balanceOf(alice, ETH), 7);
    }

    /// @dev Changing any field of an attested record breaks every signature.
    function testFuzz_creditDeposit_revertsOnATamperedRecord(uint8 field, uint128 delta) public {
        BridgeProtocol.DepositRecord memory signed = _record(0, alice, USDC, 500);
        bytes memory sigs = _attest(_depositDigest(ledger, 0, signed));
        BridgeProtocol.DepositRecord memory sent = _record(0, alice, USDC, 500);
        field = uint8(bound(field, 0, 4));
        delta = uint128(bound(delta, 1, uint128(type(uint32).max / 2)));
        if (field == 0) sent.recipient = bob;
        if (field == 1) sent.tokenId = USDC + uint32(delta);
        if (field == 2) sent.amount = 500 + delta;
        if (field == 3) sent.depositor = carol;
        if (field == 4) sent.timestamp = signed.timestamp + uint64(delta);
        vm.expectRevert(); // SignerNotAttester of whatever the signature recovers to over the other record
        ledger.creditDeposit(0, sent, sigs);
        assertEq(ledger.nextDepositId(), 0);
    }

    function test_creditDeposit_revertsOnSignaturesForAnotherDepositId() public {
        _credit(alice, ETH, 1); // deposit 0
        BridgeProtocol.DepositRecord memory rec = _record(0, alice, ETH, 1);
        bytes memory replay = _attest(_depositDigest(ledger, 0, rec));
        vm.expectRevert(); // the digest of deposit 1 differs: recovered signers are outsiders
        ledger.creditDeposit(1, rec, replay);
        assertEq(ledger.nextDepositId(), 1);
    }

    function test_creditDeposit_revertsOnSignaturesForAnotherLedgerOrChain() public {
        AssetReceiving other =
            new AssetReceiving(governor, L1_CHAIN_ID, l1Storage, attesterSet, THRESHOLD, GOVERNANCE_DELAY);
        BridgeProtocol.DepositRecord memory rec = _record(0, alice, ETH, 1);
        bytes memory forOther = _attest(_depositDigest(other, 0, rec));
        vm.expectRevert();
        ledger.creditDeposit(0, rec, forOther);

        uint256 here = block.chainid;
        vm.chainId(1);
        bytes memory forChain1 = _attest(_depositDigest(ledger, 0, rec));
        vm.chainId(here);
        vm.expectRevert();
        ledger.creditDeposit(0, rec, forChain1);
        assertEq(ledger.nextDepositId(), 0);
    }

    function test_creditDeposit_revertsOnHighSAndWrongV() public {
        BridgeProtocol.DepositRecord memory rec = _record(0, alice, ETH, 1);
        bytes32 digest = _depositDigest(ledger, 0, rec);
        bytes memory s0 = _sig(attesterKeys[0], digest);
        vm.expectRevert(abi.encodeWithSelector(IAttesterSet.InvalidSignature.selector, 1));
        ledger.creditDeposit(0, rec, bytes.concat(s0, _highS(_sig(attesterKeys[1], digest))));
        bytes memory s1 = _sig(attesterKeys[1], digest);
        s1[64] = bytes1(uint8(1));
        vm.expectRevert(abi.encodeWithSelector(IAttesterSet.InvalidSignature.selector, 1));
        ledger.creditDeposit(0, rec, bytes.concat(s0, s1));
    }

    function test_creditDeposit_revertsOnDuplicateOrUnsortedSigners() public {
        BridgeProtocol.DepositRecord memory rec = _record(0, alice, ETH, 1);
        bytes32 digest = _depositDigest(ledger, 0, rec);
        bytes memory s0 = _sig(attesterKeys[0], digest);
        bytes memory s1 = _sig(attesterKeys[1], digest);
        vm.expectRevert(abi.encodeWithSelector(IAttesterSet.SignersNotAscending.selector, 1));
        ledger.creditDeposit(0, rec, bytes.concat(s1, s1));
        vm.expectRevert(abi.encodeWithSelector(IAttesterSet.SignersNotAscending.selector, 1));
        ledger.creditDeposit(0, rec, bytes.concat(s1, s0));
    }

    /*//////////////////////////////////////////////////////////////
                              SET CHANGES
    //////////////////////////////////////////////////////////////*/

    function test_setChange_appliesOnlyAfterTheDelay() public {
        (address next, uint256 nextKey) = makeAddrAndKey("next attester");
        address[] memory set = new address[](1);
        set[0] = next;
        vm.prank(governor);
        ledger.proposeAttesterSet(set, 1);
        vm.prank(governor);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAttesterSet.GovernanceDelayNotElapsed.selector, uint64(block.timestamp) + GOVERNANCE_DELAY
            )
        );
        ledger.applyAttesterSet();

        vm.warp(block.timestamp + GOVERNANCE_DELAY);
        vm.prank(governor);
        ledger.applyAttesterSet();
        BridgeProtocol.DepositRecord memory rec = _record(0, alice, ETH, 3);
        bytes32 digest = _depositDigest(ledger, 0, rec);
        vm.expectRevert(abi.encodeWithSelector(IAttesterSet.SignerNotAttester.selector, 0, attesterSet[0]));
        ledger.creditDeposit(0, rec, _attest(digest));
        ledger.creditDeposit(0, rec, _sig(nextKey, digest));
        assertEq(ledger.balanceOf(alice, ETH), 3);
    }

    function test_setChange_onlyTheGovernorAndCancel() public {
        address[] memory set = new address[](1);
        set[0] = alice;
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, stranger));
        ledger.proposeAttesterSet(set, 1);
        vm.prank(governor);
        ledger.proposeAttesterSet(set, 1);
        vm.prank(governor);
        ledger.cancelAttesterSet();
        vm.warp(block.timestamp + GOVERNANCE_DELAY);
        vm.prank(governor);
        vm.expectRevert(IAttesterSet.NoPendingAttesterSet.selector);
        ledger.applyAttesterSet();
        assertEq(ledger.attesters(), attesterSet);
    }
}
