import { describe, expect, it } from 'vitest';
import { postBeacon } from '../test-support/beacons.js';
import { CHAIN_TOKENS, startChain } from '../test-support/chain.js';

describe('CLM_SERVICE_NAMES', () => {
  it('refuses beacons and API purchases for any other service, 403, nothing stored', async () => {
    const chain = await startChain(
      {},
      { CLM_SERVICE_NAMES: 'acme-crm,acme-erp', CLM_SERVICE_NAME: 'acme-crm' },
    );
    const send = (service: string, id: string) =>
      postBeacon(chain.url, { id, service, customerId: `cust-${service}`, ref: null });
    const refused = await send('acme-other', 'evt_svc_00001');
    expect([refused.status, await refused.json()]).toEqual([
      403,
      { error: 'unknown service name' },
    ]);
    expect((await send('acme-erp', 'evt_svc_00002')).status).toBe(204);

    const api = await fetch(`${chain.url}/api/purchases`, {
      method: 'POST',
      headers: { authorization: `Bearer ${CHAIN_TOKENS.api}`, 'content-type': 'application/json' },
      body: JSON.stringify({ customerId: 'c', serviceName: 'acme-other' }),
    });
    expect([api.status, await api.json()]).toEqual([403, { error: 'unknown service name' }]);
    expect((await chain.store.listRelays()).map((r) => r.serviceName)).toEqual(['acme-erp']);
  });
});
