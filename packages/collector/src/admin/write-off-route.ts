import type { Request, RequestHandler, Response } from 'express';
import { z } from 'zod';
import { CONFIRM_EXPIRED, checkGiven, confirmField } from './confirm/form.js';
import { createConfirmToken } from './confirm/token.js';
import type { AdminDeps } from './deps.js';
import { sendPage } from './errors.js';
import { type ActionDone, formBody } from './form-body.js';
import { reasonOf, relayIdsField, windowQuery } from './query.js';
import { renderConfirmPage } from './views/confirm-page.js';
import { messagePage } from './views/layout.js';
import { writeOffCalls } from './write-off.js';
import { planWriteOff, writeOffConfirm } from './write-off-plan.js';

// Urlencoded fields: a repeated `ids` arrives as an array, a single one as a string. No
// "all": a write-off names each call it gives up on.
const writeOffForm = z.strictObject({
  ...windowQuery.shape,
  ids: relayIdsField.refine((ids) => ids.length > 0, {
    error: 'ids must name the dead billing calls to write off',
  }),
  confirm: confirmField,
});

const STALE = {
  changed: 'What Write off would give up on changed since that page was shown: check it again.',
  expired: CONFIRM_EXPIRED,
};

/**
 * `POST /relays/write-off`, the dashboard's Write off buttons: a confirm page naming each
 * dead billing call and what it carries, then, confirmed with a token bound to those
 * calls' state, `store.writeOff` on exactly them. A replayed confirmation finds them
 * written off: "already done".
 */
export function writeOffRoute(
  deps: AdminDeps,
  guards: RequestHandler[],
  done: ActionDone,
): RequestHandler[] {
  const handle = async (req: Request, res: Response) => {
    const form = writeOffForm.safeParse(req.body ?? {});
    if (!form.success) return sendPage(res, 400, messagePage('Bad request', reasonOf(form.error)));
    const { ids, days, confirm } = form.data;
    const plan = await planWriteOff(deps.store, ids);
    const key = deps.token as string;
    const now = deps.clock.now();
    const check = checkGiven(key, 'write-off', plan.state, confirm, now);
    if (plan.calls.length === 0) {
      if (confirm !== undefined) return done(req, res, days, 0, true);
      const reason =
        'None of those is a dead billing call that can be written off (a purchase, a call not dead, or one held, superseded or written off already); nothing was changed.';
      return sendPage(res, 409, messagePage('Nothing written off', reason));
    }
    if (check === 'valid') {
      const written = await writeOffCalls(
        deps,
        plan.calls.map((call) => call.id),
      );
      return done(req, res, days, written.length, false);
    }
    const token = createConfirmToken(key, 'write-off', plan.state, now);
    const left = ids.filter((id) => !plan.calls.some((call) => call.id === id));
    const unlisted =
      left.length === 0
        ? undefined
        : `Not listed, left as they are (no dead billing call to write off): ${left.join(', ')}.`;
    const note = check === null ? unlisted : STALE[check];
    sendPage(
      res,
      200,
      renderConfirmPage(writeOffConfirm(plan.calls, { token, days, note }, deps.api)),
    );
  };
  return [...guards, ...formBody, handle];
}
