import { z } from 'zod';
import { CONFIRM_TOKEN, checkConfirmToken } from './token.js';

/** A confirm form's `confirm` field: a token as the confirm page carries it, or none. */
export const confirmField = z
  .string()
  .regex(CONFIRM_TOKEN, 'confirm is not a confirmation token')
  .optional();

/** What a confirm page says when the confirmation it came back with had run out. */
export const CONFIRM_EXPIRED = 'That confirmation expired before it was sent: check it again.';

/**
 * How the confirmation a form came back with checks out against the state now
 * ({@link checkConfirmToken}); null when the form carried none (the first press).
 */
export function checkGiven(
  adminToken: string,
  action: string,
  state: string,
  given: string | undefined,
  now: number,
): ReturnType<typeof checkConfirmToken> | null {
  return given === undefined ? null : checkConfirmToken(adminToken, action, state, given, now);
}
