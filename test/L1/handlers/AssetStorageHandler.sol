// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {CommonBase} from "forge-std/Base.sol";
import {StdCheats} from "forge-std/StdCheats.sol";
import {StdUtils} from "forge-std/StdUtils.sol";
import {PoseidonT5} from "poseidon-solidity/PoseidonT5.sol";

import {AssetStorage} from "../../../src/L1/AssetStorage.sol";
import {IAssetStorage} from "../../../src/L1/IAssetStorage.sol";
import {BridgeProtocol} from "../../../src/libraries/BridgeProtocol.sol";
import {MockERC20} from "../mocks/TestTokens.sol";
import {PoseidonTree} from "../utils/PoseidonTree.sol";

/// @title AssetStorageHandler
/// @notice Drives an AssetStorage (depth 4, batch size 4, verifier that accepts everything) through deposits,
///         forced withdrawal requests, honest batches (with their op data), claims, time, exodus, exits and
///         cancels, and keeps running totals for the
///         invariants. It plays the honest operator: it mirrors the L2 state in a depth-4 Poseidon tree and
///         proves exactly that tree, so every batch it submits is one a real prover could prove.
/// @dev Actions that an honest actor expects to succeed are made with try/catch and recorded as failures
///      when they revert (a liveness property); actions that must fail set a flag if they succeed.
contract AssetStorageHandler is CommonBase, StdCheats, StdUtils {
    /*//////////////////////////////////////////////////////////////
                               CONSTANTS
    //////////////////////////////////////////////////////////////*/

    uint256 internal constant R =
        21_888_242_871_839_275_222_246_405_745_257_275_088_548_364_400_416_034_343_698_204_186_575_808_495_617;
    uint256 public constant DEPTH = 4;
    uint256 public constant LEAVES = 16;
    uint256 public constant BATCH = 4;

    /// @dev The next slot record `submitBatch` fills (a storage variable: the function is at the stack limit).
    uint256 private _nextRecord;
    uint32 public constant TOKENS = 3; // 0 ETH, 1 plain ERC-20, 2 fee-on-transfer ERC-20
    uint256 public constant ACTORS = 3;

    /*//////////////////////////////////////////////////////////////
                                 SETUP
    //////////////////////////////////////////////////////////////*/

    AssetStorage public immutable bridge;
    /// @dev Keys of the attesters (ascending by address): the first `threshold` sign every batch.
    uint256[] internal _attesterKeys;
    MockERC20[TOKENS] internal _erc20; // index 0 unused (ETH)
    address[ACTORS] internal _actors;
    uint256 public time;

    /*//////////////////////////////////////////////////////////////
                             GHOST: DEPOSITS
    //////////////////////////////////////////////////////////////*/

    /// @dev Every queued request in id order; a forced withdrawal request is kept as a record with
    ///      `recipient` = owner, `amount` and `depositor` zero (`_forced` tells them apart).
    BridgeProtocol.DepositRecord[] internal _records;
    bool[] internal _forced;
    bytes32[] internal _hashes; // request hashes as computed when each request was made
    mapping(uint64 depositId => uint256 count) public cancelCount;

    /*//////////////////////////////////////////////////////////////
                            GHOST: L2 MIRROR
    //////////////////////////////////////////////////////////////*/

    struct Slot {
        address owner;
        uint32 tokenId;
        uint128 balance;
    }

    Slot[LEAVES] internal _slots;
    uint256 public slotCount;
    mapping(address owner => mapping(uint32 tokenId => uint256 slotPlusOne)) internal _slotOf;
    /// @dev Heap-ordered 4-ary tree (docs/protocol.md section 4, DEPTH / 2 = 2 levels): node 0 is the root,
    ///      node k has children 4k+1..4k+4, leaves (slots 0..15) are nodes 5..20.
    uint256 internal constant _FIRST_LEAF = 5;
    uint256[_FIRST_LEAF + LEAVES] internal _nodes;
    mapping(uint256 slot => uint256 count) public exitCount;

    /*//////////////////////////////////////////////////////////////
                             GHOST: TOTALS
    //////////////////////////////////////////////////////////////*/

    mapping(uint32 tokenId => uint256 amount) public locked; // received by the bridge through deposits
    mapping(uint32 tokenId => uint256 amount) public paidOut; // sent by the bridge through claims
    mapping(uint32 tokenId => uint256 amount) public withdrawnProven; // proven withdrawals, regular and forced
    mapping(address account => mapping(uint32 tokenId => uint256 amount)) public expectedPending;

    /*//////////////////////////////////////////////////////////////
                          GHOST: MONOTONICITY
    //////////////////////////////////////////////////////////////*/

    uint64 public maxProcessed;
    uint64 public maxBatchCount;
    bool public counterWentBack;
    bool public exodusOpenedEarly;
    bool public forbiddenCallSucceeded;
    string public honestFailure; // empty while every honest action succeeded

    uint256 public exodusRoot;
    uint64 public exodusBatchCount;
    uint64 public exodusProcessed;
    uint64 public exodusDepositCount;

    /// @dev How often each action succeeded (coverage aid, printed by the invariant test's afterInvariant).
    mapping(bytes32 action => uint256 count) public succeeded;

    uint256[8] internal _proof;

    constructor(AssetStorage bridge_, uint256[] memory attesterKeys_, MockERC20 plain, MockERC20 withFee) {
        bridge = bridge_;
        _attesterKeys = attesterKeys_;
        _erc20[1] = plain;
        _erc20[2] = withFee;
        _actors = [makeAddr("actor0"), makeAddr("actor1"), makeAddr("actor2")];
        time = block.timestamp;
        uint256[] memory z = PoseidonTree.zeros(DEPTH);
        // Height 2: the root (node 0); height 1: nodes 1..4; height 0 (leaves): nodes 5..20.
        _nodes[0] = z[2];
        for (uint256 k = 1; k < _FIRST_LEAF; k++) {
            _nodes[k] = z[1];
        }
    }

    /// @dev Keeps the handler's clock (vm.warp does not persist between invariant calls by itself), and
    ///      checks after every action that the queue pointer and the batch counter never went back.
    modifier step() {
        vm.warp(time);
        _;
        uint64 processed = bridge.processedDeposits();
        uint64 batches = bridge.batchCount();
        if (processed < maxProcessed || batches < maxBatchCount) counterWentBack = true;
        maxProcessed = processed;
        maxBatchCount = batches;
    }

    /*//////////////////////////////////////////////////////////////
                                ACTIONS
    //////////////////////////////////////////////////////////////*/

    function depositETH(uint256 actorSeed, uint256 recipientSeed, uint256 amount) external step {
        address from = _actor(actorSeed);
        address to = _actor(recipientSeed);
        amount = bound(amount, 1, 1e24);
        vm.deal(from, amount);
        vm.prank(from);
        try bridge.depositETH{value: amount}(to) returns (uint64 id) {
            if (bridge.exodusMode()) forbiddenCallSucceeded = true;
            succeeded["depositETH"]++;
            _recordDeposit(id, to, 0, uint128(amount), from);
        } catch {
            if (!bridge.exodusMode()) honestFailure = "depositETH";
        }
    }

    function depositERC20(uint256 actorSeed, uint256 recipientSeed, uint256 tokenSeed, uint256 amount)
        external
        step
    {
        address from = _actor(actorSeed);
        address to = _actor(recipientSeed);
        uint32 tokenId = uint32(1 + tokenSeed % 2);
        MockERC20 t = _erc20[tokenId];
        amount = bound(amount, 100, 1e24);
        t.mint(from, amount);
        vm.prank(from);
        t.approve(address(bridge), amount);
        uint256 before = t.balanceOf(address(bridge));
        vm.prank(from);
        try bridge.depositERC20(address(t), uint128(amount), to) returns (uint64 id) {
            if (bridge.exodusMode()) forbiddenCallSucceeded = true;
            succeeded["depositERC20"]++;
            _recordDeposit(id, to, tokenId, uint128(t.balanceOf(address(bridge)) - before), from);
        } catch {
            if (!bridge.exodusMode()) honestFailure = "depositERC20";
        }
    }

    /// @notice Queues a forced withdrawal request of an actor (any known token; never paused or capped).
    function requestWithdrawal(uint256 actorSeed, uint256 tokenSeed) external step {
        address owner = _actor(actorSeed);
        uint32 tokenId = uint32(tokenSeed % TOKENS);
        vm.prank(owner);
        try bridge.requestWithdrawal(tokenId) returns (uint64 id) {
            if (bridge.exodusMode()) forbiddenCallSucceeded = true;
            succeeded["requestWithdrawal"]++;
            _recordRequest(id, owner, tokenId);
        } catch {
            if (!bridge.exodusMode()) honestFailure = "requestWithdrawal";
        }
    }

    /// @notice Proves an honest batch: the next `depositsWanted` queued requests (a deposit is credited, a
    ///         forced withdrawal takes the owner's whole mirror balance), then withdrawals and transfers drawn
    ///         from `seed`, then no-ops; the new root is the mirror's root and the op data is every op's record.
    function submitBatch(uint256 seed, uint256 depositsWanted) external step {
        IAssetStorage.BatchSlot[] memory slots = new IAssetStorage.BatchSlot[](BATCH);
        if (bridge.exodusMode()) {
            bytes memory op = abi.encodePacked(uint8(2), uint32(0), _actors[0], _actors[1], uint128(1));
            (uint64 n, bytes32 h, bytes memory sigs) = _attestation(0, op);
            try bridge.submitBatch(_nodes[0], 0, n, h, slots, op, _proof, sigs) {
                forbiddenCallSucceeded = true;
            } catch {}
            return;
        }
        uint64 next = bridge.processedDeposits();
        uint256 available = _min(BATCH, bridge.depositCount() - next);
        uint256 d = bound(depositsWanted, _min(1, available), available); // an operator takes what is queued
        bytes memory ops;
        uint256 i;
        for (; i < d; i++) {
            (slots[i], ops) = _serve(next + i, ops);
        }
        _nextRecord = d; // slot records: L1-visible ops only, in log order (section 8)
        for (; i < BATCH; i++) {
            uint256 r = uint256(keccak256(abi.encode(seed, i)));
            if (r % 3 == 2 || slotCount == 0) break; // the rest are no-ops
            uint256 s = _pickSlot(r >> 8);
            uint128 have = _slots[s].balance;
            if (have == 0) break;
            uint128 amount = uint128(bound(r >> 64, 1, have));
            uint32 tokenId = _slots[s].tokenId;
            address to = _actor(r >> 200);
            _slots[s].balance = have - amount;
            _updateLeaf(s);
            if (r % 3 == 0) {
                slots[_nextRecord++] = IAssetStorage.BatchSlot(3, tokenId, to, amount, address(0), 0);
                expectedPending[to][tokenId] += amount;
                withdrawnProven[tokenId] += amount;
                ops = bytes.concat(ops, abi.encodePacked(uint8(3), tokenId, _slots[s].owner, to, amount));
            } else {
                _addTo(_slotFor(to, tokenId), amount); // a transfer: no slot record on L1
                ops = bytes.concat(ops, abi.encodePacked(uint8(2), tokenId, _slots[s].owner, to, amount));
            }
        }
        if (ops.length == 0) return; // nothing happened on L2: no batch to prove
        uint256 newChain = uint256(keccak256(abi.encode("opChain", seed, bridge.batchCount()))) % R;
        (uint64 count, bytes32 head, bytes memory signatures) = _attestation(newChain, ops);
        try bridge.submitBatch(_nodes[0], newChain, count, head, slots, ops, _proof, signatures) {
            succeeded["submitBatch"]++;
            if (d != 0) succeeded["batchWithDeposits"]++;
            if (i != d) succeeded["batchWithL2Ops"]++;
        } catch {
            honestFailure = "submitBatch";
        }
    }

    /// @notice Claims the first pending (account, token) from the seeds on, or the seeded pair when nothing
    ///         is pending (which must revert).
    function claim(uint256 actorSeed, uint256 tokenSeed, bool forSomeoneElse) external step {
        address account = _actor(actorSeed);
        uint32 tokenId = uint32(tokenSeed % TOKENS);
        for (uint256 k = 0; k < ACTORS * TOKENS; k++) {
            address a = _actors[(actorSeed % ACTORS + k / TOKENS) % ACTORS];
            uint32 t = uint32((tokenSeed % TOKENS + k) % TOKENS);
            if (bridge.pendingWithdrawals(a, t) != 0) {
                (account, tokenId) = (a, t);
                break;
            }
        }
        uint256 pending = bridge.pendingWithdrawals(account, tokenId);
        bool ok;
        if (forSomeoneElse) {
            vm.prank(_actors[(actorSeed % ACTORS + 1) % ACTORS]);
            try bridge.claimFor(account, tokenId) {
                ok = true;
            } catch {}
        } else {
            vm.prank(account);
            try bridge.claim(tokenId) {
                ok = true;
            } catch {}
        }
        if (ok) {
            succeeded["claim"]++;
            if (pending == 0) forbiddenCallSucceeded = true;
            paidOut[tokenId] += pending;
            expectedPending[account][tokenId] = 0;
        } else if (pending != 0) {
            honestFailure = "claim";
        }
    }

    function warp(uint256 secondsForward) external step {
        time += bound(secondsForward, 0, 2 * uint256(bridge.priorityDeadline()));
        succeeded["warp"]++;
    }

    /// @notice Tries to start exodus; with `waitForDeadline` the operator first stays silent until the oldest
    ///         unprocessed deposit is due (time moves forward to that moment).
    function activateExodus(bool waitForDeadline) external step {
        bool was = bridge.exodusMode();
        uint64 oldest = bridge.processedDeposits();
        if (waitForDeadline && !was && oldest < bridge.depositCount()) {
            uint256 dueAt = uint256(_records[oldest].timestamp) + bridge.priorityDeadline();
            if (dueAt > time) {
                time = dueAt;
                vm.warp(time);
            }
        }
        bool due = !was && oldest < bridge.depositCount()
            && uint256(_records[oldest].timestamp) + bridge.priorityDeadline() <= block.timestamp;
        try bridge.activateExodus() {
            if (!due) exodusOpenedEarly = true;
            succeeded["activateExodus"]++;
            exodusRoot = bridge.stateRoot();
            exodusBatchCount = bridge.batchCount();
            exodusProcessed = bridge.processedDeposits();
            exodusDepositCount = bridge.depositCount();
        } catch {
            if (due) honestFailure = "activateExodus";
        }
    }

    /// @notice Exits up to three slots of the mirror from `slotSeed` on (exits of exited slots and exits before
    ///         exodus must fail), optionally first trying a forged balance.
    function exit(uint256 slotSeed, bool alsoTryForgery) external step {
        uint256 n = slotCount;
        for (uint256 k = 0; k < _min(3, n); k++) {
            _exit((slotSeed + k) % n, alsoTryForgery && k == 0);
        }
    }

    function _exit(uint256 s, bool alsoTryForgery) internal {
        Slot memory target = _slots[s];
        uint256[] memory path = _path(s);
        if (alsoTryForgery) {
            try bridge.exit(s, target.owner, target.tokenId, target.balance + 1, path) {
                forbiddenCallSucceeded = true;
            } catch {}
        }
        bool expected = bridge.exodusMode() && exitCount[s] == 0;
        try bridge.exit(s, target.owner, target.tokenId, target.balance, path) {
            exitCount[s]++;
            succeeded["exit"]++;
            expectedPending[target.owner][target.tokenId] += target.balance;
            if (!expected) forbiddenCallSucceeded = true;
        } catch {
            if (expected) honestFailure = "exit";
        }
    }

    /// @notice Cancels up to three deposits from `idSeed` on (consumed, cancelled ones and any cancel before
    ///         exodus must fail).
    function cancelDeposit(uint256 idSeed) external step {
        uint256 n = _records.length;
        for (uint256 k = 0; k < _min(3, n); k++) {
            _cancel(uint64((idSeed % n + k) % n));
        }
    }

    function _cancel(uint64 id) internal {
        BridgeProtocol.DepositRecord memory rec = _records[id];
        bool expected =
            bridge.exodusMode() && id >= bridge.processedDeposits() && cancelCount[id] == 0 && !_forced[id];
        try bridge.cancelDeposit(id, rec) {
            cancelCount[id]++;
            succeeded["cancelDeposit"]++;
            expectedPending[rec.depositor][rec.tokenId] += rec.amount;
            if (!expected) forbiddenCallSucceeded = true;
        } catch {
            if (expected) honestFailure = "cancelDeposit";
        }
    }

    /*//////////////////////////////////////////////////////////////
                                 VIEWS
    //////////////////////////////////////////////////////////////*/

    function actor(uint256 i) external view returns (address) {
        return _actors[i];
    }

    function tokenAddress(uint32 tokenId) external view returns (address) {
        return address(_erc20[tokenId]);
    }

    function recordCount() external view returns (uint256) {
        return _records.length;
    }

    function record(uint256 id) external view returns (BridgeProtocol.DepositRecord memory) {
        return _records[id];
    }

    function requestHash(uint256 id) external view returns (bytes32) {
        return _hashes[id];
    }

    function isForced(uint256 id) external view returns (bool) {
        return _forced[id];
    }

    function slot(uint256 s) external view returns (Slot memory) {
        return _slots[s];
    }

    function root() external view returns (uint256) {
        return _nodes[0];
    }

    /*//////////////////////////////////////////////////////////////
                                INTERNAL
    //////////////////////////////////////////////////////////////*/

    function _actor(uint256 seed) internal view returns (address) {
        return _actors[seed % ACTORS];
    }

    function _recordDeposit(uint64 id, address to, uint32 tokenId, uint128 amount, address from) internal {
        require(id == _records.length, "handler: deposit id");
        BridgeProtocol.DepositRecord memory rec =
            BridgeProtocol.DepositRecord(to, tokenId, amount, from, uint64(block.timestamp));
        _records.push(rec);
        _forced.push(false);
        _hashes.push(keccak256(abi.encode(to, tokenId, amount, from, uint64(block.timestamp))));
        locked[tokenId] += amount;
    }

    function _recordRequest(uint64 id, address owner, uint32 tokenId) internal {
        require(id == _records.length, "handler: request id");
        _records.push(BridgeProtocol.DepositRecord(owner, tokenId, 0, address(0), uint64(block.timestamp)));
        _forced.push(true);
        _hashes.push(keccak256(abi.encode(uint8(4), owner, tokenId, uint64(block.timestamp))));
    }

    /// @dev Serves queued request `id` as the honest operator would on L2 and returns its slot and the op
    ///      data extended by its op: a deposit is credited; a forced withdrawal burns the owner's whole
    ///      balance (the mirror has no holds), possibly zero, which is then paid on L1.
    function _serve(uint256 id, bytes memory ops)
        internal
        returns (IAssetStorage.BatchSlot memory slot_, bytes memory)
    {
        BridgeProtocol.DepositRecord memory rec = _records[id];
        if (!_forced[id]) {
            _addTo(_slotFor(rec.recipient, rec.tokenId), rec.amount);
            slot_ = IAssetStorage.BatchSlot(
                1, rec.tokenId, rec.recipient, rec.amount, rec.depositor, rec.timestamp
            );
            return (
                slot_,
                bytes.concat(
                    ops, abi.encodePacked(uint8(1), rec.tokenId, address(0), rec.recipient, rec.amount)
                )
            );
        }
        uint128 amount;
        uint256 plusOne = _slotOf[rec.recipient][rec.tokenId];
        if (plusOne != 0) {
            amount = _slots[plusOne - 1].balance;
            if (amount != 0) {
                _slots[plusOne - 1].balance = 0;
                _updateLeaf(plusOne - 1);
            }
        }
        expectedPending[rec.recipient][rec.tokenId] += amount;
        withdrawnProven[rec.tokenId] += amount;
        if (amount != 0) succeeded["forcedWithdrawalPaid"]++;
        else succeeded["forcedWithdrawalZero"]++;
        slot_ = IAssetStorage.BatchSlot(4, rec.tokenId, rec.recipient, amount, address(0), rec.timestamp);
        return (
            slot_,
            bytes.concat(ops, abi.encodePacked(uint8(4), rec.tokenId, rec.recipient, rec.recipient, amount))
        );
    }

    function _slotFor(address owner, uint32 tokenId) internal returns (uint256 s) {
        uint256 plusOne = _slotOf[owner][tokenId];
        if (plusOne != 0) return plusOne - 1;
        s = slotCount++;
        require(s < LEAVES, "handler: tree full");
        _slotOf[owner][tokenId] = s + 1;
        _slots[s] = Slot(owner, tokenId, 0);
    }

    function _addTo(uint256 s, uint128 amount) internal {
        _slots[s].balance += amount;
        _updateLeaf(s);
    }

    function _pickSlot(uint256 seed) internal view returns (uint256) {
        for (uint256 k = 0; k < slotCount; k++) {
            uint256 s = (seed + k) % slotCount;
            if (_slots[s].balance != 0) return s;
        }
        return seed % slotCount;
    }

    function _updateLeaf(uint256 s) internal {
        Slot memory sl = _slots[s];
        uint256 k = _FIRST_LEAF + s;
        _nodes[k] = PoseidonTree.leaf(sl.owner, sl.tokenId, sl.balance);
        while (k != 0) {
            k = (k - 1) / 4;
            uint256 c = 4 * k + 1;
            _nodes[k] = PoseidonT5.hash([_nodes[c], _nodes[c + 1], _nodes[c + 2], _nodes[c + 3]]);
        }
    }

    /// @dev 3 siblings per level, level-major, each level's in ascending position order.
    function _path(uint256 s) internal view returns (uint256[] memory siblings) {
        siblings = new uint256[](3 * DEPTH / 2);
        uint256 k = _FIRST_LEAF + s;
        uint256 n;
        while (k != 0) {
            uint256 first = 4 * ((k - 1) / 4) + 1;
            for (uint256 c = first; c < first + 4; c++) {
                if (c != k) siblings[n++] = _nodes[c];
            }
            k = (k - 1) / 4;
        }
    }

    /// @dev One step of the keccak op head over the record at byte `p` of `ops`.
    function _nextHead(bytes32 head, bytes memory ops, uint256 p) internal pure returns (bytes32) {
        uint256[5] memory f;
        uint256[5] memory widths = [uint256(1), 4, 20, 20, 16];
        for (uint256 k = 0; k < 5; k++) {
            for (uint256 j = 0; j < widths[k]; j++) {
                f[k] = (f[k] << 8) | uint8(ops[p++]);
            }
        }
        return keccak256(abi.encode(head, f[0], f[1], f[2], f[3], f[4]));
    }

    function _min(uint256 a, uint256 b) internal pure returns (uint256) {
        return a < b ? a : b;
    }

    /// @dev The next batch's attested L2 op count and head after `ops` (the keccak chain of docs/protocol.md
    ///      section 6 over the 61-byte records, from the stored head), signed by the threshold's first attesters.
    function _attestation(uint256 newChain, bytes memory ops)
        internal
        view
        returns (uint64 count, bytes32 head, bytes memory sigs)
    {
        count = bridge.l2OpCount() + uint64(ops.length / 61);
        head = bridge.l2OpHead();
        for (uint256 p = 0; p < ops.length; p += 61) {
            head = _nextHead(head, ops, p);
        }
        bytes32 digest = bridge.batchDigest(bridge.batchCount(), newChain, count, head);
        for (uint256 k = 0; k < bridge.attesterThreshold(); k++) {
            (uint8 v, bytes32 r, bytes32 s) = vm.sign(_attesterKeys[k], digest);
            sigs = bytes.concat(sigs, abi.encodePacked(r, s, v));
        }
    }
}
