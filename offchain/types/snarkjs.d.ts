// Minimal declarations for the part of snarkjs 0.7.6 this repo calls. The package ships no types.
// Shared file: extend additively (add members, do not narrow existing ones).
declare module "snarkjs" {
  /** snarkjs accepts a logplease-style logger; every method is optional in practice. */
  export interface SnarkjsLogger {
    debug(msg: string): void;
    info(msg: string): void;
    warn(msg: string): void;
    error(msg: string): void;
  }

  export type Groth16Proof = {
    pi_a: string[];
    pi_b: string[][];
    pi_c: string[];
    protocol: string;
    curve: string;
  };

  /** The JSON verification key snarkjs exports (fields depend on the protocol). */
  export type VerificationKey = Record<string, unknown> & { protocol: string; curve: string; nPublic: number };

  export type SignalValue = bigint | number | string | SignalValue[];

  export namespace powersOfTau {
    function newAccumulator(
      curve: unknown,
      power: number,
      fileName: string,
      logger?: SnarkjsLogger,
    ): Promise<Uint8Array>;
    function contribute(
      oldPtau: string,
      newPtau: string,
      name: string,
      entropy: string,
      logger?: SnarkjsLogger,
    ): Promise<Uint8Array>;
    function preparePhase2(oldPtau: string, newPtau: string, logger?: SnarkjsLogger): Promise<void>;
    function verify(ptau: string, logger?: SnarkjsLogger): Promise<boolean>;
  }

  export namespace zKey {
    function newZKey(r1cs: string, ptau: string, zkey: string, logger?: SnarkjsLogger): Promise<unknown>;
    function beacon(
      oldZkey: string,
      newZkey: string,
      name: string,
      beaconHashHex: string,
      numIterationsExp: number,
      logger?: SnarkjsLogger,
    ): Promise<Uint8Array | false>;
    function exportVerificationKey(zkey: string | Uint8Array, logger?: SnarkjsLogger): Promise<VerificationKey>;
    function exportSolidityVerifier(
      zkey: string | Uint8Array,
      templates: Record<string, string>,
      logger?: SnarkjsLogger,
    ): Promise<string>;
    function verifyFromR1cs(r1cs: string, ptau: string, zkey: string, logger?: SnarkjsLogger): Promise<boolean>;
  }

  export namespace groth16 {
    function fullProve(
      input: Record<string, SignalValue>,
      wasmFile: string,
      zkeyFile: string,
      logger?: SnarkjsLogger,
    ): Promise<{ proof: Groth16Proof; publicSignals: string[] }>;
    function verify(
      vk: VerificationKey,
      publicSignals: (string | bigint)[],
      proof: Groth16Proof,
      logger?: SnarkjsLogger,
    ): Promise<boolean>;
    function exportSolidityCallData(proof: Groth16Proof, publicSignals: (string | bigint)[]): Promise<string>;
    /** Proves from a witness already computed (a file name or a `{ type: "mem" }` fastfile). */
    function prove(
      zkeyFile: string | Uint8Array,
      witness: string | { type: "mem"; data?: Uint8Array },
      logger?: SnarkjsLogger,
    ): Promise<{ proof: Groth16Proof; publicSignals: string[] }>;
  }

  export namespace wtns {
    /** Runs the circuit's witness calculator (wasm) into `out` (a file name or a `{ type: "mem" }` fastfile). */
    function calculate(
      input: Record<string, SignalValue>,
      wasmFile: string,
      out: string | { type: "mem"; data?: Uint8Array },
    ): Promise<void>;
  }

  export namespace curves {
    function getCurveFromName(name: string): Promise<unknown>;
  }
}
