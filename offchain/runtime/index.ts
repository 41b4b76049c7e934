export * from "./chains.js";
export * from "./config.js";
export * from "./db.js";
export * from "./log.js";
export * from "./retry.js";
export * from "./scheduler.js";
export * from "./shutdown.js";
