import type { Request, RequestHandler, Response } from 'express';
import { z } from 'zod';
import { CONFIRM_EXPIRED, checkGiven, confirmField } from './confirm/form.js';
import { createConfirmToken } from './confirm/token.js';
import type { AdminDeps } from './deps.js';
import { sendPage } from './errors.js';
import { type ActionDone, formBody } from './form-body.js';
import { reasonOf, relayIdsField, windowQuery } from './query.js';
import { replayDeadRelays } from './replay.js';
import { replayConfirm } from './replay-confirm.js';
import { planReplay } from './replay-plan.js';
import { renderConfirmPage } from './views/confirm-page.js';
import { messagePage } from './views/layout.js';

// Urlencoded fields: a repeated `ids` arrives as an array, a single one as a string.
// Strict, since a misnamed `ids` would otherwise read as none, which means retry all.
const replayForm = z.strictObject({
  ...windowQuery.shape,
  ids: relayIdsField.optional(),
  confirm: confirmField,
});

const STALE = {
  changed: 'What Retry would send changed since that page was shown: check it again.',
  expired: CONFIRM_EXPIRED,
};

/**
 * `POST /relays/replay`, the dashboard's Retry buttons (of `ids`, or all): dead purchases go
 * at once; dead billing calls (a start, a usage report, an end) only once confirmed, on a
 * confirm page naming each, with a token bound to their state. Retry all sends the dead
 * purchases and exactly the billing calls that page listed, in one store call.
 */
export function replayRoute(
  deps: AdminDeps,
  guards: RequestHandler[],
  done: ActionDone,
): RequestHandler[] {
  const handle = async (req: Request, res: Response) => {
    const form = replayForm.safeParse(req.body ?? {});
    if (!form.success) return sendPage(res, 400, messagePage('Bad request', reasonOf(form.error)));
    const { ids, days, confirm } = form.data;
    const plan = await planReplay(deps.store, ids);
    const now = deps.clock.now();
    const key = deps.token as string;
    const check = checkGiven(key, 'replay', plan.state, confirm, now);
    if (plan.calls.length > 0 && check !== 'valid') {
      const token = createConfirmToken(key, 'replay', plan.state, now);
      const note = check === null ? undefined : STALE[check];
      const view = replayConfirm(plan.calls, { token, ids, days, ...(note && { note }) }, deps.api);
      return sendPage(res, 200, renderConfirmPage(view));
    }
    const replayed = ids
      ? await replayDeadRelays(deps, ids)
      : await replayDeadRelays(
          deps,
          plan.calls.map((r) => r.id),
          { withoutOrders: true },
        );
    done(req, res, days, replayed, confirm !== undefined && plan.calls.length === 0);
  };
  return [...guards, ...formBody, handle];
}
