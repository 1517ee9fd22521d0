/**
 * Where the collector's dashboard is, when Buy sends orders to a collector's
// /marketplace/provision (as in `pnpm demo`): the same origin and base path, then /admin.
 */
export const dashboardOf = (provisionUrl: string | undefined): string | undefined => {
  if (provisionUrl === undefined) return undefined;
  const url = new URL(provisionUrl);
  if (!url.pathname.endsWith('/marketplace/provision')) return undefined;
  url.pathname = `${url.pathname.slice(0, -'/marketplace/provision'.length)}/admin`;
  url.search = '';
  return url.href;
};
