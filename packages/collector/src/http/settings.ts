import { isIP, isIPv4 } from 'node:net';
import { z } from 'zod';
import { list } from '../settings/fields.js';

/** `false` (the socket address is the client), a hop count, or addresses/subnets to trust. */
export type TrustProxy = boolean | number | string[];

// Express's `trust proxy`: "false"/"true", a hop count, or comma-separated addresses,
// subnets (10.0.0.0/8) and the names loopback, linklocal, uniquelocal.
const PROXY_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

// What Express's proxy-addr accepts: an address, address/prefix-length, IPv4
// address/netmask, or a name. Checked here so a typo is a configuration error naming the
// variable, not a crash when the app is built.
function isProxyEntry(entry: string): boolean {
  if (PROXY_NAMES.includes(entry)) return true;
  const [address = '', range, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (range === undefined) return true;
  if (/^\d{1,3}$/.test(range)) return Number(range) <= (family === 4 ? 32 : 128);
  return family === 4 && isIPv4(range);
}

/** `CLM_TRUST_PROXY`: Express's `trust proxy`, checked before the app is built. */
export const trustProxy = z
  .string()
  .transform((value, ctx): TrustProxy => {
    const trimmed = value.trim().toLowerCase();
    if (trimmed === 'false') return false;
    if (trimmed === 'true') return true;
    if (/^\d+$/.test(trimmed)) return Number(trimmed);
    const entries = list(value);
    const bad = entries.find((entry) => !isProxyEntry(entry));
    if (bad !== undefined || entries.length === 0) {
      ctx.addIssue({
        code: 'custom',
        message: `must be false, true, a hop count or addresses/subnets (${PROXY_NAMES.join(', ')}); "${bad ?? value}" is none of these`,
      });
      return z.NEVER;
    }
    return entries;
  })
  .default(false);
