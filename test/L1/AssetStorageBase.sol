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
    uint8 internal constant DEPTH = 16;
    uint64 internal constant DEADLINE = 3 days;
    uint32 internal constant ETH = 0;
    uint64 internal constant START_TIME = 1_700_000_000;
    uint256 internal constant L2_CHAIN_ID = 31_338;

    /// @dev Storage slot of `batchCount` (low 64 bits) and `l2OpCount` (next 64 bits); checked by a test.
    uint256 internal constant BATCH_COUNTERS_SLOT = 11;

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
        mockVerifier = new MockBatchVerifier(BATCH);
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
        bridge = new AssetStorage(governor, _params(verifier_, batchSize, depth));
        assertEq(bridge.genesisRoot(), genesisRoot_, "genesis root computed by the constructor");
        return bridge;
    }

    /// @dev The base's constructor parameters for a verifier, batch size and depth.
    function _params(address verifier_, uint16 batchSize, uint8 depth)
        internal
        returns (IAssetStorage.DeployParams memory)
    {
        if (attesterSet.length == 0) _makeAttesters("attester", 3); // for setUps that skip the base's
        return IAssetStorage.DeployParams({
            verifier: verifier_,
            treeDepth: depth,
            batchSize: batchSize,
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

    /// @dev The L2 keccak head these tests attest for an op count (any value: L1 stores it as attested).
    function _headAt(uint64 count) internal pure returns (bytes32) {
        return keccak256(abi.encode("l2 op head", count));
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
    ///      `_nextCount(b)` and head `_headAt(_nextCount(b))`.
    function _attested(AssetStorage b, uint256 newChain) internal view returns (bytes memory) {
        uint64 count = _nextCount(b);
        return _attest(_batchDigest(b, _batchNumber(b), newChain, count, _headAt(count)));
    }

    /// @dev Submits an attested batch of `b` with op chain `newChain` (the call `vm.expectRevert` may watch).
    function _submitTo(
        AssetStorage b,
        uint256 newRoot,
        uint256 newChain,
        IAssetStorage.BatchSlot[] memory slots,
        uint256[8] memory proof_
    ) internal {
        uint64 count = _nextCount(b);
        bytes memory sigs = _attested(b, newChain);
        b.submitBatch(newRoot, newChain, count, _headAt(count), slots, proof_, sigs);
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
        IAssetStorage.BatchSlot[] memory slots = _noops(BATCH);
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

    /// @dev docs/protocol.md section 5, written out.
    function _expectedWord(BridgeProtocol.DepositRecord memory rec) internal pure returns (uint256) {
        bytes32 h =
            keccak256(abi.encode(rec.recipient, rec.tokenId, rec.amount, rec.depositor, rec.timestamp));
        return (uint256(h) >> 64 << 64) + rec.timestamp;
    }

    /// @dev docs/protocol.md section 8: a = kind + (tokenId << 2) + (account << 34).
    function _expectedA(uint8 kind, uint32 tokenId_, address account) internal pure returns (uint256) {
        return uint256(kind) + uint256(tokenId_) * 4 + uint256(uint160(account)) * 2 ** 34;
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

    /// @dev The 4 + 2N public inputs of docs/protocol.md section 8, built independently of AssetStorage.
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
            if (slots[i].kind == 1 || slots[i].kind == 3) {
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
