import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { wallTime } from '@clm/collector';
import { type Ready, spawnReady } from '../../scripts/lib/spawn-ready.mjs';

const cli = join(
  dirname(createRequire(import.meta.url).resolve('@clm/collector/package.json')),
  'dist/cli.js',
);

export interface CollectorOptions {
  onrampBaseUrl: string;
  partnerKeys?: string[];
  allowedOrigins?: string[];
  env?: Record<string, string>;
  /**
   * Runs the process with its wall clock starting at this instant (ISO-8601) and advancing
   * in real time, through Debian's libfaketime (see {@link faketimeLibrary}). Its timers
   * run on the monotonic clock, which stays real, so they fire on time. The test process's
   * own clock is not touched: read the collector's through {@link CollectorProcess.clock}
   * or {@link CollectorProcess.logs}.
   */
  fakeTime?: string;
  /**
   * Its database (`CLM_DB`) instead of a SQLite file of its own: a PostgreSQL URL
   * (`postgres://…`), which several collectors may share (support/postgres.ts makes one).
   */
  db?: string;
}

/** One log line of the collector, its `time` read from the process's (maybe faked) clock. */
export interface LogEntry {
  /** Ms since the epoch. */
  time: number;
  level: number;
  component: string;
  msg: string;
}

/** A real collector process (`clm-collector serve`) with its own SQLite file. */
export interface CollectorProcess {
  url: string;
  /** Its `ONRAMP_BASE_URL`: the sandbox marketplace it reports to. */
  onramp: string;
  /** Its `CLM_DB`: its own SQLite file, or the `db` it was started with. */
  dbPath: string;
  output: () => string;
  /** Kills the process with a signal and waits for it to exit. */
  kill: (signal: NodeJS.Signals) => Promise<number | null>;
  /** Starts it again on the same port and database (with `fakeTime`: at that instant). */
  restart: (options?: { fakeTime?: string }) => Promise<void>;
  /** Every JSON log line so far, of every run. */
  logs: () => LogEntry[];
  /**
   * The process's wall clock as its HTTP `Date` header tells it: whole seconds, rounded
   * down, possibly a few ms behind (Node caches the header for up to a second).
   */
  clock: () => Promise<number>;
  stop: () => Promise<void>;
}

// The collector logs JSON lines; tests read each as `[component] msg {other fields}`.
const readable = (line: string) => {
  if (!line.startsWith('{')) return line;
  try {
    const { level: _level, time: _time, component, msg, ...rest } = JSON.parse(line);
    return `[${component}] ${msg}${Object.keys(rest).length ? ` ${JSON.stringify(rest)}` : ''}`;
  } catch {
    return line;
  }
};
const render = (text: string) => text.split('\n').map(readable).join('\n');

/**
 * Debian's libfaketime (package `faketime`; `FAKETIME_LIB` overrides). Preloaded into the
 * collector itself rather than through the `faketime` wrapper: the wrapper forks and
 * waits, so a SIGKILL sent to it would leave the collector running.
 */
export function faketimeLibrary(): string {
  const fromEnv = process.env.FAKETIME_LIB;
  if (fromEnv) return fromEnv;
  const dirs = ['/usr/lib/faketime', '/usr/local/lib/faketime'];
  for (const lib of ['/usr/lib', '/usr/lib64']) {
    if (!existsSync(lib)) continue;
    for (const entry of readdirSync(lib)) dirs.push(join(lib, entry, 'faketime'));
  }
  // The thread-safe build: Node reads the clock from more than one thread.
  const found = dirs
    .flatMap((dir) => ['libfaketimeMT.so.1', 'libfaketime.so.1'].map((f) => join(dir, f)))
    .find((path) => existsSync(path));
  if (!found) {
    throw new Error(
      "libfaketime not found: install Debian's faketime package (apt-get install faketime), or set FAKETIME_LIB",
    );
  }
  return found;
}

/**
 * The environment that starts a process's wall clock at `instant`. libfaketime reads
 * `@YYYY-MM-DD hh:mm:ss` as local time of the process's `TZ`, so it is written in that zone.
 */
export function fakeTimeEnv(instant: string, zone: string): Record<string, string> {
  const ms = Date.parse(instant);
  if (Number.isNaN(ms)) throw new TypeError(`fakeTime is not an instant: ${instant}`);
  // The collector's own reading of a zone's wall clock, so both agree on what it shows.
  const t = wallTime(ms, zone);
  const two = (n: number) => String(n).padStart(2, '0');
  const wall = `${t.year}-${two(t.month)}-${two(t.day)} ${two(t.hour)}:${two(t.minute)}:${two(t.second)}`;
  return {
    LD_PRELOAD: faketimeLibrary(),
    FAKETIME: `@${wall}`,
    FAKETIME_DONT_FAKE_MONOTONIC: '1',
    TZ: zone,
  };
}

// Its `listening on <url>` line, read from whole lines only: a chunk may end inside the URL.
const listening = (text: string) =>
  /listening on (http:\/\/\S+)/.exec(render(text.slice(0, text.lastIndexOf('\n'))));

/** Starts the collector on 127.0.0.1 and a random port. */
export async function startCollector(options: CollectorOptions): Promise<CollectorProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'clm-e2e-'));
  const dbPath = options.db ?? join(dir, 'collector.sqlite');
  // The output of every run, the current one last.
  const runs: Ready[] = [];
  const log = () => runs.map((run) => run.output()).join('');
  let port = '0';
  let url = '';
  let fakeTime = options.fakeTime;

  const launch = async () => {
    // A faked clock needs a known zone to be written in; the test may choose the host's.
    const faked = fakeTime ? fakeTimeEnv(fakeTime, options.env?.TZ ?? 'UTC') : {};
    const run = await spawnReady(process.execPath, [cli, 'serve'], {
      name: 'collector',
      ready: listening,
      env: {
        PATH: process.env.PATH ?? '',
        ONRAMP_BASE_URL: options.onrampBaseUrl,
        HOST: '127.0.0.1',
        PORT: port,
        CLM_PARTNER_KEYS: (options.partnerKeys ?? ['PK-123']).join(','),
        CLM_ALLOWED_ORIGINS: (options.allowedOrigins ?? []).join(','),
        CLM_DB: dbPath,
        CLM_RELAY_BACKOFF_BASE_MS: '50',
        CLM_RELAY_BACKOFF_MAX_MS: '200',
        CLM_RELAY_TIMEOUT_MS: '2000',
        ...options.env,
        ...faked,
      },
    });
    runs.push(run);
    url = run.match[1] ?? '';
    port = new URL(url).port;
  };

  // No SIGKILL after a while, unlike `stop`: a test may be timing the graceful shutdown.
  const kill = async (signal: NodeJS.Signals) => {
    const { child, exited } = runs.at(-1) as Ready;
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    const [code] = await exited;
    return code;
  };

  await launch();
  return {
    get url() {
      return url;
    },
    onramp: options.onrampBaseUrl,
    dbPath,
    output: () => render(log()),
    logs: () =>
      log()
        .split('\n')
        .flatMap((line) => {
          if (!line.startsWith('{')) return [];
          try {
            const entry = JSON.parse(line);
            return [{ ...entry, time: Date.parse(entry.time) } as LogEntry];
          } catch {
            return [];
          }
        }),
    clock: async () => {
      const res = await fetch(`${url}/healthz`);
      await res.arrayBuffer();
      return Date.parse(res.headers.get('date') ?? '');
    },
    kill,
    restart: (again) => {
      if (again?.fakeTime !== undefined) fakeTime = again.fakeTime;
      return launch();
    },
    stop: async () => {
      await kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
