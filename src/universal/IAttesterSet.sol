// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title IAttesterSet
/// @notice The M-of-N attester set that both bridge contracts check signatures against, and its
///         delayed changes by the governor (docs/protocol.md section 14).
interface IAttesterSet {
    /*//////////////////////////////////////////////////////////////
                                 EVENTS
    //////////////////////////////////////////////////////////////*/

    /// @notice The governor proposed a new set, to become version `version` once `eta` has passed.
    event AttesterSetProposed(uint64 indexed version, address[] attesters, uint8 threshold, uint64 eta);

    /// @notice The governor cancelled the pending proposal that would have become version `version`.
    event AttesterSetCancelled(uint64 indexed version);

    /// @notice Set `version` is now in force (version 1 is the constructor's).
    event AttesterSetApplied(uint64 indexed version, address[] attesters, uint8 threshold);

    /*//////////////////////////////////////////////////////////////
                             CUSTOM ERRORS
    //////////////////////////////////////////////////////////////*/

    /// @notice A set must have 1 to 32 attesters.
    error InvalidAttesterCount(uint256 count);

    /// @notice The threshold must be between 1 and the number of attesters.
    error InvalidAttesterThreshold(uint256 threshold, uint256 count);

    /// @notice An attester cannot be the zero address.
    error AttesterIsZeroAddress();

    /// @notice Attesters must be strictly ascending (which also rules out duplicates); `index` breaks it.
    error AttestersNotAscending(uint256 index);

    /// @notice The governance delay must be at least one second.
    error InvalidGovernanceDelay(uint64 delay);

    /// @notice There is no pending set to apply or cancel.
    error NoPendingAttesterSet();

    /// @notice The pending set can be applied only from `eta` on.
    error GovernanceDelayNotElapsed(uint64 eta);

    /// @notice `signatures` is not a whole number of 65-byte signatures.
    error SignaturesLengthInvalid(uint256 length);

    /// @notice `count` signatures were given where the threshold is `threshold`.
    error TooFewSignatures(uint256 count, uint256 threshold);

    /// @notice Signature `index` is malformed (high s, v not 27 or 28, or no signer recovers).
    error InvalidSignature(uint256 index);

    /// @notice The signer of signature `index` is not above the previous one (order or duplicate).
    error SignersNotAscending(uint256 index);

    /// @notice The signer of signature `index` is not in the current set.
    error SignerNotAttester(uint256 index, address signer);

    /*//////////////////////////////////////////////////////////////
                               FUNCTIONS
    //////////////////////////////////////////////////////////////*/

    /// @notice Proposes a new set (governor only); it can be applied `governanceDelay` seconds later.
    /// @dev The set is checked as the constructor's is. A new proposal replaces a pending one and restarts
    ///      the delay.
    /// @param newAttesters The new attesters, strictly ascending, none zero, 1 to 32 of them.
    /// @param newThreshold The new threshold, 1 to `newAttesters.length`.
    function proposeAttesterSet(address[] calldata newAttesters, uint8 newThreshold) external;

    /// @notice Drops the pending proposal (governor only).
    function cancelAttesterSet() external;

    /// @notice Installs the pending proposal once its delay has passed (governor only).
    function applyAttesterSet() external;

    /// @notice The attesters in force, ascending.
    function attesters() external view returns (address[] memory);

    /// @notice How many attester signatures an attested call needs.
    function attesterThreshold() external view returns (uint8);

    /// @notice Version of the set in force: 1 for the constructor's, +1 on every applied change.
    function attesterSetVersion() external view returns (uint64);

    /// @notice Whether `account` is in the set in force.
    function isAttester(address account) external view returns (bool);

    /// @notice The pending proposal, if any (`eta` 0 when there is none).
    /// @return pendingAttesters The proposed attesters.
    /// @return pendingThreshold The proposed threshold.
    /// @return eta The first timestamp at which it can be applied.
    function pendingAttesterSet()
        external
        view
        returns (address[] memory pendingAttesters, uint8 pendingThreshold, uint64 eta);

    /// @notice Seconds between a proposal and the earliest time it can be applied (immutable).
    function governanceDelay() external view returns (uint64);

    /// @notice The EIP-712 domain separator of this contract (section 14.2).
    function domainSeparator() external view returns (bytes32);
}
