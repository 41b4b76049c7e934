// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {CommonBase} from "forge-std/Base.sol";
import {StdCheats} from "forge-std/StdCheats.sol";
import {StdUtils} from "forge-std/StdUtils.sol";
import {Vm} from "forge-std/Vm.sol";

import {AssetReceiving} from "../../../src/L2/AssetReceiving.sol";
import {IAssetReceiving} from "../../../src/L2/IAssetReceiving.sol";
import {IHoldable} from "../../../src/L2/IHoldable.sol";
import {Escrow} from "../../../src/L2/examples/Escrow.sol";
import {BridgeProtocol} from "../../../src/libraries/BridgeProtocol.sol";

/// @notice Drives the ledger (and the example escrow) with valid random ops and holds, and keeps
///         running totals the invariants compare against: credited and withdrawn amounts per token
///         id, the op-log head rebuilt from the emitted `OpLogged` events alone (as the extractor
///         does), the deposit ids seen in `DepositCredited`, the held total of every owner, and
///         what the escrow's open deals hold.
/// @dev Inputs are bounded so that the ledger calls succeed; probes that must fail (replayed or
///      skipped deposit ids, debits of held units) set a ghost flag if they ever succeed, which an
///      invariant checks.
contract LedgerHandler is CommonBase, StdCheats, StdUtils {
    uint256 internal constant MAX = type(uint128).max;

    AssetReceiving public immutable ledger;
    Escrow public immutable escrow;
    address public immutable relayer = makeAddr("courier");
    uint256[] internal _attesterKeys;

    address[] internal _actors;
    uint32[] internal _ids;

    /*//////////////////////////////////////////////////////////////
                              GHOST STATE
    //////////////////////////////////////////////////////////////*/

    mapping(uint32 tokenId => uint256) public ghostCredited;
    mapping(uint32 tokenId => uint256) public ghostWithdrawn;
    mapping(uint32 tokenId => uint256) public ghostEscrowLocked;

    /// @dev Op-log head and count rebuilt from `OpLogged` events only.
    bytes32 public ghostHead;
    uint64 public ghostOps;
    /// @dev Set if an event's index or head disagrees with the rebuilt chain.
    bool public ghostEventMismatch;

    /// @dev Deposit ids in the order `DepositCredited` reported them.
    uint64[] public ghostDepositIds;
    /// @dev Set if a replayed or skipped deposit id was ever accepted.
    bool public ghostBadDepositAccepted;
    /// @dev Set if an allowance was not spent exactly as ERC-6909 says.
    bool public ghostAllowanceMismatch;

    /// @dev Set if a settled escrow deal was ever released or refunded again.
    bool public ghostDealSettledTwice;

    /// @dev Sum of the active holds (handler holds and escrow deals) of each owner, per token id.
    mapping(address owner => mapping(uint32 tokenId => uint256)) public ghostHeld;
    /// @dev Set if a transfer, transferFrom or withdrawal ever spent held units.
    bool public ghostHeldUnitsSpent;

    /// @dev Set if a forced withdrawal took anything but the whole spendable balance, or touched a hold.
    bool public ghostForcedWithdrawalWrong;

    uint256[] internal _openDeals;
    /// @dev Active holds placed by the handler's actors (escrow holds are tracked through deals).
    uint256[] internal _activeHolds;

    mapping(bytes32 action => uint256) public calls;

    constructor(AssetReceiving ledger_, Escrow escrow_, uint256[] memory attesterKeys_) {
        ledger = ledger_;
        escrow = escrow_;
        _attesterKeys = attesterKeys_;
        _actors.push(makeAddr("actor0"));
        _actors.push(makeAddr("actor1"));
        _actors.push(makeAddr("actor2"));
        _actors.push(makeAddr("actor3"));
        _ids.push(0);
        _ids.push(1);
        _ids.push(type(uint32).max);
    }

    /*//////////////////////////////////////////////////////////////
                                ACTIONS
    //////////////////////////////////////////////////////////////*/

    function credit(uint256 toSeed, uint256 idSeed, uint256 amount) external {
        address to = _actor(toSeed);
        uint32 id = _id(idSeed);
        uint256 room = MAX - ledger.balanceOf(to, id);
        if (room == 0) return;
        // casting is safe: bounded to at most 2^128 - 1
        // forge-lint: disable-next-line(unsafe-typecast)
        uint128 value = uint128(bound(amount, 1, room));

        vm.recordLogs();
        uint64 depositId = ledger.nextDepositId();
        (BridgeProtocol.DepositRecord memory rec, bytes memory sigs) = _attested(depositId, to, id, value);
        vm.prank(relayer);
        ledger.creditDeposit(depositId, rec, sigs);
        _ingest();
        ghostCredited[id] += value;
        ++calls["credit"];
    }

    function transfer(uint256 fromSeed, uint256 toSeed, uint256 idSeed, uint256 amount) external {
        (address from, uint32 id) = _funded(fromSeed, idSeed);
        address to = _actor(toSeed);
        uint256 most = _movable(from, to, id, ledger.spendableBalanceOf(from, id));
        if (most == 0) return;
        amount = bound(amount, 1, most);

        vm.recordLogs();
        vm.prank(from);
        ledger.transfer(to, id, amount);
        _ingest();
        ++calls["transfer"];
    }

    function approve(uint256 ownerSeed, uint256 spenderSeed, uint256 idSeed, uint256 amount) external {
        address owner = _actor(ownerSeed);
        address spender = _actor(spenderSeed);
        uint32 id = _id(idSeed);
        if (amount % 4 == 0) amount = type(uint256).max;
        vm.prank(owner);
        ledger.approve(spender, id, amount);
        ++calls["approve"];
    }

    function setOperator(uint256 ownerSeed, uint256 spenderSeed, bool approved) external {
        address owner = _actor(ownerSeed);
        address spender = _actor(spenderSeed);
        vm.prank(owner);
        ledger.setOperator(spender, approved);
        ++calls["setOperator"];
    }

    function transferFrom(
        uint256 spenderSeed,
        uint256 ownerSeed,
        uint256 toSeed,
        uint256 idSeed,
        uint256 amount
    ) external {
        (address owner, uint32 id) = _funded(ownerSeed, idSeed);
        address spender = _authorised(owner, id, spenderSeed);
        address to = _actor(toSeed);
        bool free = spender == owner || ledger.isOperator(owner, spender);
        uint256 allowed = ledger.allowance(owner, spender, id);
        uint256 most = ledger.spendableBalanceOf(owner, id);
        if (!free && allowed < most) most = allowed;
        most = _movable(owner, to, id, most);
        if (most == 0) return;
        amount = bound(amount, 1, most);

        vm.recordLogs();
        vm.prank(spender);
        ledger.transferFrom(owner, to, id, amount);
        _ingest();

        uint256 expected = (free || allowed == type(uint256).max) ? allowed : allowed - amount;
        if (ledger.allowance(owner, spender, id) != expected) ghostAllowanceMismatch = true;
        ++calls["transferFrom"];
    }

    function withdraw(uint256 fromSeed, uint256 idSeed, uint256 amount, address l1Recipient) external {
        (address from, uint32 id) = _funded(fromSeed, idSeed);
        if (l1Recipient == address(0)) l1Recipient = from;
        uint256 balance = ledger.spendableBalanceOf(from, id);
        if (balance == 0) return;
        // casting is safe: balances never exceed 2^128 - 1
        // forge-lint: disable-next-line(unsafe-typecast)
        uint128 value = uint128(bound(amount, 1, balance));

        vm.recordLogs();
        vm.prank(from);
        ledger.withdraw(id, value, l1Recipient);
        _ingest();
        ghostWithdrawn[id] += value;
        ++calls["withdraw"];
    }

    /// @notice Serves an attested L1 forced withdrawal request of an actor: burns exactly its spendable
    ///         balance (possibly zero, logged as a zero op), held units stay.
    function forceWithdrawal(uint256 ownerSeed, uint256 idSeed) external {
        address owner = _actor(ownerSeed);
        uint32 id = _id(idSeed);
        uint256 balance = ledger.balanceOf(owner, id);
        uint256 held = ledger.heldBalanceOf(owner, id);
        uint64 requestId = ledger.nextDepositId();
        BridgeProtocol.WithdrawalRequestRecord memory rec =
            BridgeProtocol.WithdrawalRequestRecord({owner: owner, tokenId: id, timestamp: requestId});
        bytes memory sigs = _sign(ledger.withdrawalRequestDigest(requestId, rec));

        vm.recordLogs();
        vm.prank(relayer);
        ledger.forceWithdrawal(requestId, rec, sigs);
        _ingest();
        if (ledger.balanceOf(owner, id) != held || ledger.heldBalanceOf(owner, id) != held) {
            ghostForcedWithdrawalWrong = true;
        }
        ghostWithdrawn[id] += balance - held;
        ++calls[balance == held ? bytes32("forceWithdrawalZero") : bytes32("forceWithdrawal")];
    }

    function escrowOpen(
        uint256 buyerSeed,
        uint256 sellerSeed,
        uint256 idSeed,
        uint256 amount,
        bool asOperator
    ) external {
        (address buyer, uint32 id) = _funded(buyerSeed, idSeed);
        address seller = _actor(sellerSeed);
        if (seller == buyer) seller = _actors[(sellerSeed % _actors.length + 1) % _actors.length];
        uint256 most = ledger.spendableBalanceOf(buyer, id);
        if (most == 0) return;
        // casting is safe: bounded to a balance, at most 2^128 - 1
        // forge-lint: disable-next-line(unsafe-typecast)
        uint128 value = uint128(bound(amount, 1, most));

        vm.startPrank(buyer);
        if (asOperator) ledger.setOperator(address(escrow), true);
        else if (!ledger.isOperator(buyer, address(escrow))) ledger.approve(address(escrow), id, value);
        vm.recordLogs();
        uint256 dealId = escrow.open(seller, id, value, uint40(block.timestamp + 1 days));
        vm.stopPrank();
        _ingest();

        _openDeals.push(dealId);
        ghostEscrowLocked[id] += value;
        ghostHeld[buyer][id] += value;
        ++calls["escrowOpen"];
    }

    function escrowSettle(uint256 dealSeed, bool release) external {
        if (_openDeals.length == 0) return;
        uint256 index = dealSeed % _openDeals.length;
        uint256 dealId = _openDeals[index];
        Escrow.Deal memory deal = escrow.getDeal(dealId);
        // an expired deal can only be refunded (the ledger refuses to execute an expired hold)
        if (block.timestamp >= deal.deadline) release = false;
        if (release && _movable(deal.buyer, deal.seller, deal.tokenId, deal.amount) < deal.amount) return;

        vm.recordLogs();
        vm.prank(release ? deal.buyer : deal.seller);
        if (release) escrow.release(dealId);
        else escrow.refund(dealId);
        _ingest();

        _openDeals[index] = _openDeals[_openDeals.length - 1];
        _openDeals.pop();
        ghostEscrowLocked[deal.tokenId] -= deal.amount;
        ghostHeld[deal.buyer][deal.tokenId] -= deal.amount;

        // a settled deal never pays again, whoever asks
        vm.prank(deal.buyer);
        try escrow.release(dealId) {
            ghostDealSettledTwice = true;
        } catch {}
        vm.prank(deal.seller);
        try escrow.refund(dealId) {
            ghostDealSettledTwice = true;
        } catch {}
        ++calls["escrowSettle"];
    }

    /// @dev `holder` (the owner, an operator or a spender) holds part of `owner`'s spendable balance;
    ///      `seed` picks owner and token id, holder (bits 8..) and beneficiary (bits 16..).
    function placeHold(uint256 seed, uint256 amount, uint256 expirySeed) external {
        (address owner, uint32 id) = _funded(seed, seed >> 24);
        address holder = _authorised(owner, id, seed >> 8);
        (uint256 most, uint256 expected) = _holdable(owner, holder, id, amount);
        if (most == 0) return;
        // casting is safe: bounded to a balance, at most 2^128 - 1
        // forge-lint: disable-next-line(unsafe-typecast)
        uint128 value = uint128(bound(amount, 1, most));
        _place(owner, id, holder, _actor(seed >> 16), value, expirySeed);
        if (ledger.allowance(owner, holder, id) != expected) ghostAllowanceMismatch = true;
        ++calls["placeHold"];
    }

    /// @dev Places the hold (expiry: none for a third of the seeds, else within two days) and tracks it.
    function _place(
        address owner,
        uint32 id,
        address holder,
        address beneficiary,
        uint128 value,
        uint256 expirySeed
    ) internal {
        // casting is safe: a timestamp plus at most two days
        // forge-lint: disable-next-line(unsafe-typecast)
        uint40 expiresAt = expirySeed % 3 == 0 ? 0 : uint40(block.timestamp + bound(expirySeed, 1, 2 days));
        vm.prank(holder);
        uint256 holdId = ledger.hold(owner, id, beneficiary, value, expiresAt);
        _activeHolds.push(holdId);
        ghostHeld[owner][id] += value;
    }

    /// @dev The holder executes an unexpired hold, for up to its amount.
    function executeHold(uint256 holdSeed, uint256 amount) external {
        if (_activeHolds.length == 0) return;
        uint256 index = holdSeed % _activeHolds.length;
        IHoldable.Hold memory h = ledger.getHold(_activeHolds[index]);
        if (h.expiresAt != 0 && block.timestamp >= h.expiresAt) return;
        uint256 most = _movable(h.owner, h.beneficiary, h.tokenId, h.amount);
        if (most == 0) return;
        // casting is safe: bounded to a hold amount
        // forge-lint: disable-next-line(unsafe-typecast)
        uint128 value = uint128(bound(amount, 1, most));

        vm.recordLogs();
        vm.prank(h.holder);
        ledger.executeHold(_activeHolds[index], value);
        _ingest();
        _dropHold(index, h);
        ++calls["executeHold"];
    }

    /// @dev The holder releases a hold, or anyone does once it expired.
    function releaseHold(uint256 holdSeed, uint256 callerSeed) external {
        if (_activeHolds.length == 0) return;
        uint256 index = holdSeed % _activeHolds.length;
        IHoldable.Hold memory h = ledger.getHold(_activeHolds[index]);
        bool expired = h.expiresAt != 0 && block.timestamp >= h.expiresAt;
        vm.prank(expired ? _actor(callerSeed) : h.holder);
        ledger.releaseHold(_activeHolds[index]);
        _dropHold(index, h);
        ++calls["releaseHold"];
    }

    /// @dev Time passes (holds and deals expire).
    function warp(uint256 secondsSeed) external {
        vm.warp(block.timestamp + bound(secondsSeed, 1, 1 days));
        ++calls["warp"];
    }

    /// @dev Probe: a transfer, transferFrom (as an operator) or withdrawal of one unit more than the
    ///      spendable balance must fail whenever some of the balance is held.
    function spendHeld(uint256 ownerSeed, uint256 idSeed, uint8 path) external {
        (address owner, uint32 id) = _funded(ownerSeed, idSeed);
        if (ledger.heldBalanceOf(owner, id) == 0) return;
        uint256 amount = ledger.spendableBalanceOf(owner, id) + 1;
        address other = _actors[(ownerSeed + 1) % _actors.length];
        if (path % 3 == 0) {
            vm.prank(owner);
            try ledger.transfer(other, id, amount) {
                ghostHeldUnitsSpent = true;
            } catch {}
        } else if (path % 3 == 1) {
            vm.prank(owner);
            ledger.setOperator(other, true);
            vm.prank(other);
            try ledger.transferFrom(owner, other, id, amount) {
                ghostHeldUnitsSpent = true;
            } catch {}
        } else {
            vm.prank(owner);
            // casting is safe: amount <= balance <= 2^128 - 1
            // forge-lint: disable-next-line(unsafe-typecast)
            try ledger.withdraw(id, uint128(amount), owner) {
                ghostHeldUnitsSpent = true;
            } catch {}
        }
        ++calls["spendHeld"];
    }

    /// @dev Probe: a deposit id already credited must never be accepted again.
    function replayCredit(uint256 idSeed) external {
        uint64 next = ledger.nextDepositId();
        if (next == 0) return;
        // casting is safe: bounded below a uint64
        // forge-lint: disable-next-line(unsafe-typecast)
        uint64 depositId = uint64(bound(idSeed, 0, next - 1));
        (BridgeProtocol.DepositRecord memory rec, bytes memory sigs) = _attested(depositId, _actors[0], 0, 1);
        vm.prank(relayer);
        try ledger.creditDeposit(depositId, rec, sigs) {
            ghostBadDepositAccepted = true;
        } catch {}
        ++calls["replayCredit"];
    }

    /// @dev Probe: a deposit id beyond the next one must never be accepted.
    function skipCredit(uint256 idSeed) external {
        uint64 next = ledger.nextDepositId();
        // casting is safe: bounded to a uint64
        // forge-lint: disable-next-line(unsafe-typecast)
        uint64 depositId = uint64(bound(idSeed, uint256(next) + 1, type(uint64).max));
        (BridgeProtocol.DepositRecord memory rec, bytes memory sigs) = _attested(depositId, _actors[0], 0, 1);
        vm.prank(relayer);
        try ledger.creditDeposit(depositId, rec, sigs) {
            ghostBadDepositAccepted = true;
        } catch {}
        ++calls["skipCredit"];
    }

    /*//////////////////////////////////////////////////////////////
                                 VIEWS
    //////////////////////////////////////////////////////////////*/

    function actors() external view returns (address[] memory) {
        return _actors;
    }

    function ids() external view returns (uint32[] memory) {
        return _ids;
    }

    function depositIdCount() external view returns (uint256) {
        return ghostDepositIds.length;
    }

    function openDeals() external view returns (uint256[] memory) {
        return _openDeals;
    }

    /*//////////////////////////////////////////////////////////////
                               INTERNALS
    //////////////////////////////////////////////////////////////*/

    function _actor(uint256 seed) internal view returns (address) {
        return _actors[seed % _actors.length];
    }

    function _id(uint256 seed) internal view returns (uint32) {
        return _ids[seed % _ids.length];
    }

    /// @dev The first (actor, id) pair with a balance, scanning from the seeds; else the seeded pair.
    function _funded(uint256 actorSeed, uint256 idSeed) internal view returns (address, uint32) {
        uint256 pairs = _actors.length * _ids.length;
        for (uint256 k; k < pairs; ++k) {
            address actor = _actors[(actorSeed % _actors.length + k) % _actors.length];
            uint32 id = _ids[(idSeed % _ids.length + k / _actors.length) % _ids.length];
            if (ledger.balanceOf(actor, id) > 0) return (actor, id);
        }
        return (_actor(actorSeed), _id(idSeed));
    }

    /// @dev The most `holder` may hold of `owner`'s `id`, and the allowance it must have left after
    ///      holding the bounded `amount` (ERC-6909 semantics: operators, owners and infinite
    ///      allowances spend nothing).
    function _holdable(address owner, address holder, uint32 id, uint256 amount)
        internal
        view
        returns (uint256 most, uint256 expectedAllowance)
    {
        bool free = holder == owner || ledger.isOperator(owner, holder);
        uint256 allowed = ledger.allowance(owner, holder, id);
        most = ledger.spendableBalanceOf(owner, id);
        if (!free && allowed < most) most = allowed;
        if (most == 0) return (0, allowed);
        uint256 value = bound(amount, 1, most);
        expectedAllowance = (free || allowed == type(uint256).max) ? allowed : allowed - value;
    }

    /// @dev Forgets the active hold at `index` of `_activeHolds`.
    function _dropHold(uint256 index, IHoldable.Hold memory h) internal {
        _activeHolds[index] = _activeHolds[_activeHolds.length - 1];
        _activeHolds.pop();
        ghostHeld[h.owner][h.tokenId] -= h.amount;
    }

    /// @dev The first actor from the seed that may move `owner`'s `id` (operator, allowance, or owner).
    function _authorised(address owner, uint32 id, uint256 seed) internal view returns (address) {
        for (uint256 k; k < _actors.length; ++k) {
            address spender = _actors[(seed % _actors.length + k) % _actors.length];
            if (
                spender == owner || ledger.isOperator(owner, spender)
                    || ledger.allowance(owner, spender, id) > 0
            ) return spender;
        }
        return owner;
    }

    /// @dev How much of `available` can move from `from` to `to` without breaking the 128-bit cap.
    function _movable(address from, address to, uint32 id, uint256 available)
        internal
        view
        returns (uint256)
    {
        if (from == to) return available;
        uint256 room = MAX - ledger.balanceOf(to, id);
        return available < room ? available : room;
    }

    /// @dev Rebuilds the op-log head from the `OpLogged` events just emitted and records the
    ///      deposit ids of `DepositCredited`.
    function _ingest() internal {
        Vm.Log[] memory logs = vm.getRecordedLogs();
        for (uint256 i; i < logs.length; ++i) {
            Vm.Log memory log = logs[i];
            if (log.emitter != address(ledger)) continue;
            if (log.topics[0] == IAssetReceiving.OpLogged.selector) {
                uint64 opIndex = uint64(uint256(log.topics[1]));
                uint8 kind = uint8(uint256(log.topics[2]));
                uint32 tokenId = uint32(uint256(log.topics[3]));
                (address from, address to, uint128 amount, bytes32 head) =
                    abi.decode(log.data, (address, address, uint128, bytes32));
                ghostHead = keccak256(abi.encode(ghostHead, kind, tokenId, from, to, amount));
                if (opIndex != ghostOps || head != ghostHead) ghostEventMismatch = true;
                ++ghostOps;
            } else if (
                log.topics[0] == IAssetReceiving.DepositCredited.selector
                    || log.topics[0] == IAssetReceiving.ForcedWithdrawal.selector
            ) {
                ghostDepositIds.push(uint64(uint256(log.topics[1])));
            }
        }
    }

    /// @dev A record for deposit `depositId` and the threshold's first attesters' signatures of it.
    function _attested(uint64 depositId, address to, uint32 id, uint128 value)
        internal
        view
        returns (BridgeProtocol.DepositRecord memory rec, bytes memory sigs)
    {
        rec = BridgeProtocol.DepositRecord({
            recipient: to, tokenId: id, amount: value, depositor: address(this), timestamp: depositId
        });
        sigs = _sign(ledger.depositDigest(depositId, rec));
    }

    /// @dev The threshold's first attesters' signatures of `digest`.
    function _sign(bytes32 digest) internal view returns (bytes memory sigs) {
        for (uint256 k = 0; k < ledger.attesterThreshold(); k++) {
            (uint8 v, bytes32 r, bytes32 s) = vm.sign(_attesterKeys[k], digest);
            sigs = bytes.concat(sigs, abi.encodePacked(r, s, v));
        }
    }
}
