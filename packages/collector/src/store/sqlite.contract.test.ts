import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import { silentLogger } from '../log.js';
import { describeStoreContract, type OpenOptions } from '../test-support/store-contract/index.js';
import { tempDir } from '../test-support/tmp.js';
import { openSqliteStore } from './sqlite.js';
import type { Store } from './types.js';

let path: string | undefined;

async function open(at: string, options: OpenOptions): Promise<Store> {
  const store = await openSqliteStore({ path: at, logger: silentLogger, ...options });
  onTestFinished(() => store.close());
  return store;
}

describeStoreContract('SQLite', {
  fresh(options = {}) {
    path = join(tempDir(), 'collector.sqlite');
    return open(path, options);
  },
  reopen(options = {}) {
    if (!path) throw new Error('reopen before fresh');
    return open(path, options);
  },
});
