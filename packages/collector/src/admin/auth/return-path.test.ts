import { describe, expect, it } from 'vitest';
import { safeReturnPath, signInPath } from './return-path.js';

describe('safeReturnPath', () => {
  it('accepts the admin pages of this collector, with their query', () => {
    for (const path of [
      '/admin',
      '/admin/',
      '/admin/orders',
      '/admin/usage?period=2026-12',
      '/admin/orders?started=2',
      '/admin?days=7',
    ])
      expect(safeReturnPath(path), path).toBe(path);
  });

  it('refuses other sites, other paths and the tricks that reach them', () => {
    for (const path of [
      '//evil.example',
      '//evil.example/admin',
      '/\\evil.example',
      '\\\\evil.example',
      '/admin\\..\\x',
      'https://evil.example/admin',
      'http:/admin',
      'javascript:alert(1)',
      '/admin/../x',
      '/admin/./orders',
      '/admin/%2e%2e/x',
      '/admin/%2E%2E/%2E%2E/x',
      '/admin%2f..%2fx',
      '/admin/orders%2f..%2f..%2fx',
      '/admin/%5c%5cevil.example',
      '/administrator',
      '/admin.evil.example',
      '/admin@evil.example',
      '/admin/\torders',
      '/admin/orders\r\nLocation: //evil.example',
      '/admin/orders#x',
      '/admin?next=<script>',
      '/',
      'admin/orders',
      '',
      `/admin/${'x'.repeat(600)}`,
    ])
      expect(safeReturnPath(path), JSON.stringify(path)).toBeNull();
    for (const value of [undefined, null, 42, ['/admin/orders'], { path: '/admin' }])
      expect(safeReturnPath(value)).toBeNull();
  });
});

describe('signInPath', () => {
  it('names the page to come back to, and nothing for /admin itself or a refused path', () => {
    expect(signInPath('/admin/orders')).toBe('/admin?next=%2Fadmin%2Forders');
    expect(signInPath('/admin')).toBe('/admin');
    expect(signInPath('/admin/../x')).toBe('/admin');
  });
});
