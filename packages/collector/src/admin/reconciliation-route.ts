import { Router } from 'express';
import { loadReconciliation } from '../reconciliation/reconciliation.js';
import {
  formatReconciliation,
  type ReconciliationFormat,
} from '../reconciliation/reconciliation-format.js';
import { requirePageSession } from './auth/page-guards.js';
import type { AdminDeps } from './deps.js';
import { sendPage } from './errors.js';
import { modelsOf } from './orders-data.js';
import { reasonOf } from './query.js';
import { usageQuery } from './usage-query.js';
import { messagePage } from './views/layout.js';

const TYPES: Record<ReconciliationFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  json: 'application/json; charset=utf-8',
};

/**
 * `GET /usage/reconciliation.csv|.json[?period=YYYY-MM]`: the billing reconciliation (as
 * `clm-collector export --billing` writes it) as a download, for a signed-in operator.
 */
export function reconciliationRouter(deps: AdminDeps): Router {
  const router = Router();
  const guard = requirePageSession({ token: deps.token, clock: deps.clock });
  router.get(/^\/usage\/reconciliation\.(csv|json)$/, guard, async (req, res) => {
    const format = req.params[0] as ReconciliationFormat;
    const query = usageQuery.safeParse(req.query);
    if (!query.success) {
      const back = { href: '/admin/usage', label: 'Back to usage' };
      return sendPage(res, 400, messagePage('Bad request', reasonOf(query.error), back));
    }
    const { period } = query.data;
    const reconciliation = await loadReconciliation(deps.store, modelsOf(deps), period);
    const name = `billing-reconciliation${period ? `-${period}` : ''}.${format}`;
    res.set('Content-Disposition', `attachment; filename="${name}"`);
    res.type(TYPES[format]).send(formatReconciliation(reconciliation, format));
  });
  return router;
}
