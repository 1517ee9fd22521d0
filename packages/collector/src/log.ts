import { createHash } from 'node:crypto';
import { type DestinationStream, type Logger as PinoLogger, pino } from 'pino';
import { prettyFactory } from 'pino-pretty';

/** Which part of the collector a log line comes from; its `component` field. */
export type Component =
  | 'collector'
  | 'relay'
  | 'orders'
  | 'usage'
  | 'store'
  | 'sandbox'
  | 'cli'
  | 'http';

/** Extra fields of a log line: plain values only, never request or beacon objects. */
export type LogFields = Readonly<Record<string, string | number | boolean | null>>;

/** One-line logger; every line carries its component. */
export interface Logger {
  debug(component: Component, message: string, fields?: LogFields): void;
  info(component: Component, message: string, fields?: LogFields): void;
  warn(component: Component, message: string, fields?: LogFields): void;
  error(component: Component, message: string, fields?: LogFields): void;
  /** The pino logger behind this one, for request logging; absent on test loggers. */
  readonly pino?: PinoLogger;
}

/** Levels accepted by `CLM_LOG_LEVEL`, most to least severe. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** `json`: one JSON object per line (production); `pretty`: `[component] message` for people. */
export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** Options of {@link createLogger}. */
export interface LogOptions {
  level: LogLevel;
  format: LogFormat;
  /** Where lines go; default stdout. Written synchronously, so nothing is lost on exit. */
  destination?: { write(chunk: string): unknown };
  /** Colour the pretty format (a terminal). */
  colorize?: boolean;
}

// Control characters (newlines above all) from user data would split or forge lines.
const oneLine = (message: string) => message.replace(/[\p{Cc}\u2028\u2029]+/gu, ' ');

function prettyStream(destination: { write(chunk: string): unknown }, colorize: boolean) {
  // prettyFactory formats a line in the caller's tick: no worker thread, no buffer to lose.
  const format = prettyFactory({
    colorize,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,component,reqId,method,path,status,responseTime',
    messageFormat: '[{component}] {msg}{if reqId} (request {reqId}){end}',
    singleLine: true,
  });
  return { write: (line: string) => void destination.write(format(line)) };
}

/**
 * Logger writing one line per event: JSON objects with `level`, `time`, `component` and
 * `msg`, or the same readably (`pretty`).
 */
export function createLogger(options: LogOptions): Logger {
  const destination = options.destination ?? process.stdout;
  const stream: DestinationStream =
    options.format === 'pretty'
      ? prettyStream(destination, options.colorize ?? false)
      : { write: (line) => void destination.write(line) };
  const base = pino(
    { level: options.level, base: null, timestamp: pino.stdTimeFunctions.isoTime },
    stream,
  );
  const at =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (component: Component, message: string, fields?: LogFields) =>
      base[level]({ component, ...fields }, oneLine(message));
  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    pino: base,
  };
}

/** Logger that drops everything (tests). */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * Stable short fingerprint of a secret or personal value (provider key, customer id), so
 * log lines can be correlated without printing the value itself.
 */
export function fingerprint(value: string): string {
  return createHash('sha256').update(value).digest('hex').slice(0, 10);
}
