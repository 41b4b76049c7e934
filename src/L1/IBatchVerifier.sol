// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title IBatchVerifier
/// @notice The batch proof verifier `AssetStorage` calls: the generated `Groth16Verifier` for the batch
///         circuit (src/verifier/BatchVerifier.sol, snarkjs's call shape; docs/protocol.md section 8).
/// @dev The generated verifier exposes
///
///          verifyProof(uint[2] calldata _pA, uint[2][2] calldata _pB, uint[2] calldata _pC,
///                      uint[K] calldata _pubSignals) public view returns (bool)
///
///      where `K = 4 + 2N` is fixed by the circuit's batch size `N`. Solidity cannot declare a function
///      whose array length is a constructor parameter, so this interface declares no function: it names
///      and documents the call instead. `AssetStorage` computes the selector once, in its constructor,
///      from the signature string `verifyProof(uint256[2],uint256[2][2],uint256[2],uint256[K])` with `K`
///      in decimal, and calls the verifier with a low-level `staticcall` on
///
///          selector ‖ pA0 ‖ pA1 ‖ pB00 ‖ pB01 ‖ pB10 ‖ pB11 ‖ pC0 ‖ pC1 ‖ input_0 ‖ ... ‖ input_{K-1}
///
///      (static arrays encode as consecutive 32-byte words, without offsets or lengths). The proof words
///      are those printed by snarkjs `exportSolidityCallData` (pi_b already swapped for the verifier), the
///      inputs are `oldRoot, newRoot, oldOpChain, newOpChain, a_0, b_0, ..., a_{N-1}, b_{N-1}`.
///
///      The proof is accepted only if the call succeeds and returns at least one word equal to `1`
///      (ABI `true`). A revert, a verifier without code, short return data or `false` all count as an
///      invalid proof. A verifier compiled for another batch size has another selector, so it rejects the
///      call (the generated contract has no fallback).
interface IBatchVerifier {}
