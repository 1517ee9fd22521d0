// The beacon schema's rules written out by hand for the beacons the pixel sends, which is
// nearly all of them: a quarter of a beacon's validation cost in zod (measured with
// `--cpu-prof`, docs/benchmarks.md). It only ever says yes: whatever it does not accept
// goes to the zod schema, which stays the one authority on what is refused and in which
// words. A test holds it to giving what zod gives for everything it accepts.
import { cleanText } from './text.js';

const EVENT_ID = /^[A-Za-z0-9_-]{8,64}$/;
const TOKEN = /^[\x21-\x7e]{1,128}$/;
const UTM_KEY = /^[a-z_]{1,32}$/;
// Printable ASCII has nothing cleanText removes or normalises.
const PLAIN = /^[\x20-\x7e]*$/;

const clean = (text: string) => (PLAIN.test(text) ? text : cleanText(text));

const isEpochMs = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** What the fast check made of a beacon the schema would take as it is. */
export interface CheckedBeacon {
  /** The beacon as the schema outputs it, its referral still unchecked (`ref`). */
  beacon: Record<string, unknown>;
  ref: unknown;
}

/**
 * The beacon in `json`, as the schema would output it, when it is plainly valid: every
 * field of the right type and form, no other field. `undefined` otherwise (not necessarily
 * invalid: the schema decides). The referral is left to {@link checkReferral}.
 */
export function checkBeacon(json: unknown): CheckedBeacon | undefined {
  if (!isRecord(json)) return undefined;
  const { type } = json;
  const purchase = type === 'purchase';
  if (!purchase && type !== 'visit') return undefined;
  let fields = 0;
  let hasRef = false;
  for (const name in json) {
    switch (name) {
      case 'v':
      case 'type':
      case 'id':
      case 'key':
      case 'service':
      case 'time':
        fields++;
        break;
      case 'ref':
        hasRef = true;
        break;
      case 'customerId':
        if (!purchase) return undefined;
        fields++;
        break;
      default:
        return undefined;
    }
  }
  if (fields !== (purchase ? 7 : 6) || !Object.hasOwn(json, 'type')) return undefined;
  const { v, id, key, service, time } = json;
  if (v !== 1 || !isEpochMs(time)) return undefined;
  if (typeof id !== 'string' || !EVENT_ID.test(id)) return undefined;
  if (typeof key !== 'string' || !TOKEN.test(key)) return undefined;
  if (typeof service !== 'string' || !TOKEN.test(service)) return undefined;
  // The schema's key order: its shape's, `ref` only where the input had one, then `type`.
  const beacon: Record<string, unknown> = hasRef
    ? { v, id, key, service, ref: json.ref, time, type }
    : { v, id, key, service, time, type };
  if (purchase) {
    const { customerId } = json;
    if (typeof customerId !== 'string') return undefined;
    const cleaned = clean(customerId);
    if (cleaned.length < 1 || cleaned.length > 256) return undefined;
    beacon.customerId = cleaned;
  }
  return { beacon, ref: json.ref };
}

/**
 * A referral as the referral schema outputs it (ids cleaned, its fields in the schema's
 * order), when it is plainly valid; `undefined` to let the schema decide.
 */
export function checkReferral(ref: unknown): Record<string, unknown> | undefined {
  if (!isRecord(ref)) return undefined;
  for (const name in ref) if (name !== 'id' && name !== 'at' && name !== 'utm') return undefined;
  const { id, at, utm } = ref;
  if (typeof id !== 'string' || !isEpochMs(at) || !Object.hasOwn(ref, 'at')) return undefined;
  const cleanId = clean(id);
  if (cleanId.length < 1 || cleanId.length > 128) return undefined;
  if (!Object.hasOwn(ref, 'utm')) return { id: cleanId, at };
  if (!isRecord(utm)) return undefined;
  const values: Record<string, string> = {};
  let entries = 0;
  for (const name in utm) {
    const value = utm[name];
    // `__proto__` fits the key pattern but cannot be set as a plain key: the schema decides.
    if (!Object.hasOwn(utm, name) || !UTM_KEY.test(name) || name === '__proto__') return undefined;
    if (typeof value !== 'string') return undefined;
    const cleaned = clean(value);
    if (cleaned.length > 256 || ++entries > 10) return undefined;
    values[name] = cleaned;
  }
  return { id: cleanId, at, utm: values };
}
