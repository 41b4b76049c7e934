// SPDX-License-Identifier: GPL-3.0
// ------------------------------------------------------------------------------------------------
// GENERATED FILE: do not edit. Regenerate with `make verifier`; `make verifier-check` fails on drift.
// Generator: circuits/scripts/verifier.ts --oracle (snarkjs 0.7.6 Groth16 template, renamed, pragma 0.8.28).
// Circuit: circuits/batch.circom, Batch(DEPTH = 16, BATCH = 4), 71251 constraints,
//          12 public inputs: oldRoot, newRoot, oldOpChain, newOpChain, a_0, b_0, ..., a_3, b_3.
// r1cs sha256: a2b0c003e37ade66255d861bc0be4927b79261ce804604c4382ce8fc7c393c92
// Setup: build/setup/dev-17.ptau (power 17, sha256 8d7cad10571881de...),
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

    
    uint256 constant IC0x = 11571774271869464753175653955401745292017727875977253694969394639163099123789;
    uint256 constant IC0y = 20365388245128715063165599382002977064355406688819028890237302010464832206570;
    
    uint256 constant IC1x = 6585419083657879791045961598701933398274027910994367204437521845524461299525;
    uint256 constant IC1y = 21103852550081392758872351706899325111014327252406601876452952108029056955571;
    
    uint256 constant IC2x = 16236875402100458232252830668686727560240111121699321392803714170516370798330;
    uint256 constant IC2y = 18697324865743206163738956826840953524919696092907580500998696557118312612890;
    
    uint256 constant IC3x = 17036350668219812961422809795081567167923383979761773991007583567482947414277;
    uint256 constant IC3y = 5097519989898448219924980797654812708359377711618220014667742789270750351349;
    
    uint256 constant IC4x = 18991880936298443480544081190997213773795125256170360718648869921691588672688;
    uint256 constant IC4y = 13197837891943283738799108269988259910769765732023710305404859894772867611858;
    
    uint256 constant IC5x = 676924123401156633967059400525270665781271774235265513856127057189718667231;
    uint256 constant IC5y = 5551698113467817238115450603519929323116033547888970734407969140193183696542;
    
    uint256 constant IC6x = 18755499798586062497047369451707476287093368935204452344063149809885232051573;
    uint256 constant IC6y = 173772041470990177948488390387565264368190703050218591427638400113694070664;
    
    uint256 constant IC7x = 5383373658395138785383867085465047037141396125383525858203160227854127829144;
    uint256 constant IC7y = 13195221467463690378711357162015633613950971657840315212710171578186544121436;
    
    uint256 constant IC8x = 864118419090119780797171091265486688922292410320960658085857608728348054963;
    uint256 constant IC8y = 21484851983853114105091814867054209675144698893193188131718662585741764893554;
    
    uint256 constant IC9x = 10697504693738690505981314449624084766527866755192967393983418024288799733656;
    uint256 constant IC9y = 19001949306787788506636735528170740793227328492379549533602264161549377054035;
    
    uint256 constant IC10x = 18848343617534807791290900763700442075764529480651043620932013732659425505649;
    uint256 constant IC10y = 7739221182049517077532302931606024340277916977027857342764641711316177293885;
    
    uint256 constant IC11x = 2964103704592968886582372650014323435502784744358775044420838484876784492031;
    uint256 constant IC11y = 7386312343825033205562976042301028112932608237383246469622916021734664840783;
    
    uint256 constant IC12x = 15704033707801957101884437529031964963977822348399760028384878839796778046868;
    uint256 constant IC12y = 11853533699180772677247259171366065299293171750127885067568409093367878436674;
    
 
    // Memory data
    uint16 constant pVk = 0;
    uint16 constant pPairing = 128;

    uint16 constant pLastMem = 896;

    function verifyProof(uint[2] calldata _pA, uint[2][2] calldata _pB, uint[2] calldata _pC, uint[12] calldata _pubSignals) public view returns (bool) {
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
                
                g1_mulAccC(_pVk, IC9x, IC9y, calldataload(add(pubSignals, 256)))
                
                g1_mulAccC(_pVk, IC10x, IC10y, calldataload(add(pubSignals, 288)))
                
                g1_mulAccC(_pVk, IC11x, IC11y, calldataload(add(pubSignals, 320)))
                
                g1_mulAccC(_pVk, IC12x, IC12y, calldataload(add(pubSignals, 352)))
                

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
            
            checkField(calldataload(add(_pubSignals, 256)))
            
            checkField(calldataload(add(_pubSignals, 288)))
            
            checkField(calldataload(add(_pubSignals, 320)))
            
            checkField(calldataload(add(_pubSignals, 352)))
            

            // Validate all evaluations
            let isValid := checkPairing(_pA, _pB, _pC, _pubSignals, pMem)

            mstore(0, isValid)
             return(0, 0x20)
         }
     }
 }
