import { hash } from 'node:crypto';
import { createRequire } from 'node:module';
import { type DestinationStream, type Logger as PinoLogger, pino } from 'pino';

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

/** Where log lines go. */
export interface LogDestination {
  write(chunk: string): unknown;
}

/** Options of {@link createLogger}. */
export interface LogOptions {
  level: LogLevel;
  format: LogFormat;
  /**
   * Where lines go; default stdout. Written synchronously, so nothing is lost on exit; on
   * the process's own stdout or stderr, the lines of one tick go out in one write
   * ({@link batchLines}).
   */
  destination?: LogDestination;
  /** Colour the pretty format (a terminal). */
  colorize?: boolean;
}

// Control characters (newlines above all) from user data would split or forge lines.
const oneLine = (message: string) => message.replace(/[\p{Cc}\u2028\u2029]+/gu, ' ');

const unwritten = new Set<() => void>();
let exitHooked = false;

/**
 * `destination` with the lines written in one tick of the event loop joined into one
 * write at its end (a `process.nextTick`, which runs once the tick's promise callbacks
 * are done): a batch of beacons committed together logs in one system call, not one per
 * purchase (a tenth of a beacon's cost on a pipe, measured with `--cpu-prof`). Lines still
 * unwritten when the process exits are written then, synchronously; only a kill that
 * leaves no exit (SIGKILL) can lose the last tick's lines.
 */
export function batchLines(destination: LogDestination): LogDestination {
  let pending = '';
  const flush = () => {
    unwritten.delete(flush);
    if (pending === '') return;
    const lines = pending;
    pending = '';
    destination.write(lines);
  };
  if (!exitHooked) {
    exitHooked = true;
    process.once('exit', () => {
      for (const write of unwritten) write();
    });
  }
  return {
    write(line) {
      if (pending === '') {
        unwritten.add(flush);
        process.nextTick(flush);
      }
      pending += line;
    },
  };
}

// pino-pretty is loaded only for the pretty format: a few MB a JSON-logging collector would
// carry for nothing.
const load = createRequire(import.meta.url);

function prettyStream(destination: LogDestination, colorize: boolean) {
  const { prettyFactory } = load('pino-pretty') as typeof import('pino-pretty');
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
  const given = options.destination ?? process.stdout;
  const destination =
    given === process.stdout || given === process.stderr ? batchLines(given) : given;
  const stream: DestinationStream =
    options.format === 'pretty'
      ? prettyStream(destination, options.colorize ?? false)
      : { write: (line) => void destination.write(line) };
  const base = pino(
    { level: options.level, base: null, timestamp: pino.stdTimeFunctions.isoTime },
    stream,
  );
  // One child per component: its `component` field is serialised once, not per line.
  const children = new Map<Component, PinoLogger>();
  const of = (component: Component) => {
    let child = children.get(component);
    if (child === undefined) {
      child = base.child({ component });
      children.set(component, child);
    }
    return child;
  };
  const at =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (component: Component, message: string, fields?: LogFields) => {
      if (!base.isLevelEnabled(level)) return;
      if (fields === undefined) of(component)[level](oneLine(message));
      else of(component)[level](fields, oneLine(message));
    };
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
  // The one-shot digest: no Hash object per call (one per logged purchase).
  return hash('sha256', value, 'hex').slice(0, 10);
}
