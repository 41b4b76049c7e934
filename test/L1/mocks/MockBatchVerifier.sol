// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title MockBatchVerifier
/// @notice Stands in for snarkjs's generated Groth16Verifier in unit tests. Like the real one it answers only
///         `verifyProof(uint256[2],uint256[2][2],uint256[2],uint256[4 + 2N])` for its own N (anything else
///         reverts, as the generated contract has no fallback), and only on calldata of the exact length.
/// @dev AssetStorage calls the verifier with STATICCALL, so this mock cannot record what it got: tests assert
///      the exact calldata with `vm.expectCall`, and `acceptOnly` makes the mock accept one calldata only.
contract MockBatchVerifier {
    /// @notice How the mock answers a well-formed call.
    enum Mode {
        Accept, // returns true
        Reject, // returns false
        Revert, // reverts
        ShortReturn, // returns nothing
        ReturnTwo // returns the word 2 (neither ABI false nor true)
    }

    /// @notice The selector of `verifyProof` for this batch size.
    bytes4 public immutable selector;

    /// @notice The number of public inputs, 4 + 2N.
    uint256 public immutable inputCount;

    /// @notice The current answer mode.
    Mode public mode;

    /// @notice When non-zero, only calldata with this keccak256 is accepted; any other is rejected.
    bytes32 public acceptedCalldataHash;

    /// @notice Builds the mock for batches of `publicSlots` slot records (K).
    constructor(uint16 publicSlots) {
        inputCount = 4 + 2 * uint256(publicSlots);
        selector = bytes4(
            keccak256(
                abi.encodePacked(
                    "verifyProof(uint256[2],uint256[2][2],uint256[2],uint256[", _decimal(inputCount), "])"
                )
            )
        );
    }

    /// @notice Sets the answer mode.
    function setMode(Mode newMode) external {
        mode = newMode;
    }

    /// @notice Accepts only this exact calldata from now on (zero hash: accept any well-formed call).
    function acceptOnly(bytes calldata data) external {
        acceptedCalldataHash = keccak256(data);
    }

    /// @notice Answers `verifyProof` calls.
    fallback(bytes calldata data) external returns (bytes memory) {
        require(msg.sig == selector, "MockBatchVerifier: unknown selector");
        require(data.length == 4 + 32 * (8 + inputCount), "MockBatchVerifier: bad calldata length");
        Mode m = mode;
        if (m == Mode.Revert) revert("MockBatchVerifier: revert mode");
        if (m == Mode.ShortReturn) return "";
        if (m == Mode.ReturnTwo) return abi.encode(uint256(2));
        if (m == Mode.Reject) return abi.encode(false);
        if (acceptedCalldataHash != bytes32(0) && keccak256(data) != acceptedCalldataHash) {
            return abi.encode(false);
        }
        return abi.encode(true);
    }

    function _decimal(uint256 value) private pure returns (bytes memory out) {
        if (value == 0) return "0";
        uint256 digits;
        for (uint256 v = value; v != 0; v /= 10) {
            ++digits;
        }
        out = new bytes(digits);
        for (uint256 i = digits; i > 0; --i) {
            out[i - 1] = bytes1(uint8(48 + value % 10));
            value /= 10;
        }
    }
}

/// @title AcceptingVerifier
/// @notice The cheapest verifier that says yes, for gas snapshots of AssetStorage's own work.
contract AcceptingVerifier {
    /// @notice Returns ABI true to any call.
    fallback() external {
        assembly {
            mstore(0, 1)
            return(0, 32)
        }
    }
}
