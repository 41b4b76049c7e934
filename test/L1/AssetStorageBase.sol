// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Attesters} from "../utils/Attesters.sol";

import {AssetStorage} from "../../src/L1/AssetStorage.sol";
import {IAssetStorage} from "../../src/L1/IAssetStorage.sol";
import {BridgeProtocol} from "../../src/libraries/BridgeProtocol.sol";
import {AcceptingVerifier, MockBatchVerifier} from "./mocks/MockBatchVerifier.sol";
import {MockERC20} from "./mocks/TestTokens.sol";
import {PoseidonTree} from "./utils/PoseidonTree.sol";

/// @title AssetStorageBase
/// @notice The one base contract of every L1 test. `setUp` deploys AssetStorage (batch size 4, depth 16,
///         attesters 2 of 3) over a MockBatchVerifier and docks one ERC-20. A test with another verifier (the
///         real generated one and a real proof fixture) calls `_deploy(verifier, batchSize, depth, genesisRoot)`
///         (which checks the genesis root the contract computed) and uses the same helpers.
/// @dev Expected values (deposit words, public inputs, verifier calldata, EIP-712 digests) are computed here
///      from docs/protocol.md directly, not through BridgeProtocol or the contract, so the tests compare two
///      implementations. `_attested` reads the batch counters with `vm.load` (no call), so it may stand in
///      the arguments of a call that `vm.expectRevert` watches.
abstract contract AssetStorageBase is Attesters {
    /*//////////////////////////////////////////////////////////////
                               CONSTANTS
    //////////////////////////////////////////////////////////////*/

    /// @dev BN254 scalar field order r (docs/protocol.md section 2).
    uint256 internal constant R =
        21_888_242_871_839_275_222_246_405_745_257_275_088_548_364_400_416_034_343_698_204_186_575_808_495_617;

    uint16 internal constant BATCH = 4;
    /// @dev Slot records per batch (K) of the mock-verifier deployments: K = N, so that a test may put an
    ///      L1-visible op in every record. The real-proof tests deploy the circuit's K (the fixture's).
    uint16 internal constant PUBLIC = 4;
    uint8 internal constant DEPTH = 16;
    uint64 internal constant DEADLINE = 3 days;
    uint32 internal constant ETH = 0;
    uint64 internal constant START_TIME = 1_700_000_000;
    uint256 internal constant L2_CHAIN_ID = 31_338;

    /// @dev Storage slot of `batchCount` (low 64 bits), `l2OpCount` (next 64 bits) and `processedDeposits` (next 64
    ///      bits); checked by a test.
    uint256 internal constant BATCH_COUNTERS_SLOT = 11;

    /// @dev Storage slot of `l2OpHead`, right after the batch counters; checked by a test.
    uint256 internal constant L2_OP_HEAD_SLOT = 12;

    /// @dev Bytes of one op record posted on L1 (docs/protocol.md section 8, "Op data on L1").
    uint256 internal constant OP_BYTES = 61;

    /*//////////////////////////////////////////////////////////////
                                 STATE
    //////////////////////////////////////////////////////////////*/

    address internal governor = makeAddr("governor");
    address internal l2Ledger = makeAddr("l2Ledger");
    address internal alice = makeAddr("alice");
    address internal bob = makeAddr("bob");
    address internal carol = makeAddr("carol");
    address internal stranger = makeAddr("stranger");

    AssetStorage internal bridge;
    MockBatchVerifier internal mockVerifier;
    MockERC20 internal token;
    uint32 internal tokenId;
    uint256 internal genesisRoot;

    /// @dev An arbitrary proof: the mock verifier does not look at it, tests check it is forwarded.
    uint256[8] internal proof = [uint256(11), 12, 13, 14, 15, 16, 17, 18];

    /*//////////////////////////////////////////////////////////////
                                 SET UP
    //////////////////////////////////////////////////////////////*/

    function setUp() public virtual {
        vm.warp(START_TIME);
        _makeAttesters("attester", 3);
        genesisRoot = PoseidonTree.emptyRoot(DEPTH);
        mockVerifier = new MockBatchVerifier(PUBLIC);
        _deploy(address(mockVerifier), BATCH, DEPTH, genesisRoot);
        token = new MockERC20("Token", "TKN");
        tokenId = _dock(address(token));
    }

    /// @dev Deploys a fresh AssetStorage (governor, attesters and DEADLINE from this base) into `bridge` and
    ///      checks that the genesis root it computed is `genesisRoot_`.
    function _deploy(address verifier_, uint16 batchSize, uint8 depth, uint256 genesisRoot_)
        internal
        returns (AssetStorage)
    {
        return _deployK(verifier_, batchSize, batchSize, depth, genesisRoot_);
    }

    /// @dev `_deploy` with `publicSlots_` slot records per batch (K).
    function _deployK(
        address verifier_,
        uint16 batchSize,
        uint16 publicSlots_,
        uint8 depth,
        uint256 genesisRoot_
    ) internal returns (AssetStorage) {
        bridge = new AssetStorage(governor, _paramsK(verifier_, batchSize, publicSlots_, depth));
        assertEq(bridge.genesisRoot(), genesisRoot_, "genesis root computed by the constructor");
        return bridge;
    }

    /// @dev The base's constructor parameters for a verifier, batch size and depth, with K = N.
    function _params(address verifier_, uint16 batchSize, uint8 depth)
        internal
        returns (IAssetStorage.DeployParams memory)
    {
        return _paramsK(verifier_, batchSize, batchSize, depth);
    }

    /// @dev The base's constructor parameters for a verifier, batch size, public slots (K) and depth.
    function _paramsK(address verifier_, uint16 batchSize, uint16 publicSlots_, uint8 depth)
        internal
        returns (IAssetStorage.DeployParams memory)
    {
        if (attesterSet.length == 0) _makeAttesters("attester", 3); // for setUps that skip the base's
        return IAssetStorage.DeployParams({
            verifier: verifier_,
            treeDepth: depth,
            batchSize: batchSize,
            publicSlots: publicSlots_,
            priorityDeadline: DEADLINE,
            l2ChainId: L2_CHAIN_ID,
            l2Ledger: l2Ledger,
            attesters: attesterSet,
            attesterThreshold: THRESHOLD,
            governanceDelay: GOVERNANCE_DELAY
        });
    }

    /*//////////////////////////////////////////////////////////////
                              ATTESTATIONS
    //////////////////////////////////////////////////////////////*/

    /// @dev `b`'s batch counter, read from storage without a call.
    function _batchNumber(AssetStorage b) internal view returns (uint64) {
        return uint64(uint256(vm.load(address(b), bytes32(BATCH_COUNTERS_SLOT))));
    }

    /// @dev The L2 op count the next batch of `b` attests in these tests: one more than the stored one.
    function _nextCount(AssetStorage b) internal view returns (uint64) {
        return uint64(uint256(vm.load(address(b), bytes32(BATCH_COUNTERS_SLOT))) >> 64) + 1;
    }

    /// @dev `b`'s stored L2 keccak op head, read from storage without a call.
    function _storedHead(AssetStorage b) internal view returns (bytes32) {
        return vm.load(address(b), bytes32(L2_OP_HEAD_SLOT));
    }

    /// @dev One 61-byte op record, written out from docs/protocol.md section 8: kind ‖ tokenId ‖ from ‖ to ‖
    ///      amount, big-endian.
    function _opRecord(uint8 kind, uint32 tokenId_, address from, address to, uint128 amount)
        internal
        pure
        returns (bytes memory)
    {
        return abi.encodePacked(kind, tokenId_, from, to, amount);
    }

    /// @dev The op these tests post as L2 op `index` unless a test posts its own: a transfer (L1 does not
    ///      compare the op data with the slots; the attesters bind the two).
    function _fillerOp(uint64 index) internal pure returns (bytes memory) {
        return _opRecord(2, 0, address(uint160(0x1000 + index)), address(uint160(0x2000 + index)), index + 1);
    }

    /// @dev The filler ops `from` to `to - 1`, concatenated.
    function _fillerOps(uint64 from, uint64 to) internal pure returns (bytes memory ops) {
        for (uint64 i = from; i < to; ++i) {
            ops = bytes.concat(ops, _fillerOp(i));
        }
    }

    /// @dev docs/protocol.md section 6, written out: the keccak op head after the 61-byte records of `ops`,
    ///      from `head` (decoded byte by byte, independently of BridgeProtocol.foldOps).
    function _foldOps(bytes32 head, bytes memory ops) internal pure returns (bytes32) {
        require(ops.length % OP_BYTES == 0, "op data is whole records");
        for (uint256 p = 0; p < ops.length; p += OP_BYTES) {
            head = keccak256(
                abi.encode(
                    head,
                    uint8(_bigEndian(ops, p, 1)),
                    uint32(_bigEndian(ops, p + 1, 4)),
                    address(uint160(_bigEndian(ops, p + 5, 20))),
                    address(uint160(_bigEndian(ops, p + 25, 20))),
                    uint128(_bigEndian(ops, p + 45, 16))
                )
            );
        }
        return head;
    }

    /// @dev The big-endian number in bytes `at` to `at + len - 1` of `data`.
    function _bigEndian(bytes memory data, uint256 at, uint256 len) internal pure returns (uint256 x) {
        for (uint256 i = 0; i < len; ++i) {
            x = (x << 8) | uint8(data[at + i]);
        }
    }

    /// @dev The L2 keccak head after the filler ops 0 to `count - 1` (what a fresh bridge attests when every
    ///      batch before posted filler ops).
    function _headAt(uint64 count) internal pure returns (bytes32) {
        return _foldOps(bytes32(0), _fillerOps(0, count));
    }

    /// @dev The op data `b`'s next batch posts in these tests: the one filler op after the stored count.
    function _nextOps(AssetStorage b) internal view returns (bytes memory) {
        return _fillerOp(_nextCount(b) - 1);
    }

    /// @dev The head `b`'s next batch attests in these tests: the stored head extended by `_nextOps(b)`.
    function _nextHead(AssetStorage b) internal view returns (bytes32) {
        return _foldOps(_storedHead(b), _nextOps(b));
    }

    /// @dev docs/protocol.md section 14.2, written out: the EIP-712 digest of a BatchAttestation to `b`.
    function _batchDigest(AssetStorage b, uint64 batchNumber, uint256 newChain, uint64 count, bytes32 head)
        internal
        view
        returns (bytes32)
    {
        bytes32 domain = _eip712Domain("AssetStorage", address(b));
        bytes32 structHash = keccak256(
            abi.encode(
                keccak256(
                    "BatchAttestation(uint256 l2ChainId,address l2Ledger,uint64 batchNumber,uint256 newOpChain,uint64 l2OpCount,bytes32 l2OpHead)"
                ),
                L2_CHAIN_ID,
                l2Ledger,
                batchNumber,
                newChain,
                count,
                head
            )
        );
        return keccak256(abi.encodePacked("\x19\x01", domain, structHash));
    }

    /// @dev A valid attestation (THRESHOLD signatures) of `b`'s next batch with op chain `newChain`, op count
    ///      `_nextCount(b)` and head `_nextHead(b)`.
    function _attested(AssetStorage b, uint256 newChain) internal view returns (bytes memory) {
        return _attest(_batchDigest(b, _batchNumber(b), newChain, _nextCount(b), _nextHead(b)));
    }

    /// @dev Submits an attested batch of `b` with op chain `newChain` and one filler op (the call
    ///      `vm.expectRevert` may watch).
    function _submitTo(
        AssetStorage b,
        uint256 newRoot,
        uint256 newChain,
        IAssetStorage.BatchSlot[] memory slots,
        uint256[8] memory proof_
    ) internal {
        _submitOps(b, newRoot, newChain, slots, _nextOps(b), proof_);
    }

    /// @dev Submits an attested batch of `b` posting `ops`: the attested count and head are those that `ops`
    ///      give from the stored ones (the call `vm.expectRevert` may watch).
    function _submitOps(
        AssetStorage b,
        uint256 newRoot,
        uint256 newChain,
        IAssetStorage.BatchSlot[] memory slots,
        bytes memory ops,
        uint256[8] memory proof_
    ) internal {
        // casting is safe: tests post a handful of ops
        uint64 count = _nextCount(b) - 1 + uint64(ops.length / OP_BYTES);
        bytes32 head = _foldOps(_storedHead(b), ops);
        bytes memory sigs = _attest(_batchDigest(b, _batchNumber(b), newChain, count, head));
        b.submitBatch(newRoot, newChain, count, head, slots, ops, proof_, sigs);
    }

    /*//////////////////////////////////////////////////////////////
                                HELPERS
    //////////////////////////////////////////////////////////////*/

    function _dock(address token_) internal returns (uint32 id) {
        vm.prank(governor);
        id = bridge.dockToken(token_);
    }

    function _depositETH(address from, address recipient, uint256 amount)
        internal
        returns (uint64 id, BridgeProtocol.DepositRecord memory rec)
    {
        vm.deal(from, from.balance + amount);
        vm.prank(from);
        id = bridge.depositETH{value: amount}(recipient);
        rec = _record(recipient, ETH, uint128(amount), from);
    }

    function _depositToken(address from, address recipient, uint128 amount)
        internal
        returns (uint64 id, BridgeProtocol.DepositRecord memory rec)
    {
        token.mint(from, amount);
        vm.startPrank(from);
        token.approve(address(bridge), amount);
        id = bridge.depositERC20(address(token), amount, recipient);
        vm.stopPrank();
        rec = _record(recipient, tokenId, amount, from);
    }

    /// @dev A deposit by `from` for `recipient` of ETH (`tokenId_` 0) or of the docked `token`.
    function _deposit(address from, address recipient, uint32 tokenId_, uint128 amount)
        internal
        returns (uint64 id, BridgeProtocol.DepositRecord memory rec)
    {
        if (tokenId_ == ETH) return _depositETH(from, recipient, amount);
        return _depositToken(from, recipient, amount);
    }

    /// @dev Queues one deposit of `2^100` ETH and one of `2^100` of the docked token (stranger to stranger), so
    ///      that the supply bound covers the withdrawals a test proves (tokenSupply counts queued deposits).
    function _fund() internal {
        _depositETH(stranger, stranger, 2 ** 100);
        _depositToken(stranger, stranger, 2 ** 100);
    }

    /// @dev The steady state the gas figures start from (snapshots and `make bench`): a fresh AssetStorage
    ///      over AcceptingVerifier with `ethDeposits` ETH deposits and then `tokenDeposits` token deposits
    ///      by carol; one proven batch consumed the first two and left alice 1 ETH and 100 tokens to claim;
    ///      alice holds 100 ETH and 100 tokens and has approved the bridge. Returns the deposits in queue order.
    function _steadyState(uint256 ethDeposits, uint256 tokenDeposits)
        internal
        returns (BridgeProtocol.DepositRecord[] memory deposits)
    {
        require(ethDeposits + tokenDeposits >= 2, "steady state needs two deposits to consume");
        _deploy(address(new AcceptingVerifier()), BATCH, DEPTH, genesisRoot);
        tokenId = _dock(address(token));
        deposits = new BridgeProtocol.DepositRecord[](ethDeposits + tokenDeposits);
        for (uint256 i = 0; i < deposits.length; i++) {
            if (i < ethDeposits) {
                (, deposits[i]) = _depositETH(carol, carol, 10 ether);
            } else {
                (, deposits[i]) = _depositToken(carol, carol, 1000 ether);
            }
        }
        IAssetStorage.BatchSlot[] memory slots = _noops(PUBLIC);
        slots[0] = _creditSlot(deposits[0]);
        slots[1] = _withdrawSlot(ETH, alice, 1 ether);
        slots[2] = _creditSlot(deposits[1]);
        slots[3] = _withdrawSlot(tokenId, alice, 100 ether);
        _submit(1, 1, slots);
        vm.deal(alice, 100 ether);
        token.mint(alice, 100 ether);
        vm.prank(alice);
        token.approve(address(bridge), type(uint256).max);
    }

    /// @dev The record of a deposit made now.
    function _record(address recipient, uint32 tokenId_, uint128 amount, address depositor)
        internal
        view
        returns (BridgeProtocol.DepositRecord memory)
    {
        return BridgeProtocol.DepositRecord({
            recipient: recipient,
            tokenId: tokenId_,
            amount: amount,
            depositor: depositor,
            timestamp: uint64(block.timestamp)
        });
    }

    /// @dev docs/protocol.md section 5, written out: the deposit hash.
    function _expectedHash(BridgeProtocol.DepositRecord memory rec) internal pure returns (bytes32) {
        return keccak256(abi.encode(rec.recipient, rec.tokenId, rec.amount, rec.depositor, rec.timestamp));
    }

    /// @dev docs/protocol.md section 5, written out: the forced withdrawal request hash.
    function _expectedRequestHash(address owner, uint32 tokenId_, uint64 timestamp)
        internal
        pure
        returns (bytes32)
    {
        return keccak256(abi.encode(uint8(4), owner, tokenId_, timestamp));
    }

    /// @dev docs/protocol.md section 8: a = kind + (tokenId << 3) + (account << 35).
    function _expectedA(uint8 kind, uint32 tokenId_, address account) internal pure returns (uint256) {
        return uint256(kind) + uint256(tokenId_) * 8 + uint256(uint160(account)) * 2 ** 35;
    }

    /// @dev `owner` requests a forced withdrawal of `tokenId_` now; returns the id and the batch slot that
    ///      serves it with `amount`.
    function _request(address owner, uint32 tokenId_, uint128 amount)
        internal
        returns (uint64 id, IAssetStorage.BatchSlot memory slot)
    {
        vm.prank(owner);
        id = bridge.requestWithdrawal(tokenId_);
        slot = _forcedSlot(owner, tokenId_, uint64(block.timestamp), amount);
    }

    function _forcedSlot(address owner, uint32 tokenId_, uint64 timestamp, uint128 amount)
        internal
        pure
        returns (IAssetStorage.BatchSlot memory)
    {
        return IAssetStorage.BatchSlot({
            kind: 4,
            tokenId: tokenId_,
            account: owner,
            amount: amount,
            depositor: address(0),
            timestamp: timestamp
        });
    }

    function _creditSlot(BridgeProtocol.DepositRecord memory rec)
        internal
        pure
        returns (IAssetStorage.BatchSlot memory)
    {
        return IAssetStorage.BatchSlot({
            kind: 1,
            tokenId: rec.tokenId,
            account: rec.recipient,
            amount: rec.amount,
            depositor: rec.depositor,
            timestamp: rec.timestamp
        });
    }

    function _withdrawSlot(uint32 tokenId_, address to, uint128 amount)
        internal
        pure
        returns (IAssetStorage.BatchSlot memory)
    {
        return IAssetStorage.BatchSlot({
            kind: 3, tokenId: tokenId_, account: to, amount: amount, depositor: address(0), timestamp: 0
        });
    }

    /// @dev `n` no-op slots.
    function _noops(uint256 n) internal pure returns (IAssetStorage.BatchSlot[] memory slots) {
        slots = new IAssetStorage.BatchSlot[](n);
    }

    /// @dev The 4 + 2K public inputs of docs/protocol.md section 8, built independently of AssetStorage.
    function _expectedInputs(
        uint256 oldRoot,
        uint256 newRoot,
        uint256 oldChain,
        uint256 newChain,
        IAssetStorage.BatchSlot[] memory slots
    ) internal pure returns (uint256[] memory inputs) {
        inputs = new uint256[](4 + 2 * slots.length);
        inputs[0] = oldRoot;
        inputs[1] = newRoot;
        inputs[2] = oldChain;
        inputs[3] = newChain;
        for (uint256 i = 0; i < slots.length; i++) {
            if (slots[i].kind == 1 || slots[i].kind == 3 || slots[i].kind == 4) {
                inputs[4 + 2 * i] = _expectedA(slots[i].kind, slots[i].tokenId, slots[i].account);
                inputs[5 + 2 * i] = slots[i].amount;
            }
        }
    }

    /// @dev selector ‖ proof ‖ inputs, with the selector of snarkjs's verifyProof for inputs.length inputs.
    function _expectedVerifierCalldata(uint256[8] memory proof_, uint256[] memory inputs)
        internal
        pure
        returns (bytes memory data)
    {
        bytes4 selector = bytes4(
            keccak256(
                bytes(
                    string.concat(
                        "verifyProof(uint256[2],uint256[2][2],uint256[2],uint256[",
                        vm.toString(inputs.length),
                        "])"
                    )
                )
            )
        );
        data = abi.encodePacked(selector, proof_);
        for (uint256 i = 0; i < inputs.length; i++) {
            data = bytes.concat(data, bytes32(inputs[i]));
        }
    }

    /// @dev Submits an attested batch with the base proof.
    function _submit(uint256 newRoot, uint256 newChain, IAssetStorage.BatchSlot[] memory slots) internal {
        _submitTo(bridge, newRoot, newChain, slots, proof);
    }

    /// @dev Queues one ETH deposit (from `stranger`), lets it expire and activates exodus.
    function _enterExodus() internal {
        _depositETH(stranger, stranger, 1 ether);
        vm.warp(block.timestamp + DEADLINE);
        bridge.activateExodus();
    }
}
