// circom_runtime (installed with snarkjs, which uses it for `wtns calculate`) ships no types.
// This declares the part the circuit tests use: the wasm witness calculator.
declare module "circom_runtime" {
  export interface WitnessCalculator {
    /** The full witness (wire order of the r1cs); asserts of the circuit throw "Assert Failed". */
    calculateWitness(input: Record<string, unknown>, sanityCheck?: boolean): Promise<bigint[]>;
    /** The witness as a .wtns file image. */
    calculateWTNSBin(input: Record<string, unknown>, sanityCheck?: boolean): Promise<Uint8Array>;
    circom_version(): number;
  }
  export function WitnessCalculatorBuilder(
    code: Uint8Array | ArrayBuffer,
    options?: { sanityCheck?: boolean },
  ): Promise<WitnessCalculator>;
}
