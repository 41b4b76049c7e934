// The package ships types, but its package.json "exports" hides them from NodeNext resolution.
// This declares the part of @zk-kit/incremental-merkle-tree 1.1.0 that offchain/lib/tree.ts uses.
declare module "@zk-kit/incremental-merkle-tree" {
  export type Node = bigint | string | number;
  export interface MerkleProof {
    root: Node;
    leaf: Node;
    siblings: Node[][] | Node[];
    pathIndices: number[];
  }
  export class IncrementalMerkleTree {
    constructor(hash: (values: Node[]) => Node, depth: number, zeroValue: Node, arity?: number, leaves?: Node[]);
    readonly root: Node;
    readonly depth: number;
    readonly leaves: Node[];
    readonly zeroes: Node[];
    readonly arity: number;
    indexOf(leaf: Node): number;
    insert(leaf: Node): void;
    delete(index: number): void;
    update(index: number, newLeaf: Node): void;
    createProof(index: number): MerkleProof;
    verifyProof(proof: MerkleProof): boolean;
  }
}
