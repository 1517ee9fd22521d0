import type { Options } from './types';

/** The script tag's attributes: strings where {@link Options} has numbers and booleans. */
export type LooseOptions = { [K in keyof Options]?: Options[K] | string };

// Underscored names are internal: the build shortens them (size is a feature).
export interface Settings {
  _key: string;
  _service: string;
  _url: string;
  _window: number;
  _requireReferral: boolean;
}

const DAY = 864e5;

/**
 * Turns options (or a script tag's `dataset`, whose values are strings) into settings, or
 * nothing when the provider key, service or collector is missing.
 */
export const resolveSettings = (o: LooseOptions): Settings | undefined => {
  const key = o.providerKey as string;
  const service = o.service as string;
  const days = Number(o.windowDays);
  if (key && service && o.collector) {
    return {
      _key: key,
      _service: service,
      _url: String(o.collector).replace(/\/?$/, '/beacon'),
      _window: (days > 0 ? days : 30) * DAY,
      _requireReferral: String(o.requireReferral) !== 'false',
    };
  }
};

/** `data-debug` and `debug: true` turn logging on; absent or "false" keep it off. */
export const isDebug = (o: LooseOptions): boolean => !/^(undefined|false)$/.test(String(o.debug));
