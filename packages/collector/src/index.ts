// App
export { type AppDeps, createApp } from './app.js';
// Beacons
export { type Beacon, beaconSchema, parseBeacon } from './beacon/schema.js';
export type { CliIo } from './cli/io.js';
// CLI
export { runCli } from './cli/run.js';
export { type Clock, systemClock } from './clock.js';
export {
  type Config,
  ConfigError,
  type LogConfig,
  loadConfig,
  type RelayConfig,
} from './config.js';
export {
  type Component,
  createLogger,
  type LogFields,
  type LogFormat,
  type Logger,
  type LogLevel,
  type LogOptions,
  silentLogger,
} from './log.js';
// Onramp and relay
export {
  createOnrampClient,
  type OnrampClient,
  type OnrampResult,
  type SaasTracking,
} from './onramp/client.js';
export { type Decision, decide, type RetryPolicy } from './relay/policy.js';
export { createRelayWorker, type RelayWorker, type RelayWorkerDeps } from './relay/worker.js';
// Sandbox onramp
export { createSandboxApp } from './sandbox/app.js';
export { type RunningCollector, startCollector } from './serve.js';
// Storage
export { openSqliteStore } from './store/sqlite.js';
export type {
  AttemptRecord,
  NewEvent,
  NewRelay,
  RecordResult,
  Relay,
  RelayKind,
  RelayStatus,
  Store,
} from './store/types.js';
