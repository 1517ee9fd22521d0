import type { RequestOptions } from 'node:http';

const HEADERS = {
  'content-type': 'application/json',
  accept: 'application/json',
  // What the collector sent when it called the onramp with fetch.
  'user-agent': 'node',
};

/** A URL's {@link parseTarget}, each parsed once. */
export function targetCache(): (url: string) => RequestOptions | string {
  // The relay worker calls a handful of URLs over and over: each is parsed once.
  const targets = new Map<string, RequestOptions | string>();
  return (url: string): RequestOptions | string => {
    let target = targets.get(url);
    if (target !== undefined) return target;
    target = parseTarget(url);
    if (targets.size < 64) targets.set(url, target);
    return target;
  };
}

// What node:http needs of a URL, or why it cannot be called (worded as fetch worded it).
function parseTarget(url: string): RequestOptions | string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `Failed to parse URL from ${url}`;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return `fetch failed: unknown scheme ${parsed.protocol}`;
  }
  return {
    protocol: parsed.protocol,
    // An IPv6 host comes bracketed in a URL, not in a socket address.
    hostname: parsed.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: parsed.port,
    path: `${parsed.pathname}${parsed.search}`,
    ...(parsed.username && {
      auth: `${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`,
    }),
    method: 'POST',
    headers: HEADERS,
  };
}
