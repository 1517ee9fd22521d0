import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const cli = join(
  dirname(createRequire(import.meta.url).resolve('@clm/collector/package.json')),
  'dist/cli.js',
);

export interface CollectorOptions {
  onrampBaseUrl: string;
  partnerKeys?: string[];
  allowedOrigins?: string[];
  env?: Record<string, string>;
}

/** A real collector process (`clm-collector serve`) with its own SQLite file. */
export interface CollectorProcess {
  url: string;
  dbPath: string;
  output: () => string;
  /** Kills the process with a signal and waits for it to exit. */
  kill: (signal: NodeJS.Signals) => Promise<number | null>;
  /** Starts it again on the same port and database. */
  restart: () => Promise<void>;
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

const waitForListening = (child: ChildProcess, log: string[]): Promise<string> =>
  new Promise((resolve, reject) => {
    // After a restart, only this run's lines count.
    const start = log.join('').length;
    let listening = false;
    const onData = (chunk: Buffer) => {
      log.push(chunk.toString());
      if (listening) return;
      // Only whole lines: a chunk may end inside the URL.
      const text = log.join('').slice(start);
      const match = /listening on (http:\/\/\S+)/.exec(
        render(text.slice(0, text.lastIndexOf('\n'))),
      );
      if (match?.[1]) {
        listening = true;
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => log.push(chunk.toString()));
    child.once('exit', (code) => reject(new Error(`collector exited (${code}):\n${log.join('')}`)));
  });

/** Starts the collector on 127.0.0.1 and a random port. */
export async function startCollector(options: CollectorOptions): Promise<CollectorProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'clm-e2e-'));
  const dbPath = join(dir, 'collector.sqlite');
  const log: string[] = [];
  let port = '0';
  let child: ChildProcess;
  let url = '';

  const launch = async () => {
    child = spawn(process.execPath, [cli, 'serve'], {
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
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    url = await waitForListening(child, log);
    port = new URL(url).port;
  };

  const kill = (signal: NodeJS.Signals) =>
    new Promise<number | null>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode);
      child.once('exit', (code) => resolve(code));
      child.kill(signal);
    });

  await launch();
  return {
    get url() {
      return url;
    },
    dbPath,
    output: () => render(log.join('')),
    kill,
    restart: launch,
    stop: async () => {
      await kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
