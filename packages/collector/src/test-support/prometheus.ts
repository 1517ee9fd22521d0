/**
 * Parses Prometheus text exposition into a map from sample (`name{labels}` exactly as
 * printed) to value; comment lines are skipped.
 */
export function parseMetrics(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    samples.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return samples;
}

/** Fetches `/metrics` with the admin token and parses it; throws unless it answers 200. */
export async function scrape(url: string, adminToken: string): Promise<Map<string, number>> {
  const res = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${adminToken}` } });
  if (res.status !== 200) throw new Error(`/metrics: ${res.status} ${await res.text()}`);
  return parseMetrics(await res.text());
}
