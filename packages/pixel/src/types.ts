/** Settings for {@link init}; the script tag reads them from its `data-*` attributes. */
export interface Options {
  /** Provider key issued at onboarding; relayed as `partnerKey`. */
  providerKey: string;
  /** Service name; relayed as `serviceName`. */
  service: string;
  /** Base URL of the provider's collector. */
  collector: string;
  /** Query parameter that carries the marketplace referral id. Default `clm_ref`. */
  referralParam?: string;
  /** Days a referral (and a sent purchase) is remembered. Default 30. */
  windowDays?: number;
  /** Only send purchases that follow a marketplace referral. Default true. */
  requireReferral?: boolean;
  /**
   * Also keep the referral in a first-party `clm_ref` cookie on this domain (such as
   * `provider.example`), so pages on its other subdomains see it. Default: no cookie.
   */
  cookieDomain?: string;
  /** Print what the script does, and why, to the console. Default false (the ESM build). */
  debug?: boolean;
}

/** A marketplace referral as captured from the landing URL. */
export interface Referral {
  id: string;
  /** When it was captured, ms since the epoch. */
  at: number;
  /** `utm_*` parameters of the landing URL, without the `utm_` prefix. */
  utm: Record<string, string>;
}

/** Why a purchase was not sent (see the README, and `WHY` in log.ts). */
export type SkipReason = 'off' | 'invalid-id' | 'no-referral' | 'already-sent' | 'error';

/** What `purchase()` resolves to; it never rejects. */
export interface PurchaseResult {
  sent: boolean;
  reason?: SkipReason;
}

/** The `window.clmPixel` object once the script has loaded. */
export interface Api {
  purchase(customerId: unknown): Promise<PurchaseResult>;
  referral(): Referral | null;
}
