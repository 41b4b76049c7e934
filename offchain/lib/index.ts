export * from "./field.js";
export * from "./protocol.js";
export * from "./tree.js";
