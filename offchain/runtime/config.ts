/**
 * Configuration: parsed once at start from the environment (and deployments/<chainId>.json),
 * validated with zod. A wrong or missing value stops the service with a message naming it.
 */

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { BridgeError } from "../lib/errors.js";

/** Thrown for invalid configuration; `message` names every bad field and what to fix. */
export class ConfigError extends BridgeError {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

export const zUrl = z.string().refine((s) => {
  try {
    const u = new URL(s);
    return /^(https?|wss?):$/.test(u.protocol) && u.host !== "";
  } catch {
    return false;
  }
}, "must be a URL such as http://127.0.0.1:8545 (http, https, ws or wss)");
export const zAddress = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, "must be an address: 0x followed by 40 hex digits")
  .transform((s) => s as `0x${string}`);
export const zPrivateKey = z
  .string()
  .regex(/^0x[0-9a-fA-F]{64}$/, "must be a private key: 0x followed by 64 hex digits")
  .transform((s) => s as `0x${string}`);
/** A whole number from an environment string ("12"). */
export const zInt = (min = 0) => z.coerce.number().int("must be a whole number").min(min, `must be >= ${min}`);
export const zBigint = z
  .union([z.string().regex(/^\d+$/, "must be a decimal number"), z.number().int().nonnegative()])
  .transform((v) => BigInt(v));

/** Parses `source` with `schema`, turning zod issues into one ConfigError naming each field. */
export function parseConfig<S extends z.ZodType>(schema: S, source: unknown, where = "environment"): z.output<S> {
  const result = schema.safeParse(source);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => {
      const field = issue.path.length ? issue.path.join(".") : "(root)";
      const value = issue.path.reduce<unknown>(
        (o, k) => (o && typeof o === "object" ? (o as Record<PropertyKey, unknown>)[k as PropertyKey] : undefined),
        source,
      );
      const secret = /PRIVATE|SECRET|PASSWORD|MNEMONIC|(^|_)KEY$/i.test(field);
      if (value === undefined && issue.code === "invalid_type") return `${field} (${where}): required but missing`;
      const shown = value === undefined ? "missing" : secret ? "value hidden" : `got ${JSON.stringify(value)}`;
      return `${field} (${where}): ${issue.message} (${shown})`;
    }),
  );
}

/** deployments/<chainId>.json, written by the deploy scripts (docs/deploy.md). */
export const DeploymentSchema = z.object({
  chainId: z.number().int().positive(),
  layer: z.enum(["L1", "L2"]),
  deployBlock: z.number().int().nonnegative(),
  contracts: z.record(z.string(), zAddress),
  params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.array(zAddress)])).default({}),
});
export type Deployment = z.output<typeof DeploymentSchema>;

/** Reads and validates deployments/<chainId>.json from `dir`. */
export function loadDeployment(dir: string, chainId: number): Deployment {
  const file = join(dir, `${chainId}.json`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new ConfigError([
      `${file}: cannot read deployment (${(error as Error).message}); run the deploy script first`,
    ]);
  }
  const deployment = parseConfig(DeploymentSchema, raw, file);
  if (deployment.chainId !== chainId) {
    throw new ConfigError([`${file}: chainId is ${deployment.chainId}, expected ${chainId}`]);
  }
  return deployment;
}

/** The address of `name` in a deployment, or a ConfigError naming what is missing. */
export function contractAddress(d: Deployment, name: string): `0x${string}` {
  const address = d.contracts[name];
  if (!address) throw new ConfigError([`deployments/${d.chainId}.json: contracts.${name} is missing`]);
  return address;
}
