import { closeServer, listenOn } from '../http/listen.js';
import { createSandboxApp, type SandboxProduct } from '../sandbox/app.js';
import { billingOfSetting } from '../sandbox/billing-setting.js';
import type { MarketplaceApi } from '../sandbox/books.js';
import { DEFAULT_PRODUCT } from '../sandbox/options.js';
import type { ProvisioningConfig } from '../sandbox/provision-client.js';
import { loadLogConfig } from '../settings/log.js';
import { type CliIo, EXIT, UsageError, waitForSignal } from './io.js';
import { createCliLogger, terminalOf } from './logger.js';

/** Options of `clm-collector sandbox`. */
export interface SandboxCliOptions {
  port: number;
  host: string;
  /** Where the Buy button sends provisioning requests; the token comes from the environment. */
  provisionUrl?: string | undefined;
  /** The provider's key; default `CLM_PROVIDER_KEY`, else the single `CLM_PARTNER_KEYS` entry. */
  providerKey?: string | undefined;
  /** `v2` or `v1`. */
  api?: string | undefined;
  productId?: number | undefined;
  productName?: string | undefined;
  /** `SKU` or `SKU=model`, each a SKU Buy proposes. */
  sku?: string[] | undefined;
  /** `Label` (required) or `Label:optional`. */
  field?: string[] | undefined;
}

/**
 * The product from the options; defaults are the demo's (product 123, one SKU). A SKU's
 * model is its `--sku` one, else the collector's `CLM_SKU_BILLING` one, else manual: the
 * marketplace then starts billing when the collector expects it to.
 */
function productOf(options: SandboxCliOptions, env: CliIo['env']): SandboxProduct {
  const skus = options.sku?.length ? options.sku : [...DEFAULT_PRODUCT.skus];
  const collectors = billingOfSetting(env.CLM_SKU_BILLING);
  const billing: Record<string, string> = {};
  for (const entry of skus) {
    const [sku = '', model] = entry.split('=', 2);
    const fromEnv = collectors[sku.trim()];
    if (model !== undefined) billing[sku.trim()] = model;
    else if (fromEnv !== undefined) billing[sku.trim()] = fromEnv;
  }
  const form = (options.field ?? []).map((entry) => {
    const optional = /:optional$/i.test(entry);
    return { label: optional ? entry.slice(0, -':optional'.length) : entry, required: !optional };
  });
  return {
    id: options.productId ?? DEFAULT_PRODUCT.id,
    name: options.productName ?? DEFAULT_PRODUCT.name,
    skus: skus.map((entry) => (entry.split('=', 1)[0] ?? '').trim()),
    billing,
    form,
  };
}

function apiOf(api: string | undefined): MarketplaceApi {
  if (api === undefined || api === 'v2' || api === 'v1') return api ?? 'v2';
  throw new UsageError(`--api must be v2 or v1, not "${api}"`);
}

// As the collector reads its own key: the sandbox then takes the calls it makes.
function providerKeyOf(option: string | undefined, env: CliIo['env']) {
  if (option !== undefined) {
    if (option.trim() === '') throw new UsageError('--provider-key must not be empty');
    return { key: option.trim(), from: '--provider-key' };
  }
  const own = env.CLM_PROVIDER_KEY?.trim();
  if (own) return { key: own, from: 'CLM_PROVIDER_KEY' };
  const partners = (env.CLM_PARTNER_KEYS ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean);
  return partners.length === 1 ? { key: partners[0], from: 'CLM_PARTNER_KEYS' } : undefined;
}

// The token is read from the environment only: on the command line `ps` would show it.
function provisioningOf(url: string | undefined, io: CliIo): ProvisioningConfig | undefined {
  if (url === undefined) return undefined;
  if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) {
    throw new UsageError(`--provision-url must be an http(s) URL, not "${url}"`);
  }
  const token = io.env.CLM_PROVISION_TOKEN;
  if (token === undefined || token.trim() === '') {
    throw new UsageError(
      '--provision-url needs CLM_PROVISION_TOKEN in the environment: the bearer token ' +
        'the Buy button sends (the collector’s CLM_PROVISION_TOKEN)',
    );
  }
  return { url, token: token.trim() };
}

/** `sandbox`: the sandbox marketplace until SIGTERM/SIGINT. */
export async function runSandbox(options: SandboxCliOptions, io: CliIo): Promise<number> {
  const provisioning = provisioningOf(options.provisionUrl, io);
  const provider = providerKeyOf(options.providerKey, io.env);
  const logger = createCliLogger(io, loadLogConfig(io.env, terminalOf(io)));
  let app: ReturnType<typeof createSandboxApp>;
  try {
    app = createSandboxApp({
      ...(provisioning !== undefined && { provisioning }),
      ...(provider !== undefined && { providerKey: provider.key }),
      api: apiOf(options.api),
      product: productOf(options, io.env),
    });
  } catch (error) {
    // A product the options describe wrongly: the message names the option's value.
    if (error instanceof TypeError) throw new UsageError(error.message);
    throw error;
  }
  const { server, url } = await listenOn(app, options.port, options.host);
  logger.info('sandbox', `listening on ${url}`);
  logger.info('sandbox', `set ONRAMP_BASE_URL=${url} for the collector; received calls: ${url}/`);
  logger.info(
    'sandbox',
    `marketplace page: ${url}/marketplace; ${
      provisioning === undefined
        ? 'its Buy button is off (set --provision-url and CLM_PROVISION_TOKEN)'
        : `Buy sends provisioning requests to ${provisioning.url}`
    }`,
  );
  // Where the key came from, never the key itself.
  if (provider === undefined) {
    logger.warn(
      'sandbox',
      'no provider key (--provider-key, CLM_PROVIDER_KEY or a single CLM_PARTNER_KEYS): ' +
        'every start-billing, usage and termination call will be refused',
    );
  } else {
    logger.info('sandbox', `provider calls must carry the provider key of ${provider.from}`);
  }
  logger.info('sandbox', `the marketplace's books: ${url}/_sandbox/ledger`);
  await (io.shutdown ?? waitForSignal());
  // Stalled requests would hold the server open; drop them at once.
  await closeServer(server, 0);
  logger.info('sandbox', 'stopped');
  return EXIT.ok;
}
