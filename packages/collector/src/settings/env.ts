import type { z } from 'zod';

/** The environment as read: unset variables are undefined. */
export type Env = Readonly<Record<string, string | undefined>>;

/** Raised for an invalid environment; the message names each offending variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Parses `env` with a schema of variables; throws a {@link ConfigError} naming every
 * invalid one, in the schema's order.
 */
export function parseEnv<T extends z.ZodType>(schema: T, env: Env): z.output<T> {
  // A variable set to the empty string counts as unset, as in most deployment tools.
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ''),
  );
  const result = schema.safeParse(present);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${String(issue.path[0])} ${issue.message}`);
  throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
}
