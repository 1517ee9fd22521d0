import { isIPv6 } from 'node:net';

// The groups of an IPv6 address, its embedded dotted IPv4 (`::ffff:1.2.3.4`) as two of them.
function groupsOf(ip: string): number[] {
  let text = ip.replace(/%.*$/, '');
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    const high = ((a << 8) | b).toString(16);
    const low = ((c << 8) | d).toString(16);
    text = `${text.slice(0, dotted.index)}${high}:${low}`;
  }
  const parse = (part: string | undefined) =>
    part ? part.split(':').map((group) => Number.parseInt(group, 16)) : [];
  const [head, tail] = text.split('::');
  if (tail === undefined) return parse(head);
  const before = parse(head);
  const after = parse(tail);
  return [...before, ...Array<number>(8 - before.length - after.length).fill(0), ...after];
}

// RFC 5952's text: lower-case hex, the first longest run of two or more zero groups as `::`.
function textOf(groups: number[]): string {
  let start = -1;
  let length = 1;
  for (let i = 0; i < groups.length; ) {
    let end = i;
    while (groups[end] === 0) end++;
    if (end - i > length) [start, length] = [i, end - i];
    i = Math.max(end, i + 1);
  }
  const hex = groups.map((group) => group.toString(16));
  if (start < 0) return hex.join(':');
  return `${hex.slice(0, start).join(':')}::${hex.slice(start + length).join(':')}`;
}

const dottedOf = (high: number, low: number) =>
  `${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`;

/**
 * The key a client's budget is kept under: its IPv4 address, or its IPv6 /56 network (one
 * home or office gets a /56 or a /64, and could otherwise take a fresh budget per address),
 * written as `2001:db8:1:100::/56`. An IPv4 address written as IPv6 (`::ffff:1.2.3.4`, or
 * the old `::1.2.3.4`) is that IPv4 address. These are express-rate-limit's keys
 * (`ipKeyGenerator(ip, 56)`); a test holds the two to the same key for any address.
 */
export function clientKeyOf(ip: string): string {
  if (!isIPv6(ip)) return ip;
  const groups = groupsOf(ip);
  const high = groups[6] ?? 0;
  const low = groups[7] ?? 0;
  // The first 80 bits zero: `::ffff:` then an IPv4 address, or `::` and a dotted one.
  if (groups.slice(0, 5).every((group) => group === 0)) {
    if (groups[5] === 0xffff) return dottedOf(high, low);
    if (groups[5] === 0 && /\d+\.\d+$/.test(ip.replace(/%.*$/, ''))) return dottedOf(high, low);
  }
  const network = groups.slice(0, 4);
  network[3] = (network[3] ?? 0) & 0xff00;
  return `${textOf([...network, 0, 0, 0, 0])}/56`;
}
