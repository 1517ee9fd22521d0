import { describe, expect, it } from 'vitest';
import { neededSettings, withSettings } from './podman-config.mjs';

describe('podman settings in containers.conf', () => {
  it('writes the runc runtime and ulimits at the host hard limit into an empty file', () => {
    const { text } = withSettings('', neededSettings('20000'));
    expect(text).toContain('[engine]\nruntime = "runc"');
    expect(text).toContain(
      '[containers]\ndefault_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]',
    );
  });

  it("keeps the operator's own settings and says so", () => {
    const operator = '[engine]\nruntime = "crun"\n\n[containers]\ndefault_ulimits = []\n';
    const { text, report } = withSettings(operator, neededSettings('4096'));
    expect(text).toBe(operator);
    expect(report).toEqual([
      'kept [engine] runtime = "crun"',
      'kept [containers] default_ulimits = []',
    ]);
  });

  it('adds a missing setting under the existing table, never a second one', () => {
    const operator = '[containers]\nlog_size_max = -1\n\n[engine]\nevents_logger = "file"\n';
    const { text, report } = withSettings(operator, neededSettings('1024'));
    expect(text.match(/^\[engine\]$/gm)).toHaveLength(1);
    expect(text.match(/^\[containers\]$/gm)).toHaveLength(1);
    expect(text).toContain('[engine]\nruntime = "runc"\nevents_logger = "file"');
    expect(text).toContain('[containers]\ndefault_ulimits = ["nofile=1024:1024"');
    expect(report.every((line) => line.startsWith('added'))).toBe(true);
  });

  it('does not take a setting of another table for the one needed', () => {
    const { text } = withSettings('[network]\nruntime = "x"\n', neededSettings('1024'));
    expect(text).toContain('[engine]\nruntime = "runc"');
  });
});
