// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {console2} from "forge-std/console2.sol";

import {AssetStorage} from "../../src/L1/AssetStorage.sol";
import {IAssetStorage} from "../../src/L1/IAssetStorage.sol";
import {BridgeProtocol} from "../../src/libraries/BridgeProtocol.sol";
import {AssetStorageBase} from "./AssetStorageBase.sol";
import {AssetStorageHandler} from "./handlers/AssetStorageHandler.sol";
import {FeeOnTransferERC20} from "./mocks/TestTokens.sol";
import {PoseidonTree} from "./utils/PoseidonTree.sol";

/// @notice Invariants of AssetStorage (listed in test/PROPERTIES.md, section L1) under random sequences of
///         deposits (ETH, a plain ERC-20, a 1% fee-on-transfer ERC-20), forced withdrawal requests, honest
///         batches with deposits, forced withdrawals (zero ones included), withdrawals and transfers, claims, time, exodus, exits and cancels.
contract AssetStorageInvariantTest is AssetStorageBase {
    uint64 internal constant EXODUS_DEADLINE = 1 hours;

    AssetStorageHandler internal handler;
    FeeOnTransferERC20 internal feeToken;

    function setUp() public override {
        super.setUp();
        // Depth 4 keeps the handler's Poseidon mirror cheap; a one-hour deadline lets exodus happen in a
        // good share of the runs (the handler warps up to an hour at a time).
        IAssetStorage.DeployParams memory p = _params(address(mockVerifier), BATCH, 4);
        p.priorityDeadline = EXODUS_DEADLINE;
        bridge = new AssetStorage(governor, p);
        assertEq(bridge.stateRoot(), PoseidonTree.emptyRoot(4));
        feeToken = new FeeOnTransferERC20(100);
        _dock(address(token));
        _dock(address(feeToken));
        handler = new AssetStorageHandler(bridge, attesterKeys, token, feeToken);

        // Weights: batches, time and the exodus paths run more often than the rest.
        bytes4[] memory selectors = new bytes4[](14);
        selectors[0] = handler.depositETH.selector;
        selectors[1] = handler.depositERC20.selector;
        selectors[2] = handler.submitBatch.selector;
        selectors[3] = handler.submitBatch.selector;
        selectors[4] = handler.claim.selector;
        selectors[5] = handler.warp.selector;
        selectors[6] = handler.warp.selector;
        selectors[7] = handler.activateExodus.selector;
        selectors[8] = handler.exit.selector;
        selectors[9] = handler.exit.selector;
        selectors[10] = handler.cancelDeposit.selector;
        selectors[11] = handler.cancelDeposit.selector;
        selectors[12] = handler.claim.selector;
        selectors[13] = handler.requestWithdrawal.selector;
        targetSelector(FuzzSelector({addr: address(handler), selectors: selectors}));
        targetContract(address(handler));
    }

    /*//////////////////////////////////////////////////////////////
                               SOLVENCY
    //////////////////////////////////////////////////////////////*/

    /// @custom:invariant For every token, the contract holds at least the pending withdrawals, plus the
    ///                   deposits neither consumed nor cancelled, plus the balances of the last proven root
    ///                   that have not exited (what exodus can still pay).
    function invariant_solvency() public view {
        for (uint32 t = 0; t < handler.TOKENS(); t++) {
            (uint256 held, uint256 owed) = _heldAndOwed(t);
            assertGe(held, owed, "held < owed");
        }
    }

    /// @custom:invariant The accounting is exact: with no tokens sent around the bridge, held == owed for every
    ///                   token (nothing is created or lost, fee-on-transfer tokens included).
    function invariant_accountingIsExact() public view {
        for (uint32 t = 0; t < handler.TOKENS(); t++) {
            (uint256 held, uint256 owed) = _heldAndOwed(t);
            assertEq(held, owed, "held != owed");
        }
    }

    /// @custom:invariant Total paid out never exceeds what was locked, per token.
    function invariant_paidOutNeverExceedsLocked() public view {
        for (uint32 t = 0; t < handler.TOKENS(); t++) {
            assertLe(handler.paidOut(t), handler.locked(t));
        }
    }

    /// @custom:invariant pendingWithdrawals equals what batches, exits and cancels credited minus what was
    ///                   claimed, for every account and token.
    function invariant_pendingMatchesCredits() public view {
        for (uint256 a = 0; a < handler.ACTORS(); a++) {
            address account = handler.actor(a);
            for (uint32 t = 0; t < handler.TOKENS(); t++) {
                assertEq(bridge.pendingWithdrawals(account, t), handler.expectedPending(account, t));
            }
        }
    }

    /*//////////////////////////////////////////////////////////////
                          QUEUE AND EXODUS
    //////////////////////////////////////////////////////////////*/

    /// @custom:invariant A stored request hash and timestamp never change once written: the hash is the full
    ///                   256-bit hash of the record emitted for that deposit or forced withdrawal request.
    function invariant_requestHashesNeverChange() public view {
        uint256 n = handler.recordCount();
        assertEq(bridge.depositCount(), n);
        for (uint64 id = 0; id < n; id++) {
            assertEq(bridge.requestHashes(id), handler.requestHash(id));
            assertEq(bridge.requestTimestamp(id), handler.record(id).timestamp);
        }
        assertEq(bridge.requestHashes(uint64(n)), bytes32(0));
        assertEq(bridge.requestTimestamp(uint64(n)), 0);
    }

    /// @custom:invariant Supply bound: for every token, tokenSupply equals the deposits queued minus the
    ///                   withdrawals (regular and forced) proven, so it bounds every L2 balance.
    function invariant_tokenSupplyIsDepositsMinusWithdrawals() public view {
        for (uint32 t = 0; t < handler.TOKENS(); t++) {
            assertEq(bridge.tokenSupply(t), handler.locked(t) - handler.withdrawnProven(t), "tokenSupply");
        }
    }

    /// @custom:invariant processedDeposits and batchCount only grow, and processedDeposits <= depositCount.
    function invariant_countersOnlyGrow() public view {
        assertFalse(handler.counterWentBack(), "a counter went back");
        assertLe(bridge.processedDeposits(), bridge.depositCount());
    }

    /// @custom:invariant No deposit is both consumed by a batch and cancelled; none is cancelled twice.
    function invariant_noDepositConsumedAndCancelled() public view {
        uint64 processed = bridge.processedDeposits();
        for (uint64 id = 0; id < handler.recordCount(); id++) {
            uint256 c = handler.cancelCount(id);
            assertLe(c, 1, "cancelled twice");
            assertEq(bridge.depositCancelled(id), c == 1);
            if (id < processed) assertEq(c, 0, "consumed and cancelled");
        }
    }

    /// @custom:invariant No slot exits twice.
    function invariant_noSlotExitsTwice() public view {
        for (uint256 s = 0; s < handler.LEAVES(); s++) {
            uint256 c = handler.exitCount(s);
            assertLe(c, 1, "exited twice");
            assertEq(bridge.slotExited(s), c == 1);
        }
    }

    /// @custom:invariant Exodus opens only once the oldest unprocessed request is past the deadline; after it,
    ///                   the root, op chain, batch count and the queue never change, no batch or deposit is
    ///                   accepted, and no forged exit, double exit, double cancel or empty claim succeeds.
    function invariant_exodusFreezesState() public view {
        assertFalse(handler.exodusOpenedEarly(), "exodus opened early");
        assertFalse(handler.forbiddenCallSucceeded(), "a call that must fail succeeded");
        if (!bridge.exodusMode()) return;
        assertEq(bridge.stateRoot(), handler.exodusRoot());
        assertEq(bridge.batchCount(), handler.exodusBatchCount());
        assertEq(bridge.processedDeposits(), handler.exodusProcessed());
        assertEq(bridge.depositCount(), handler.exodusDepositCount());
    }

    /// @custom:invariant Liveness: every honest action succeeds (deposits before exodus, honest batches, claims
    ///                   of a pending amount, exodus once due, first exits of proven slots, first cancels of
    ///                   unprocessed deposits).
    function invariant_honestActionsSucceed() public view {
        assertEq(handler.honestFailure(), "", "an honest action reverted");
    }

    /// @custom:invariant The proven root is the root of the operator's mirror of L2 (the handler is honest).
    function invariant_provenRootIsMirrorRoot() public view {
        assertEq(bridge.stateRoot(), handler.root());
    }

    /*//////////////////////////////////////////////////////////////
                                HELPERS
    //////////////////////////////////////////////////////////////*/

    /// @dev held: the bridge's balance of token t. owed: pending withdrawals of every actor, plus deposits not
    ///      consumed and not cancelled, plus mirror balances (= last proven root) of slots not exited.
    function _heldAndOwed(uint32 t) internal view returns (uint256 held, uint256 owed) {
        held = t == ETH
            ? address(bridge).balance
            : FeeOnTransferERC20(handler.tokenAddress(t)).balanceOf(address(bridge));
        for (uint256 a = 0; a < handler.ACTORS(); a++) {
            owed += bridge.pendingWithdrawals(handler.actor(a), t);
        }
        for (uint64 id = bridge.processedDeposits(); id < handler.recordCount(); id++) {
            BridgeProtocol.DepositRecord memory rec = handler.record(id);
            if (rec.tokenId == t && !bridge.depositCancelled(id)) owed += rec.amount;
        }
        for (uint256 s = 0; s < handler.slotCount(); s++) {
            AssetStorageHandler.Slot memory sl = handler.slot(s);
            if (sl.tokenId == t && !bridge.slotExited(s)) owed += sl.balance;
        }
    }

    /// @dev Coverage aid (shown with -vv): how often each action succeeded in the last run.
    function afterInvariant() public view {
        bytes32[13] memory names = [
            bytes32("depositETH"),
            "depositERC20",
            "requestWithdrawal",
            "forcedWithdrawalPaid",
            "forcedWithdrawalZero",
            "submitBatch",
            "batchWithDeposits",
            "batchWithL2Ops",
            "claim",
            "activateExodus",
            "exit",
            "cancelDeposit",
            "warp"
        ];
        for (uint256 i = 0; i < names.length; i++) {
            console2.log(string(abi.encodePacked(names[i])), handler.succeeded(names[i]));
        }
    }
}
