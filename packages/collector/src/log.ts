import { createHash } from 'node:crypto';

/** Which part of the collector a log line comes from; printed as `[component]`. */
export type Component = 'collector' | 'relay' | 'store' | 'sandbox' | 'cli';

/** One-line logger; every line carries its component prefix. */
export interface Logger {
  info(component: Component, message: string): void;
  warn(component: Component, message: string): void;
  error(component: Component, message: string): void;
}

interface Writable {
  write(chunk: string): unknown;
}

/**
 * Logger writing `[component] message` lines: info to `out`, warnings and errors to `err`.
 */
export function createConsoleLogger(
  out: Writable = process.stdout,
  err: Writable = process.stderr,
): Logger {
  // Newlines inside a message would break the one-line-per-event contract.
  const line = (component: Component, level: string, message: string) =>
    `[${component}] ${level}${message.replace(/[\r\n]+/g, ' ')}\n`;
  return {
    info: (component, message) => out.write(line(component, '', message)),
    warn: (component, message) => err.write(line(component, 'warn: ', message)),
    error: (component, message) => err.write(line(component, 'error: ', message)),
  };
}

/** Logger that drops everything (tests). */
export const silentLogger: Logger = { info() {}, warn() {}, error() {} };

/**
 * Stable short fingerprint of a secret or personal value (provider key, customer id), so
 * log lines can be correlated without printing the value itself.
 */
export function fingerprint(value: string): string {
  return createHash('sha256').update(value).digest('hex').slice(0, 10);
}
