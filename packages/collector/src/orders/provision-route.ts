import { Router } from 'express';
import { stringifyExact } from '../exact-json.js';
import { jsonBodyErrors, readJsonText } from '../http/json-body.js';
import type { Logger } from '../log.js';
import { requireBearerToken } from '../security/bearer-token.js';
import { GENERIC_FAILURE, type Provisioning } from './provisioning.js';

/** Largest provisioning body accepted, in bytes (a product's form fields included). */
export const MAX_PROVISION_BODY_BYTES = 64 * 1024;

/** Dependencies of {@link provisionRouter}. */
export interface ProvisionRouteDeps {
  /** Null while provisioning is not configured: every request gets 403. */
  provisioning: Provisioning | null;
  /** `CLM_PROVISION_TOKEN`, the secret header set up in the Provider Portal. */
  token: string | null;
  logger: Logger;
  /** Told of requests refused before reaching the provider. */
  onRefused: (reason: 'unauthorized' | 'invalid') => void;
}

/**
 * `POST /marketplace/provision`: the marketplace's call on each order. The body is
 * personal data (contact email, ...): it is forwarded, never logged.
 */
export function provisionRouter(deps: ProvisionRouteDeps): Router {
  const { provisioning, logger, onRefused } = deps;
  const body = {
    limit: MAX_PROVISION_BODY_BYTES,
    missing: 'The order is empty.',
    onRefused: () => onRefused('invalid'),
  };
  const router = Router();
  router.post(
    '/marketplace/provision',
    requireBearerToken(provisioning && deps.token, {
      disabled: 'provisioning disabled: CLM_PROVISION_TOKEN is not set',
      required: 'provisioning token required',
      onRefused: () => onRefused('unauthorized'),
    }),
    ...readJsonText(body),
    async (req, res) => {
      const text = req.body as string;
      const parsed = (provisioning as Provisioning).read(text);
      if (!parsed.ok) {
        onRefused('invalid');
        res.status(400).json({ error: parsed.error });
        return;
      }
      try {
        const answer = await (provisioning as Provisioning).provision(parsed.request);
        if (answer.text) res.status(answer.status).type('text/plain').send(String(answer.body));
        // The provider's numbers as it wrote them (a big id or amount is not rounded).
        else res.status(answer.status).type('application/json').send(stringifyExact(answer.body));
      } catch (error) {
        // The provider may have created the account; the marketplace's retry will find
        // out (the provider sees the same provisioningId again).
        logger.error('orders', `provisioning failed in the collector: ${String(error)}`);
        res.status(502).json(GENERIC_FAILURE);
      }
    },
  );
  router.use('/marketplace/provision', jsonBodyErrors(body));
  return router;
}
