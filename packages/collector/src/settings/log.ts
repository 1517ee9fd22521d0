import { z } from 'zod';
import { LOG_FORMATS, LOG_LEVELS, type LogFormat, type LogLevel } from '../log.js';
import { type Env, parseEnv } from './env.js';
import { oneOf } from './fields.js';

/** How the collector logs (a part of its Config). */
export interface LogConfig {
  level: LogLevel;
  format: LogFormat;
}

/** Where output goes; decides the default log format. */
export interface Terminal {
  /** Logs default to `pretty` on a terminal, `json` otherwise (pipes, files, tests). */
  stdoutIsTty?: boolean;
}

/** The log variables. */
export const logVariables = {
  CLM_LOG_LEVEL: oneOf(LOG_LEVELS).default('info'),
  // No default here: it depends on whether stdout is a terminal (see logSettings).
  CLM_LOG_FORMAT: oneOf(LOG_FORMATS).optional(),
};

/** The log settings from parsed variables. */
export const logSettings = (
  e: { CLM_LOG_LEVEL: LogLevel; CLM_LOG_FORMAT?: LogFormat | undefined },
  terminal: Terminal,
): LogConfig => ({
  level: e.CLM_LOG_LEVEL,
  format: e.CLM_LOG_FORMAT ?? (terminal.stdoutIsTty ? 'pretty' : 'json'),
});

/** Reads only `CLM_LOG_LEVEL` and `CLM_LOG_FORMAT` (for the sandbox). Throws a ConfigError. */
export function loadLogConfig(env: Env = process.env, terminal: Terminal = {}): LogConfig {
  return logSettings(parseEnv(z.object(logVariables), env), terminal);
}
