import { expect, test } from '@playwright/test';
import { REPO } from '../support/readme.js';
import { cleanEnv, runInBash } from '../support/shell.js';

const CLI = 'node packages/collector/dist/cli.js';

// `| head` closes the pipe while the CLI still writes: whether the write fails depends on
// timing, so it is tried a few times. pipefail: the CLI's own status, not head's.
test('help cut by `| head -5` ends quietly with 0, every time', async () => {
  for (let i = 0; i < 5; i++) {
    const { code, stdout, stderr } = await runInBash(
      `set -o pipefail; ${CLI} help usage | head -5; ${CLI} --help | head -1`,
      { cwd: REPO, env: cleanEnv() },
    );
    expect(stderr, `try ${i + 1}`).toBe('');
    expect(code, `try ${i + 1}`).toBe(0);
    expect(stdout.split('\n')[0]).toBe('Usage: clm-collector usage [options] [command]');
  }
});
