import express from 'express';
import { verifyForwardSignature } from '../orders/signature.js';
import { listen } from './http.js';

/** The forward secret of the test provider. */
export const PROVIDER_SECRET = 'provider-forward-secret-0123';

/** One request the provider's account-creation endpoint received. */
export interface ProviderCall {
  body: string;
  signed: boolean;
}

/** How the provider answers the next request: a status and body, optionally after a delay. */
export interface ProviderAnswer {
  status: number;
  body: unknown;
  /** Answer as text/plain (`body` a string). */
  text?: boolean;
  /** Answer `body` (a string) as is, with this content type. */
  contentType?: string;
  delayMs?: number;
}

/**
 * A provider's account-creation endpoint on 127.0.0.1: records each request (and whether
 * its signature verifies) and answers with `answer(call, index)`.
 */
export async function startProvider(
  answer: (call: ProviderCall, index: number) => ProviderAnswer = (_call, index) => ({
    status: 200,
    body: { customerId: 1000 + index, plan: 'trial' },
  }),
) {
  const calls: ProviderCall[] = [];
  const app = express();
  app.post('/accounts', express.text({ type: '*/*' }), async (req, res) => {
    const body = String(req.body);
    const header = req.get('x-clm-signature');
    const call = {
      body,
      signed: verifyForwardSignature({ secret: PROVIDER_SECRET, header, body }),
    };
    calls.push(call);
    const reply = answer(call, calls.length - 1);
    if (reply.delayMs) await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
    if (reply.contentType)
      res.status(reply.status).type(reply.contentType).send(String(reply.body));
    else if (reply.text) res.status(reply.status).type('text/plain').send(String(reply.body));
    else res.status(reply.status).json(reply.body);
  });
  const url = await listen(app);
  return { url: `${url}/accounts`, calls };
}
