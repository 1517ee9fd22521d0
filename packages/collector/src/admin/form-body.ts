import express, { type Request, type RequestHandler, type Response } from 'express';
import { sendPage } from './errors.js';
import { messagePage } from './views/layout.js';

/**
 * The body of a dashboard form that acts on relays (Retry, Write off): urlencoded, up to
 * 1,000 ids. Another type is refused (415), not parsed: an unparsed body would read as no
 * ids, which for Retry means all.
 */
export const formBody: RequestHandler[] = [
  express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 1002 }),
  (req, res, next) => {
    if (req.is('application/x-www-form-urlencoded')) return next();
    const reason = 'Content-Type must be application/x-www-form-urlencoded';
    sendPage(res, 415, messagePage('Bad request', reason));
  },
];

/** Where the dashboard tells what a Retry or Write off did: how many, or already done. */
export type ActionDone = (
  req: Request,
  res: Response,
  days: number,
  count: number,
  already: boolean,
) => void;
