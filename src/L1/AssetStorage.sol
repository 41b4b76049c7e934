// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

// Bounds checks are written as docs/protocol.md states them (`x >= r`, `id >= count`); turning them
// into strict comparisons would only obscure them.
// solhint-disable gas-strict-inequalities

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {Strings} from "@openzeppelin/contracts/utils/Strings.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";

import {BridgeProtocol} from "../libraries/BridgeProtocol.sol";
import {StateTree} from "../libraries/StateTree.sol";
import {AttesterSet} from "../universal/AttesterSet.sol";
import {IAssetStorage} from "./IAssetStorage.sol";

/// @title AssetStorage
/// @notice The L1 side of the bridge (docs/protocol.md sections 5, 8, 9, 10, 11, 14). It holds ETH and
///         docked ERC-20s, keeps one priority queue of deposits and forced withdrawal requests (the full
///         record hash of each, timestamps four to a word), bounds every token's supply to what L2 can hold,
///         accepts batches proven by a Groth16 verifier and attested by M-of-N attesters (anyone may submit
///         them) together with the data of every op they prove, pays withdrawals by pull payment and, when
///         a request waits past its deadline, runs exodus.
/// @dev Not upgradeable. The governor (two-step owner) docks tokens, sets caps and pauses, and changes the
///      attester set only through a delay of at least `priorityDeadline`; it can neither move user funds nor
///      change the state root. Hot paths hash with keccak only; Poseidon (StateTree, over the public
///      libraries PoseidonT4 and PoseidonT5 linked at deployment) runs only in the constructor (genesis
///      root) and in `exit`.
/// @custom:invariant For every token, the contract holds at least its pending withdrawals, plus its
///                   unconsumed and uncancelled deposits, plus its balances in the last proven root that
///                   have not exited.
/// @custom:invariant A request hash never changes once written; `processedDeposits` and `batchCount`
///                   never decrease; no deposit is both consumed and cancelled; no slot exits twice.
/// @custom:invariant For every token, `tokenSupply` equals the deposits queued minus the withdrawals
///                   (regular and forced) proven, and never exceeds `2^128 - 1`.
// Immutables count as states for solhint; every one of them is a deployment parameter auditors expect to read.
// solhint-disable-next-line max-states-count
contract AssetStorage is IAssetStorage, AttesterSet, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /*//////////////////////////////////////////////////////////////
                               CONSTANTS
    //////////////////////////////////////////////////////////////*/

    /// @dev Token id of ETH.
    uint32 private constant _ETH_TOKEN_ID = 0;

    /// @dev Largest supported tree depth (docs/protocol.md section 12: production uses 24 to 32).
    uint8 private constant _MAX_TREE_DEPTH = 32;

    /// @dev Public inputs before the slot pairs: oldRoot, newRoot, oldOpChain, newOpChain.
    uint256 private constant _HEADER_INPUTS = 4;

    /// @dev Request timestamps per storage word of `_requestTimes` (64 bits each).
    uint256 private constant _TIMES_PER_WORD = 4;

    /// @dev EIP-712 type hash of the batch attestation (docs/protocol.md section 14.2).
    // solhint-disable-next-line gas-small-strings
    bytes32 private constant _BATCH_ATTESTATION_TYPEHASH = keccak256(
        // The EIP-712 type string is fixed by docs/protocol.md section 14.2 and hashed at compile time.
        // solhint-disable-next-line max-line-length
        "BatchAttestation(uint256 l2ChainId,address l2Ledger,uint64 batchNumber,uint256 newOpChain,uint64 l2OpCount,bytes32 l2OpHead)"
    );

    /*//////////////////////////////////////////////////////////////
                                 TYPES
    //////////////////////////////////////////////////////////////*/

    /// @dev Per-token deposit settings, one storage word.
    struct TokenConfig {
        uint128 cap;
        bool paused;
    }

    /*//////////////////////////////////////////////////////////////
                               IMMUTABLES
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IAssetStorage
    address public immutable verifier;

    /// @inheritdoc IAssetStorage
    bytes4 public immutable verifierSelector;

    /// @inheritdoc IAssetStorage
    uint8 public immutable treeDepth;

    /// @inheritdoc IAssetStorage
    uint16 public immutable batchSize;

    /// @inheritdoc IAssetStorage
    uint16 public immutable publicSlots;

    /// @inheritdoc IAssetStorage
    uint64 public immutable priorityDeadline;

    /// @inheritdoc IAssetStorage
    uint256 public immutable genesisRoot;

    /// @inheritdoc IAssetStorage
    uint256 public immutable l2ChainId;

    /// @inheritdoc IAssetStorage
    address public immutable l2Ledger;

    /*//////////////////////////////////////////////////////////////
                                STORAGE
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IAssetStorage
    uint256 public stateRoot;

    /// @inheritdoc IAssetStorage
    uint256 public opChain;

    // One word, read and written by every batch: the batch counter, the attested L2 op count and the
    // processed pointer of the request queue (one SSTORE for the three).
    /// @inheritdoc IAssetStorage
    uint64 public batchCount;

    /// @inheritdoc IAssetStorage
    uint64 public l2OpCount;

    /// @inheritdoc IAssetStorage
    uint64 public processedDeposits;

    /// @inheritdoc IAssetStorage
    bytes32 public l2OpHead;

    // One word, read by every deposit and every batch (written by deposits only): the queue's length, the
    // token count, exodus.
    /// @inheritdoc IAssetStorage
    uint64 public depositCount;

    /// @inheritdoc IAssetStorage
    uint32 public tokenCount;

    /// @inheritdoc IAssetStorage
    bool public exodusMode;

    /// @inheritdoc IAssetStorage
    mapping(uint64 requestId => bytes32 hash) public requestHashes;

    /// @dev Request timestamps, four per word: request `id` in bits `64 * (id % 4)` of word `id / 4`.
    mapping(uint64 wordIndex => uint256 times) private _requestTimes;

    /// @inheritdoc IAssetStorage
    mapping(uint32 tokenId => uint128 supply) public tokenSupply;

    /// @inheritdoc IAssetStorage
    mapping(address account => mapping(uint32 tokenId => uint256 amount)) public pendingWithdrawals;

    /// @inheritdoc IAssetStorage
    mapping(uint32 tokenId => address token) public tokenAddress;

    /// @inheritdoc IAssetStorage
    mapping(address token => uint32 tokenId) public tokenIdOf;

    /// @inheritdoc IAssetStorage
    mapping(uint256 slot => bool done) public slotExited;

    /// @inheritdoc IAssetStorage
    mapping(uint64 depositId => bool done) public depositCancelled;

    /// @dev Cap and pause of each token id.
    mapping(uint32 tokenId => TokenConfig config) private _tokenConfig;

    /*//////////////////////////////////////////////////////////////
                               MODIFIERS
    //////////////////////////////////////////////////////////////*/

    /// @dev Refuses the call once exodus is active.
    modifier whenNotExodus() {
        if (exodusMode) revert ExodusActive();
        _;
    }

    /// @dev Allows the call only once exodus is active.
    modifier whenExodus() {
        if (!exodusMode) revert ExodusNotActive();
        _;
    }

    /*//////////////////////////////////////////////////////////////
                              CONSTRUCTOR
    //////////////////////////////////////////////////////////////*/

    /// @notice Deploys the bridge's L1 contract; the genesis root is the empty tree's, computed here.
    /// @param governor The owner (two-step).
    /// @param p The parameters (IAssetStorage.DeployParams).
    constructor(address governor, DeployParams memory p)
        Ownable(governor)
        EIP712("AssetStorage", "1")
        AttesterSet(p.attesters, p.attesterThreshold, p.governanceDelay)
    {
        if (p.verifier.code.length == 0) revert VerifierHasNoCode(p.verifier);
        if (p.treeDepth == 0 || p.treeDepth > _MAX_TREE_DEPTH) revert InvalidTreeDepth(p.treeDepth);
        if (p.treeDepth % 2 != 0) revert TreeDepthNotEven(p.treeDepth);
        if (p.batchSize == 0) revert InvalidBatchSize(p.batchSize);
        if (p.publicSlots == 0 || p.publicSlots > p.batchSize) {
            revert InvalidPublicSlots(p.publicSlots, p.batchSize);
        }
        if (p.priorityDeadline == 0) revert InvalidPriorityDeadline();
        if (p.governanceDelay < p.priorityDeadline) {
            revert GovernanceDelayTooShort(p.governanceDelay, p.priorityDeadline);
        }
        if (p.l2Ledger == address(0)) revert L2LedgerIsZeroAddress();

        verifier = p.verifier;
        verifierSelector = _verifyProofSelector(_HEADER_INPUTS + 2 * uint256(p.publicSlots));
        treeDepth = p.treeDepth;
        batchSize = p.batchSize;
        publicSlots = p.publicSlots;
        priorityDeadline = p.priorityDeadline;
        l2ChainId = p.l2ChainId;
        l2Ledger = p.l2Ledger;

        uint256 root = StateTree.emptyRoot(p.treeDepth);
        genesisRoot = root;
        stateRoot = root;
        tokenCount = 1; // id 0 is ETH
    }

    /*//////////////////////////////////////////////////////////////
                               GOVERNANCE
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IAssetStorage
    function dockToken(address token) external onlyOwner whenNotExodus returns (uint32 tokenId) {
        if (token == address(0)) revert TokenIsZeroAddress();
        if (token.code.length == 0) revert TokenHasNoCode(token);
        uint32 existing = tokenIdOf[token];
        if (existing != 0) revert TokenAlreadyDocked(token, existing);

        tokenId = tokenCount;
        tokenCount = tokenId + 1;
        tokenAddress[tokenId] = token;
        tokenIdOf[token] = tokenId;
        emit TokenDocked(tokenId, token);
    }

    /// @inheritdoc IAssetStorage
    function setDepositCap(uint32 tokenId, uint128 cap) external onlyOwner whenNotExodus {
        if (tokenId >= tokenCount) revert UnknownToken(tokenId);
        _tokenConfig[tokenId].cap = cap;
        emit DepositCapSet(tokenId, cap);
    }

    /// @inheritdoc IAssetStorage
    function setTokenPaused(uint32 tokenId, bool paused) external onlyOwner whenNotExodus {
        if (tokenId >= tokenCount) revert UnknownToken(tokenId);
        _tokenConfig[tokenId].paused = paused;
        emit TokenPauseSet(tokenId, paused);
    }

    /// @notice Always reverts: without an owner no token could be docked and a lost attester key could not
    ///         be replaced, which would leave exodus as the only way out.
    function renounceOwnership() public view override onlyOwner {
        revert RenounceOwnershipDisabled();
    }

    /*//////////////////////////////////////////////////////////////
                                DEPOSITS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IAssetStorage
    function depositETH(address l2Recipient) external payable nonReentrant returns (uint64 depositId) {
        TokenConfig memory config = _checkDepositable(_ETH_TOKEN_ID, l2Recipient);
        uint128 amount = _checkAmount(_ETH_TOKEN_ID, msg.value, config.cap);
        depositId = _queueDeposit(_ETH_TOKEN_ID, amount, l2Recipient);
    }

    /// @inheritdoc IAssetStorage
    /// @dev The record is written after the token transfer because the amount is only known then; the
    ///      reentrancy guard covers the window.
    function depositERC20(address token, uint128 amount, address l2Recipient)
        external
        nonReentrant
        returns (uint64 depositId)
    {
        uint32 tokenId = tokenIdOf[token];
        if (tokenId == 0) revert TokenNotDocked(token);
        if (amount == 0) revert ZeroAmount();
        TokenConfig memory config = _checkDepositable(tokenId, l2Recipient);

        IERC20 erc20 = IERC20(token);
        uint256 balanceBefore = erc20.balanceOf(address(this));
        erc20.safeTransferFrom(msg.sender, address(this), amount);
        uint256 balanceAfter = erc20.balanceOf(address(this));
        // A token whose balance shrank on an incoming transfer credits nothing, which reverts below.
        uint256 received = balanceAfter > balanceBefore ? balanceAfter - balanceBefore : 0;

        uint128 credited = _checkAmount(tokenId, received, config.cap);
        depositId = _queueDeposit(tokenId, credited, l2Recipient);
    }

    /*//////////////////////////////////////////////////////////////
                      FORCED WITHDRAWAL REQUESTS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IAssetStorage
    /// @dev No pause, no cap: no governor setting can refuse the request or stop its deadline.
    function requestWithdrawal(uint32 tokenId) external whenNotExodus returns (uint64 requestId) {
        if (tokenId >= tokenCount) revert UnknownToken(tokenId);
        uint64 timestamp = _now();
        requestId = _enqueue(
            BridgeProtocol.requestHash(
                BridgeProtocol.WithdrawalRequestRecord({
                    owner: msg.sender, tokenId: tokenId, timestamp: timestamp
                })
            ),
            timestamp
        );
        emit WithdrawalRequestQueued(requestId, msg.sender, tokenId, timestamp);
    }

    /*//////////////////////////////////////////////////////////////
                                BATCHES
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IAssetStorage
    /// @dev Cheap checks first, then the attestation (it names the batch number), then every slot while
    ///      building the public inputs, then the op data against the attested head, then the proof (a static
    ///      call), then the effects. Replays fail: the batch number is in the signed message, the old root
    ///      and op chain are read from storage and the requests a batch consumed are behind the processed
    ///      pointer.
    function submitBatch(
        uint256 newRoot,
        uint256 newOpChain,
        uint64 l2OpCount_,
        bytes32 l2OpHead_,
        BatchSlot[] calldata slots,
        bytes calldata ops,
        uint256[8] calldata proof,
        bytes calldata signatures
    ) external {
        if (exodusMode) revert ExodusActive();
        if (slots.length != publicSlots) revert SlotCountMismatch(publicSlots, slots.length);
        if (newRoot >= BridgeProtocol.FIELD_MODULUS) revert FieldElementOutOfRange(newRoot);
        if (newOpChain >= BridgeProtocol.FIELD_MODULUS) revert FieldElementOutOfRange(newOpChain);
        _checkBatchAttestation(batchCount, newOpChain, l2OpCount_, l2OpHead_, signatures);

        // Scoped so that the inputs leave the stack before the effects (the parameters fill most of it).
        uint64 nextDeposit;
        bool hasWithdrawals;
        {
            uint256[] memory inputs;
            (inputs, nextDeposit, hasWithdrawals) = _publicInputs(newRoot, newOpChain, slots);
            _checkOpData(l2OpCount_, l2OpHead_, ops);
            _verifyProof(proof, inputs);
        }

        uint64 batchNumber = _applyBatch(newRoot, newOpChain, l2OpCount_, l2OpHead_, nextDeposit, ops);
        if (hasWithdrawals) _applyWithdrawals(batchNumber, slots);
    }

    /*//////////////////////////////////////////////////////////////
                              WITHDRAWALS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IAssetStorage
    function claim(uint32 tokenId) external nonReentrant {
        _claim(msg.sender, tokenId);
    }

    /// @inheritdoc IAssetStorage
    function claimFor(address account, uint32 tokenId) external nonReentrant {
        _claim(account, tokenId);
    }

    /*//////////////////////////////////////////////////////////////
                                 EXODUS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IAssetStorage
    function activateExodus() external whenNotExodus {
        uint64 oldest = processedDeposits;
        if (oldest >= depositCount) revert NoPendingDeposit();
        uint64 queuedAt = requestTimestamp(oldest);
        uint256 openAt = uint256(queuedAt) + priorityDeadline;
        // The deadline is hours to days long: a few seconds of validator drift do not matter.
        // forge-lint: disable-next-line(block-timestamp)
        if (block.timestamp < openAt) revert PriorityDeadlineNotReached(oldest, openAt);

        exodusMode = true;
        emit ExodusActivated(oldest, queuedAt);
    }

    /// @inheritdoc IAssetStorage
    /// @dev About 48k gas of Poseidon per 4-ary level, two slot bits (StateTree.rootOf, which refuses
    ///      siblings `>= r`). The path is 3 siblings per level: `3 * treeDepth / 2` of them.
    function exit(uint256 slot, address owner, uint32 tokenId, uint128 balance, uint256[] calldata siblings)
        external
        whenExodus
    {
        uint256 depth = treeDepth;
        if (slot >> depth != 0) revert SlotOutOfRange(slot);
        uint256 pathLength = StateTree.SIBLINGS_PER_LEVEL * (depth / 2);
        if (siblings.length != pathLength) revert SiblingsLengthMismatch(pathLength, siblings.length);
        if (slotExited[slot]) revert SlotAlreadyExited(slot);

        if (StateTree.rootOf(StateTree.leaf(owner, tokenId, balance), slot, siblings) != stateRoot) {
            revert InvalidMerkleProof();
        }

        slotExited[slot] = true;
        pendingWithdrawals[owner][tokenId] += balance;
        emit Exited(slot, owner, tokenId, balance);
    }

    /// @inheritdoc IAssetStorage
    function cancelDeposit(uint64 depositId, BridgeProtocol.DepositRecord calldata record)
        external
        whenExodus
    {
        if (depositId < processedDeposits) revert DepositAlreadyProcessed(depositId);
        _checkQueued(depositId, depositCount, BridgeProtocol.depositHash(record));
        if (depositCancelled[depositId]) revert DepositAlreadyCancelled(depositId);

        depositCancelled[depositId] = true;
        pendingWithdrawals[record.depositor][record.tokenId] += record.amount;
        emit DepositCancelled(depositId, record.depositor, record.tokenId, record.amount);
    }

    /*//////////////////////////////////////////////////////////////
                                 VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IAssetStorage
    function requestTimestamp(uint64 requestId) public view returns (uint64) {
        // casting the constant 4 to uint64 is safe
        // forge-lint: disable-next-line(unsafe-typecast)
        uint256 word = _requestTimes[requestId / uint64(_TIMES_PER_WORD)];
        // casting to uint64 keeps the 64-bit lane of this request, which is what is wanted
        // forge-lint: disable-next-line(unsafe-typecast)
        return uint64(word >> (64 * (requestId % _TIMES_PER_WORD)));
    }

    /// @inheritdoc IAssetStorage
    function depositCap(uint32 tokenId) external view returns (uint128) {
        return _tokenConfig[tokenId].cap;
    }

    /// @inheritdoc IAssetStorage
    function tokenPaused(uint32 tokenId) external view returns (bool) {
        return _tokenConfig[tokenId].paused;
    }

    /// @inheritdoc IAssetStorage
    function batchDigest(uint64 batchNumber, uint256 newOpChain, uint64 l2OpCount_, bytes32 l2OpHead_)
        public
        view
        returns (bytes32)
    {
        return _hashTypedDataV4(
            keccak256(
                abi.encode(
                    _BATCH_ATTESTATION_TYPEHASH,
                    l2ChainId,
                    l2Ledger,
                    batchNumber,
                    newOpChain,
                    l2OpCount_,
                    l2OpHead_
                )
            )
        );
    }

    /*//////////////////////////////////////////////////////////////
                           PRIVATE FUNCTIONS
    //////////////////////////////////////////////////////////////*/

    /// @dev Reverts unless the attested L2 op count grows and enough attesters signed the batch.
    function _checkBatchAttestation(
        uint64 batchNumber,
        uint256 newOpChain,
        uint64 l2OpCount_,
        bytes32 l2OpHead_,
        bytes calldata signatures
    ) private view {
        uint64 stored = l2OpCount;
        if (l2OpCount_ <= stored) revert L2OpCountNotIncreasing(l2OpCount_, stored);
        _checkAttestations(batchDigest(batchNumber, newOpChain, l2OpCount_, l2OpHead_), signatures);
    }

    /// @dev The checks every deposit passes before any token moves; returns the token's settings.
    function _checkDepositable(uint32 tokenId, address l2Recipient)
        private
        view
        returns (TokenConfig memory config)
    {
        if (exodusMode) revert ExodusActive();
        if (l2Recipient == address(0)) revert ZeroL2Recipient();
        config = _tokenConfig[tokenId];
        if (config.paused) revert TokenDepositsPaused(tokenId);
    }

    /// @dev Checks the amount a deposit credits: non-zero, 128 bits, within the cap (0 = none).
    function _checkAmount(uint32 tokenId, uint256 amount, uint128 cap) private pure returns (uint128) {
        if (amount == 0) revert ZeroAmount();
        if (amount > type(uint128).max) revert AmountTooLarge(amount);
        if (cap != 0 && amount > cap) revert DepositAboveCap(tokenId, amount, cap);
        // casting to uint128 is safe: checked just above
        // forge-lint: disable-next-line(unsafe-typecast)
        return uint128(amount);
    }

    /// @dev Raises the token's supply by `amount` (section 2, supply bound), queues the deposit's hash and
    ///      emits its record.
    function _queueDeposit(uint32 tokenId, uint128 amount, address l2Recipient)
        private
        returns (uint64 depositId)
    {
        uint256 supply = tokenSupply[tokenId];
        if (supply + amount > type(uint128).max) revert TokenSupplyExceeded(tokenId, supply, amount);
        // casting to uint128 is safe: checked just above
        // forge-lint: disable-next-line(unsafe-typecast)
        tokenSupply[tokenId] = uint128(supply + amount);

        uint64 timestamp = _now();
        depositId = _enqueue(
            BridgeProtocol.depositHash(
                BridgeProtocol.DepositRecord({
                    recipient: l2Recipient,
                    tokenId: tokenId,
                    amount: amount,
                    depositor: msg.sender,
                    timestamp: timestamp
                })
            ),
            timestamp
        );
        emit DepositQueued(depositId, l2Recipient, tokenId, amount, msg.sender, timestamp);
    }

    /// @dev Appends a request to the queue: its full hash, and its timestamp in its 64-bit lane (ids are
    ///      written once, in order, so the lane is still zero).
    function _enqueue(bytes32 hash, uint64 timestamp) private returns (uint64 requestId) {
        requestId = depositCount;
        requestHashes[requestId] = hash;
        // casting the constant 4 to uint64 is safe
        // forge-lint: disable-next-line(unsafe-typecast)
        _requestTimes[requestId / uint64(_TIMES_PER_WORD)] |= uint256(timestamp)
        << (64 * (requestId % _TIMES_PER_WORD));
        depositCount = requestId + 1;
    }

    /// @dev `block.timestamp` as a request timestamp.
    function _now() private view returns (uint64) {
        // casting to uint64 is safe until the year 584 billion
        // forge-lint: disable-next-line(unsafe-typecast)
        return uint64(block.timestamp);
    }

    /// @dev Reverts unless request `requestId` was queued (`< queued`) with exactly this hash.
    function _checkQueued(uint64 requestId, uint64 queued, bytes32 hash) private view {
        if (requestId >= queued) revert DepositNotQueued(requestId);
        if (hash != requestHashes[requestId]) revert DepositRecordMismatch(requestId);
    }

    /// @dev Checks the posted op data against the attested head (section 8, "Op data on L1"): exactly
    ///      `61 * (l2OpCount_ - l2OpCount)` bytes whose keccak chain from the stored head gives `l2OpHead_`.
    function _checkOpData(uint64 l2OpCount_, bytes32 l2OpHead_, bytes calldata ops) private view {
        // l2OpCount_ is above the stored count: checked with the attestation
        uint256 expected = BridgeProtocol.OP_RECORD_BYTES * (l2OpCount_ - l2OpCount);
        if (ops.length != expected) revert OpDataLengthMismatch(expected, ops.length);
        bytes32 computed = BridgeProtocol.foldOps(l2OpHead, ops);
        if (computed != l2OpHead_) revert OpDataHeadMismatch(computed, l2OpHead_);
    }

    /// @dev Checks every slot record of a batch (docs/protocol.md section 8, step 3) and builds the `4 + 2K`
    ///      public inputs. Deposit and forced withdrawal records consume the queue in order (one counter); once
    ///      a record is zero every later one must be. Returns the processed pointer after the batch and whether
    ///      any record pays a non-zero withdrawal.
    function _publicInputs(uint256 newRoot, uint256 newOpChain, BatchSlot[] calldata slots)
        private
        view
        returns (uint256[] memory inputs, uint64 nextDeposit, bool hasWithdrawals)
    {
        uint256 n = slots.length;
        inputs = new uint256[](_HEADER_INPUTS + 2 * n);
        inputs[0] = stateRoot;
        inputs[1] = newRoot;
        inputs[2] = opChain;
        inputs[3] = newOpChain;

        nextDeposit = processedDeposits;
        uint64 queued = depositCount;
        uint32 tokens = tokenCount;
        bool tail;
        for (uint256 i; i < n; ++i) {
            BatchSlot calldata slot = slots[i];
            uint8 kind = slot.kind;
            if (kind == BridgeProtocol.KIND_NONE) {
                _checkEmptySlot(i, slot);
                tail = true;
                continue; // a = b = 0, already zero in memory
            }
            if (tail) revert SlotAfterEmptySlot(i);
            if (kind == BridgeProtocol.KIND_CREDIT) {
                _checkQueued(nextDeposit, queued, BridgeProtocol.depositHash(_slotRecord(slot)));
                ++nextDeposit;
            } else if (kind == BridgeProtocol.KIND_FORCED_WITHDRAW) {
                _checkQueued(nextDeposit, queued, _checkRequestSlot(i, slot));
                ++nextDeposit;
                if (slot.amount != 0) hasWithdrawals = true;
            } else if (kind == BridgeProtocol.KIND_WITHDRAW) {
                _checkWithdrawalSlot(i, slot, tokens);
                hasWithdrawals = true;
            } else {
                revert UnknownSlotKind(i, kind);
            }
            inputs[_HEADER_INPUTS + 2 * i] = BridgeProtocol.slotA(kind, slot.tokenId, slot.account);
            inputs[_HEADER_INPUTS + 2 * i + 1] = slot.amount;
        }
    }

    /// @dev The deposit record a deposit slot claims to be.
    function _slotRecord(BatchSlot calldata slot) private pure returns (BridgeProtocol.DepositRecord memory) {
        return BridgeProtocol.DepositRecord({
            recipient: slot.account,
            tokenId: slot.tokenId,
            amount: slot.amount,
            depositor: slot.depositor,
            timestamp: slot.timestamp
        });
    }

    /// @dev A forced withdrawal slot: no depositor (the amount is any uint128, fixed by the attested op log and
    ///      bounded by the circuit). Returns the request hash the slot claims, which the caller checks.
    function _checkRequestSlot(uint256 index, BatchSlot calldata slot) private pure returns (bytes32) {
        if (slot.depositor != address(0)) revert NonZeroSlotField(index);
        return BridgeProtocol.requestHash(
            BridgeProtocol.WithdrawalRequestRecord({
                owner: slot.account, tokenId: slot.tokenId, timestamp: slot.timestamp
            })
        );
    }

    /// @dev A withdrawal slot: known token, non-zero recipient and amount, no deposit fields.
    function _checkWithdrawalSlot(uint256 index, BatchSlot calldata slot, uint32 tokens) private pure {
        if (slot.tokenId >= tokens) revert UnknownToken(slot.tokenId);
        if (slot.account == address(0)) revert ZeroWithdrawalRecipient(index);
        if (slot.amount == 0) revert ZeroWithdrawalAmount(index);
        if (slot.depositor != address(0) || slot.timestamp != 0) revert NonZeroSlotField(index);
    }

    /// @dev An unused slot record: every field zero.
    function _checkEmptySlot(uint256 index, BatchSlot calldata slot) private pure {
        if (
            slot.tokenId != 0 || slot.account != address(0) || slot.amount != 0
                || slot.depositor != address(0) || slot.timestamp != 0
        ) revert NonZeroSlotField(index);
    }

    /// @dev The state changes of a verified batch (section 8, step 6) but the withdrawals, then its
    ///      `BatchVerified` and `BatchOps` events. Returns the batch's number.
    function _applyBatch(
        uint256 newRoot,
        uint256 newOpChain,
        uint64 l2OpCount_,
        bytes32 l2OpHead_,
        uint64 nextDeposit,
        bytes calldata ops
    ) private returns (uint64 batchNumber) {
        batchNumber = batchCount;
        uint64 firstOpIndex = l2OpCount;
        stateRoot = newRoot;
        opChain = newOpChain;
        batchCount = batchNumber + 1;
        l2OpCount = l2OpCount_;
        processedDeposits = nextDeposit;
        l2OpHead = l2OpHead_;
        emit BatchVerified(batchNumber, newRoot, newOpChain, nextDeposit);
        emit BatchOps(batchNumber, firstOpIndex, ops);
    }

    /// @dev Credits every withdrawal and forced withdrawal slot of a proven batch with a non-zero amount to
    ///      its recipient's pending withdrawals and takes the amount off the token's supply. The subtraction
    ///      is checked: a proven batch cannot withdraw more than was deposited (the circuit conserves
    ///      balances), so an underflow could only come from an unsound proof, and then refusing is right.
    function _applyWithdrawals(uint64 batchNumber, BatchSlot[] calldata slots) private {
        uint256 n = slots.length;
        for (uint256 i; i < n; ++i) {
            BatchSlot calldata slot = slots[i];
            uint8 kind = slot.kind;
            uint128 amount = slot.amount;
            if (
                (kind == BridgeProtocol.KIND_WITHDRAW || kind == BridgeProtocol.KIND_FORCED_WITHDRAW)
                    && amount != 0
            ) {
                tokenSupply[slot.tokenId] -= amount;
                pendingWithdrawals[slot.account][slot.tokenId] += amount;
                emit WithdrawalQueued(batchNumber, slot.account, slot.tokenId, amount);
            }
        }
    }

    /// @dev Selector of snarkjs's `verifyProof` for `inputCount` public inputs (see IBatchVerifier).
    function _verifyProofSelector(uint256 inputCount) private pure returns (bytes4) {
        // The signature is longer than 32 bytes by nature; this runs once, in the constructor.
        // solhint-disable-next-line gas-small-strings
        string memory signature = string.concat(
            "verifyProof(uint256[2],uint256[2][2],uint256[2],uint256[", Strings.toString(inputCount), "])"
        );
        return bytes4(keccak256(bytes(signature)));
    }

    /// @dev Calls the verifier as IBatchVerifier describes; anything but a clean `true` is an invalid proof.
    function _verifyProof(uint256[8] calldata proof, uint256[] memory inputs) private view {
        (bool success, bytes memory answer) =
            verifier.staticcall(abi.encodePacked(verifierSelector, proof, inputs));
        if (!success || answer.length < 32 || abi.decode(answer, (uint256)) != 1) revert InvalidProof();
    }

    /// @dev Zeroes `account`'s pending amount of `tokenId`, then pays it (pull payment).
    function _claim(address account, uint32 tokenId) private {
        uint256 amount = pendingWithdrawals[account][tokenId];
        if (amount == 0) revert NothingToClaim(account, tokenId);
        pendingWithdrawals[account][tokenId] = 0;
        emit Claimed(account, tokenId, amount);

        if (tokenId == _ETH_TOKEN_ID) {
            (bool success,) = account.call{value: amount}("");
            if (!success) revert EthTransferFailed(account, amount);
        } else {
            IERC20(tokenAddress[tokenId]).safeTransfer(account, amount);
        }
    }
}
