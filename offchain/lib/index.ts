export * from "./attestation.js";
export * from "./errors.js";
export * from "./field.js";
export * from "./oplog.js";
export * from "./protocol.js";
export * from "./tree.js";
