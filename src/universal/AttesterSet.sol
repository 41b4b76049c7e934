// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

// "Strictly ascending" is `next > previous`; its refusal reads best as `next <= previous`.
// solhint-disable gas-strict-inequalities

import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";

import {IAttesterSet} from "./IAttesterSet.sol";

/// @title AttesterSet
/// @notice An M-of-N set of attesters whose EIP-712 signatures authorise what one chain learns about the
///         other (docs/protocol.md section 14). Only the governor changes the set, and only through
///         propose -> wait `governanceDelay` -> apply; nothing else changes who attests.
/// @dev Membership is `_memberVersion[account] == attesterSetVersion`, so a change writes the new members
///      once and never has to clear the old ones. A check costs one `ecrecover` and one cold storage
///      read per signature.
/// @custom:invariant The set in force is strictly ascending, has 1 to 32 members, none zero, and
///                   `1 <= attesterThreshold <= attesters().length`.
/// @custom:invariant The set in force changes only through `applyAttesterSet`, at least `governanceDelay`
///                   seconds after the proposal it applies.
abstract contract AttesterSet is IAttesterSet, Ownable2Step, EIP712 {
    /*//////////////////////////////////////////////////////////////
                               CONSTANTS
    //////////////////////////////////////////////////////////////*/

    /// @notice The largest set: bounds the gas of a set change.
    uint256 public constant MAX_ATTESTERS = 32;

    /// @dev Length of one packed signature, r ‖ s ‖ v.
    uint256 private constant _SIGNATURE_LENGTH = 65;

    /*//////////////////////////////////////////////////////////////
                                 TYPES
    //////////////////////////////////////////////////////////////*/

    /// @dev A proposed set; `eta` 0 means none is pending.
    struct PendingSet {
        address[] attesters;
        uint8 threshold;
        uint64 eta;
    }

    /*//////////////////////////////////////////////////////////////
                               IMMUTABLES
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IAttesterSet
    uint64 public immutable governanceDelay;

    /*//////////////////////////////////////////////////////////////
                                STORAGE
    //////////////////////////////////////////////////////////////*/

    // One word, read by every attested call.
    /// @inheritdoc IAttesterSet
    uint64 public attesterSetVersion;

    /// @inheritdoc IAttesterSet
    uint8 public attesterThreshold;

    /// @dev The members in force, ascending.
    address[] private _attesters;

    /// @dev The set version in which each account was last made a member.
    mapping(address account => uint64 version) private _memberVersion;

    /// @dev The pending proposal.
    PendingSet private _pending;

    /*//////////////////////////////////////////////////////////////
                              CONSTRUCTOR
    //////////////////////////////////////////////////////////////*/

    /// @param initialAttesters The first set (version 1), strictly ascending, none zero, 1 to 32.
    /// @param initialThreshold Its threshold, 1 to `initialAttesters.length`.
    /// @param governanceDelay_ Seconds between a proposal and its earliest application; at least 1.
    constructor(address[] memory initialAttesters, uint8 initialThreshold, uint64 governanceDelay_) {
        if (governanceDelay_ == 0) revert InvalidGovernanceDelay(governanceDelay_);
        governanceDelay = governanceDelay_;
        _checkSet(initialAttesters, initialThreshold);
        _install(initialAttesters, initialThreshold);
    }

    /*//////////////////////////////////////////////////////////////
                               GOVERNANCE
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IAttesterSet
    function proposeAttesterSet(address[] calldata newAttesters, uint8 newThreshold) external onlyOwner {
        _checkSet(newAttesters, newThreshold);
        // casting to uint64 is safe until the year 584 billion
        // forge-lint: disable-next-line(unsafe-typecast)
        uint64 eta = uint64(block.timestamp) + governanceDelay;
        _pending = PendingSet({attesters: newAttesters, threshold: newThreshold, eta: eta});
        emit AttesterSetProposed(attesterSetVersion + 1, newAttesters, newThreshold, eta);
    }

    /// @inheritdoc IAttesterSet
    function cancelAttesterSet() external onlyOwner {
        if (_pending.eta == 0) revert NoPendingAttesterSet();
        delete _pending;
        emit AttesterSetCancelled(attesterSetVersion + 1);
    }

    /// @inheritdoc IAttesterSet
    function applyAttesterSet() external onlyOwner {
        PendingSet memory pending = _pending;
        if (pending.eta == 0) revert NoPendingAttesterSet();
        // The delay is minutes to days long: a few seconds of validator drift do not matter.
        // forge-lint: disable-next-line(block-timestamp)
        if (block.timestamp < pending.eta) revert GovernanceDelayNotElapsed(pending.eta);
        delete _pending;
        _install(pending.attesters, pending.threshold);
    }

    /*//////////////////////////////////////////////////////////////
                                 VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IAttesterSet
    function attesters() external view returns (address[] memory) {
        return _attesters;
    }

    /// @inheritdoc IAttesterSet
    function isAttester(address account) public view returns (bool) {
        return account != address(0) && _memberVersion[account] == attesterSetVersion;
    }

    /// @inheritdoc IAttesterSet
    function pendingAttesterSet()
        external
        view
        returns (address[] memory pendingAttesters, uint8 pendingThreshold, uint64 eta)
    {
        return (_pending.attesters, _pending.threshold, _pending.eta);
    }

    /// @inheritdoc IAttesterSet
    function domainSeparator() external view returns (bytes32) {
        return _domainSeparatorV4();
    }

    /*//////////////////////////////////////////////////////////////
                               INTERNALS
    //////////////////////////////////////////////////////////////*/

    /// @dev Reverts unless `signatures` holds at least `attesterThreshold` well-formed signatures of
    ///      `digest` by members of the set in force, signers strictly ascending (section 14.2).
    function _checkAttestations(bytes32 digest, bytes calldata signatures) internal view {
        uint256 length = signatures.length;
        if (length % _SIGNATURE_LENGTH != 0) revert SignaturesLengthInvalid(length);
        uint256 count = length / _SIGNATURE_LENGTH;
        uint64 version = attesterSetVersion;
        uint256 threshold = attesterThreshold;
        if (count < threshold) revert TooFewSignatures(count, threshold);

        address previous;
        for (uint256 i; i < count; ++i) {
            address signer = _recover(digest, signatures, i);
            if (signer <= previous) revert SignersNotAscending(i);
            if (_memberVersion[signer] != version) revert SignerNotAttester(i, signer);
            previous = signer;
        }
    }

    /// @dev The signer of packed signature `index`; reverts on a malformed one (OpenZeppelin ECDSA rules).
    function _recover(bytes32 digest, bytes calldata signatures, uint256 index)
        private
        pure
        returns (address)
    {
        bytes32 r;
        bytes32 s;
        uint8 v;
        assembly ("memory-safe") {
            let p := add(signatures.offset, mul(index, _SIGNATURE_LENGTH))
            r := calldataload(p)
            s := calldataload(add(p, 32))
            v := byte(0, calldataload(add(p, 64)))
        }
        (address signer, ECDSA.RecoverError error,) = ECDSA.tryRecover(digest, v, r, s);
        if (error != ECDSA.RecoverError.NoError) revert InvalidSignature(index);
        return signer;
    }

    /// @dev Reverts unless `set` and `threshold` form a valid set.
    function _checkSet(address[] memory set, uint256 threshold) private pure {
        uint256 n = set.length;
        if (n == 0 || n > MAX_ATTESTERS) revert InvalidAttesterCount(n);
        if (threshold == 0 || threshold > n) revert InvalidAttesterThreshold(threshold, n);
        if (set[0] == address(0)) revert AttesterIsZeroAddress();
        for (uint256 i = 1; i < n; ++i) {
            if (set[i] <= set[i - 1]) revert AttestersNotAscending(i);
        }
    }

    /// @dev Puts a checked set in force as the next version.
    function _install(address[] memory set, uint8 threshold) private {
        uint64 version = attesterSetVersion + 1;
        uint256 n = set.length;
        for (uint256 i; i < n; ++i) {
            _memberVersion[set[i]] = version;
        }
        _attesters = set;
        attesterSetVersion = version;
        attesterThreshold = threshold;
        emit AttesterSetApplied(version, set, threshold);
    }
}
