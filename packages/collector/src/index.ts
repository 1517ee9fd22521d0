// App and the composition root
export { type AppDeps, createApp } from './app.js';
export type { CliIo } from './cli/io.js';
// CLI
export { runCli } from './cli/run.js';
export { type Clock, systemClock } from './clock.js';
export { type Collector, type CollectorOptions, createCollector } from './collector.js';
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
// Orders: what a provider's account-creation endpoint uses to check what it is sent
export { SIGNATURE_HEADER, signForward, verifyForwardSignature } from './orders/signature.js';
// Outbox
export { endpointsUnder, type MarketplaceEndpoints } from './outbox/kind.js';
export {
  createOnrampClient,
  type OnrampClient,
  type OnrampResult,
} from './outbox/onramp-client.js';
export { type Decision, decide, type RetryPolicy } from './outbox/policy.js';
export { createRelayWorker, type RelayWorker, type RelayWorkerDeps } from './outbox/worker.js';
export type { RelayKind } from './relay-kinds.js';
// Sandbox onramp
export {
  createSandboxApp,
  type FormField,
  type LedgerLine,
  type SandboxOptions,
  type SandboxProduct,
} from './sandbox/app.js';
export { billingOfSetting } from './sandbox/billing-setting.js';
export { type RunningCollector, startCollector } from './serve.js';
// Storage
export { type OpenStoreOptions, openStore } from './store/open.js';
export { openPostgresStore } from './store/postgres.js';
export { NewerSchemaError } from './store/schema-version.js';
export { openSqliteStore } from './store/sqlite.js';
export type {
  AttemptRecord,
  NewEvent,
  NewOrder,
  NewRelay,
  Order,
  RecordResult,
  Relay,
  RelayStatus,
  Store,
} from './store/types.js';
// Time: an instant's wall clock in a zone, as the billing calendar reads it
export { wallTime } from './time/calendar.js';
// Beacons
export { type Beacon, beaconSchema, parseBeacon } from './tracking/beacon-schema.js';
export type { SaasTracking } from './tracking/saas-tracking.js';
