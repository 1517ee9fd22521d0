import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseNodeImage, qualified } from './base-image.mjs';
import { baseImageOf } from './image-build.mjs';

const dockerfile = fileURLToPath(new URL('../../packages/collector/Dockerfile', import.meta.url));

describe('the base image the collector Dockerfile names', () => {
  it('is read from FROM with its ARG default, as the stand-in must be named', () => {
    const base = baseImageOf(readFileSync(dockerfile, 'utf8'));
    expect(base).toMatch(/^node:\d+-bookworm-slim$/);
    expect(parseNodeImage(qualified(base)).release).toBe('bookworm');
  });

  it("is named as Docker names a short name, where podman's build looks it up", () => {
    expect(qualified('node:20-bookworm-slim')).toBe('docker.io/library/node:20-bookworm-slim');
    expect(qualified('bitnami/node:20')).toBe('docker.io/bitnami/node:20');
    expect(qualified('quay.example/node:20')).toBe('quay.example/node:20');
    expect(qualified('localhost/node:20')).toBe('localhost/node:20');
  });

  it('refuses a base it cannot stand in for', () => {
    expect(() => baseImageOf('FROM a\nFROM b\n')).toThrow(/one base image/);
    expect(() => parseNodeImage('node:20-alpine')).toThrow(/no stand-in/);
  });
});
