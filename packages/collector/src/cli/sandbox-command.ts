import { integer } from './integer.js';
import type { AddCommands } from './io.js';
import { runSandbox, type SandboxCliOptions } from './sandbox.js';

/** Adds `sandbox`: a marketplace to try the collector against, keeping its own books. */
export const addSandboxCommand: AddCommands = (program, io, setExit) => {
  program
    .command('sandbox')
    .description(
      'Run a sandbox marketplace (SaasTrackings, SaaS v2 or v1 endpoints, a Buy page) that ' +
        'keeps the books of the orders it provisioned, refuses what the marketplace would, ' +
        'records calls and can fail on demand',
    )
    .option('--port <n>', 'port to listen on (0 = any free port)', integer(0, 65535), 8090)
    .option('--host <h>', 'address to listen on', '127.0.0.1')
    .option(
      '--provision-url <url>',
      "where Buy sends provisioning requests (the collector's /marketplace/provision)",
    )
    .option('--api <v2|v1>', "the marketplace API: v2 (seed 002) or v1 (seed 003's Buy body)", 'v2')
    .option('--product-id <n>', 'the product id Buy proposes', integer(0, 999_999_999), 123)
    .option('--product-name <name>', 'the product name on the marketplace page', 'Demo CRM')
    .option(
      '--sku <SKU[=model]>',
      'a SKU Buy proposes, with its billing start: manual, immediate, delay:Nd, next-month ' +
        '(without one: its $CLM_SKU_BILLING model, else manual; repeat for more; default ' +
        'MRKTPLC-DEMO-CRM-SEATS)',
      (value: string, list: string[]) => [...list, value],
      [] as string[],
    )
    .option(
      '--field <label[:optional]>',
      'a field of the deployment form, required unless :optional (repeat for more); a ' +
        'required "Contact Email" is added when no required field has "email" in its name ' +
        '(a "Contact Email" field of your own is made required instead)',
      (value: string, list: string[]) => [...list, value],
      [] as string[],
    )
    .option(
      '--provider-key <key>',
      'the provider key calls must carry (default: $CLM_PROVIDER_KEY, else the single ' +
        '$CLM_PARTNER_KEYS entry; prefer those: other users can read command lines)',
    )
    .addHelpText(
      'after',
      '\nWith --provision-url, the bearer token Buy sends is read from $CLM_PROVISION_TOKEN\n' +
        '(never from the command line, where other users could read it).\n\n' +
        'Provider calls (/start-billing/, /saas-usage/, /saas-usage/end, v1 /update-subscription/)\n' +
        'are refused with 400 unless they carry the provider key and name an order the sandbox\n' +
        'provisioned (its Buy page, or POST /_sandbox/orders), its customer, product and SKUs,\n' +
        'and the SKU has not ended. The books: a Bill page per order (linked from /marketplace)\n' +
        'and GET /_sandbox/ledger, one line per order, SKU and month in Chicago time.\n',
    )
    .action(async (options: SandboxCliOptions) => setExit(await runSandbox(options, io)));
};
