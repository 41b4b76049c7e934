// SPDX-License-Identifier: GPL-3.0
// ------------------------------------------------------------------------------------------------
// GENERATED FILE: do not edit. Regenerate with `make verifier`; `make verifier-check` fails on drift.
// Generator: circuits/scripts/verifier.ts --oracle (snarkjs 0.7.6 Groth16 template, renamed, pragma 0.8.28).
// Circuit: circuits/batch.circom, Batch(DEPTH = 16, BATCH = 4, PUBLIC = 2), 48519 constraints,
//          8 public inputs: oldRoot, newRoot, oldOpChain, newOpChain, a_0, b_0, ..., a_1, b_1.
// r1cs sha256: be8b294036421dded02d22e1685a2e330046b33e7ef016ee4d52eaeaaab5bfa1
// Setup: build/setup/dev-16.ptau (power 16, sha256 0189169a56f58e7f...),
//        phase 2 by circuits/setup/zkey.ts (snarkjs groth16 setup + fixed public beacon).
// The development setup's toxic waste is public (docs/circuit.md): never deploy this key on a real network.
// ------------------------------------------------------------------------------------------------
// TEST ORACLE ONLY: snarkjs's own verifier, which test/verifier/ compares src/verifier/BatchVerifier.sol to.
/*
    Copyright 2021 0KIMS association.

    This file is generated with [snarkJS](https://github.com/iden3/snarkjs).

    snarkJS is a free software: you can redistribute it and/or modify it
    under the terms of the GNU General Public License as published by
    the Free Software Foundation, either version 3 of the License, or
    (at your option) any later version.

    snarkJS is distributed in the hope that it will be useful, but WITHOUT
    ANY WARRANTY; without even the implied warranty of MERCHANTABILITY
    or FITNESS FOR A PARTICULAR PURPOSE. See the GNU General Public
    License for more details.

    You should have received a copy of the GNU General Public License
    along with snarkJS. If not, see <https://www.gnu.org/licenses/>.
*/

pragma solidity 0.8.28;

contract SnarkjsGroth16Verifier {
    // Scalar field size
    uint256 constant r    = 21888242871839275222246405745257275088548364400416034343698204186575808495617;
    // Base field size
    uint256 constant q   = 21888242871839275222246405745257275088696311157297823662689037894645226208583;

    // Verification Key data
    uint256 constant alphax  = 48799591397000017684769427546052225112998900172739411706904079153616283282;
    uint256 constant alphay  = 13731148121573511682214114072872516370188208398498969259023015856548356443166;
    uint256 constant betax1  = 20023823832141145235016327265266769975966251037558877478122678647758720949987;
    uint256 constant betax2  = 13776886019869557746666674639228605603059554068814400604157803245648908282965;
    uint256 constant betay1  = 9679438569301714190024634114971453983357597080455321909056717204488669425020;
    uint256 constant betay2  = 6468163471755297685039564158828681759036325046134203721313625961382442823382;
    uint256 constant gammax1 = 11559732032986387107991004021392285783925812861821192530917403151452391805634;
    uint256 constant gammax2 = 10857046999023057135944570762232829481370756359578518086990519993285655852781;
    uint256 constant gammay1 = 4082367875863433681332203403145435568316851327593401208105741076214120093531;
    uint256 constant gammay2 = 8495653923123431417604973247489272438418190587263600148770280649306958101930;
    uint256 constant deltax1 = 3541899065434836457249166365507620019602725788726280954707626663119603921458;
    uint256 constant deltax2 = 7699072479820426199380439126091079748314324516550921821342694313036362262396;
    uint256 constant deltay1 = 3159594974572543097035212561178194083156799902151165939854509724787344445103;
    uint256 constant deltay2 = 6974494095281252074587300273495470937959312588192946068129043542189318189500;

    
    uint256 constant IC0x = 18212592386000984503786122464029095378081389003511283998226459770416436454206;
    uint256 constant IC0y = 1657358672405041675041726999294805870742814073705416660662802436070033551256;
    
    uint256 constant IC1x = 10324498172272797286556986692150233890758169576385705508785207093140464110572;
    uint256 constant IC1y = 12882906532072628559560022603918966087595840132525369018416253888525977671412;
    
    uint256 constant IC2x = 3979815775023396322034416055747102892664899894695502959698203750050325468676;
    uint256 constant IC2y = 7415220070562680497245325574976444524020015586773239714668170188846620725380;
    
    uint256 constant IC3x = 9907684203846327046605586206930124570143277773758051815778284493535248807600;
    uint256 constant IC3y = 21363548156663991340368984281667007482030971961538247364166696884032861278342;
    
    uint256 constant IC4x = 17588463039372468041299044562006524856060233025921443528691302296921616425000;
    uint256 constant IC4y = 20734957761029893307373424354170341457284215076462659860374858832799942667611;
    
    uint256 constant IC5x = 11048480859203311593361014334493109789266546503211830718611247691663411963099;
    uint256 constant IC5y = 20262992758896255024022677105573406734826385321824248874167579947861817826330;
    
    uint256 constant IC6x = 13067679467149419826057399072208043646336920145877821285583379039260922945943;
    uint256 constant IC6y = 16933220351275915372786668751343915009929905719741226933073926290024036649199;
    
    uint256 constant IC7x = 14973799625718248893995685691795068378368049178483358238408900721994978658140;
    uint256 constant IC7y = 19912875090759372625422119950863686743892389735935278907379599652724117419750;
    
    uint256 constant IC8x = 14230021300144468161014273160175140578058446675583822672862073212296124146272;
    uint256 constant IC8y = 4684999981842405927210219835265746142094138209997359910971333563902010187819;
    
 
    // Memory data
    uint16 constant pVk = 0;
    uint16 constant pPairing = 128;

    uint16 constant pLastMem = 896;

    function verifyProof(uint[2] calldata _pA, uint[2][2] calldata _pB, uint[2] calldata _pC, uint[8] calldata _pubSignals) public view returns (bool) {
        assembly {
            function checkField(v) {
                if iszero(lt(v, r)) {
                    mstore(0, 0)
                    return(0, 0x20)
                }
            }
            
            // G1 function to multiply a G1 value(x,y) to value in an address
            function g1_mulAccC(pR, x, y, s) {
                let success
                let mIn := mload(0x40)
                mstore(mIn, x)
                mstore(add(mIn, 32), y)
                mstore(add(mIn, 64), s)

                success := staticcall(sub(gas(), 2000), 7, mIn, 96, mIn, 64)

                if iszero(success) {
                    mstore(0, 0)
                    return(0, 0x20)
                }

                mstore(add(mIn, 64), mload(pR))
                mstore(add(mIn, 96), mload(add(pR, 32)))

                success := staticcall(sub(gas(), 2000), 6, mIn, 128, pR, 64)

                if iszero(success) {
                    mstore(0, 0)
                    return(0, 0x20)
                }
            }

            function checkPairing(pA, pB, pC, pubSignals, pMem) -> isOk {
                let _pPairing := add(pMem, pPairing)
                let _pVk := add(pMem, pVk)

                mstore(_pVk, IC0x)
                mstore(add(_pVk, 32), IC0y)

                // Compute the linear combination vk_x
                
                g1_mulAccC(_pVk, IC1x, IC1y, calldataload(add(pubSignals, 0)))
                
                g1_mulAccC(_pVk, IC2x, IC2y, calldataload(add(pubSignals, 32)))
                
                g1_mulAccC(_pVk, IC3x, IC3y, calldataload(add(pubSignals, 64)))
                
                g1_mulAccC(_pVk, IC4x, IC4y, calldataload(add(pubSignals, 96)))
                
                g1_mulAccC(_pVk, IC5x, IC5y, calldataload(add(pubSignals, 128)))
                
                g1_mulAccC(_pVk, IC6x, IC6y, calldataload(add(pubSignals, 160)))
                
                g1_mulAccC(_pVk, IC7x, IC7y, calldataload(add(pubSignals, 192)))
                
                g1_mulAccC(_pVk, IC8x, IC8y, calldataload(add(pubSignals, 224)))
                

                // -A
                mstore(_pPairing, calldataload(pA))
                mstore(add(_pPairing, 32), mod(sub(q, calldataload(add(pA, 32))), q))

                // B
                mstore(add(_pPairing, 64), calldataload(pB))
                mstore(add(_pPairing, 96), calldataload(add(pB, 32)))
                mstore(add(_pPairing, 128), calldataload(add(pB, 64)))
                mstore(add(_pPairing, 160), calldataload(add(pB, 96)))

                // alpha1
                mstore(add(_pPairing, 192), alphax)
                mstore(add(_pPairing, 224), alphay)

                // beta2
                mstore(add(_pPairing, 256), betax1)
                mstore(add(_pPairing, 288), betax2)
                mstore(add(_pPairing, 320), betay1)
                mstore(add(_pPairing, 352), betay2)

                // vk_x
                mstore(add(_pPairing, 384), mload(add(pMem, pVk)))
                mstore(add(_pPairing, 416), mload(add(pMem, add(pVk, 32))))


                // gamma2
                mstore(add(_pPairing, 448), gammax1)
                mstore(add(_pPairing, 480), gammax2)
                mstore(add(_pPairing, 512), gammay1)
                mstore(add(_pPairing, 544), gammay2)

                // C
                mstore(add(_pPairing, 576), calldataload(pC))
                mstore(add(_pPairing, 608), calldataload(add(pC, 32)))

                // delta2
                mstore(add(_pPairing, 640), deltax1)
                mstore(add(_pPairing, 672), deltax2)
                mstore(add(_pPairing, 704), deltay1)
                mstore(add(_pPairing, 736), deltay2)


                let success := staticcall(sub(gas(), 2000), 8, _pPairing, 768, _pPairing, 0x20)

                isOk := and(success, mload(_pPairing))
            }

            let pMem := mload(0x40)
            mstore(0x40, add(pMem, pLastMem))

            // Validate that all evaluations ∈ F
            
            checkField(calldataload(add(_pubSignals, 0)))
            
            checkField(calldataload(add(_pubSignals, 32)))
            
            checkField(calldataload(add(_pubSignals, 64)))
            
            checkField(calldataload(add(_pubSignals, 96)))
            
            checkField(calldataload(add(_pubSignals, 128)))
            
            checkField(calldataload(add(_pubSignals, 160)))
            
            checkField(calldataload(add(_pubSignals, 192)))
            
            checkField(calldataload(add(_pubSignals, 224)))
            

            // Validate all evaluations
            let isValid := checkPairing(_pA, _pB, _pC, _pubSignals, pMem)

            mstore(0, isValid)
             return(0, 0x20)
         }
     }
 }
