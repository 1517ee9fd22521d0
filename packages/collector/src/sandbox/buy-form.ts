import type { MarketplaceApi } from './books.js';
import type { FormField, SandboxProduct } from './product.js';

/** One input of the Buy form that goes into the provisioning body under `key`. */
export interface BuyField {
  key: string;
  label: string;
  required: boolean;
}

/** A label's JSON key: `Company Name` → `companyName`, `Contact Email` → `contactEmail`. */
export function fieldKey(label: string): string {
  const words = label.match(/[A-Za-z0-9]+/g) ?? [];
  return words
    .map((word, i) =>
      i === 0 ? word.toLowerCase() : word[0]?.toUpperCase() + word.slice(1).toLowerCase(),
    )
    .join('');
}

/** An input's id: `contactEmail` → `contact-email`. */
export const fieldId = (key: string) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

const isEmail = (field: { key: string; label: string }) =>
  /email/i.test(field.key) || /email/i.test(field.label);

const CONTACT_EMAIL: BuyField = { key: 'contactEmail', label: 'Contact Email', required: true };

// Seed 003: the fields CenturyLink itself requires of a v1 order.
const V1_FIELDS: BuyField[] = [
  { key: 'resellerkey', label: 'Reseller Key', required: true },
  { key: 'name', label: 'Account Holder’s Name', required: true },
  { key: 'email', label: 'Email Address', required: true },
];

/** Keys the provisioning body already has, which a configured field may not take. */
export const RESERVED_KEYS = ['provisioningId', 'productSkus', 'productId', 'userAlias', 'skus'];

/**
 * The deployment form's fields. v2 (seed 002): the product's own, and a required "Contact
 * Email" when none of them is a required field with "email" in its name; a product field
 * keyed `contactEmail` is that field, made required (one input per key, or Buy could never
 * be read). v1 (seed 003): the account holder's name, email and reseller key, then the
 * product's own.
 */
export function buyFields(form: readonly FormField[], api: MarketplaceApi): BuyField[] {
  const own = form.map((field) => ({ ...field, key: fieldKey(field.label) }));
  if (api === 'v1') return [...V1_FIELDS, ...own];
  if (own.some((field) => field.required && isEmail(field))) return own;
  if (!own.some((field) => field.key === CONTACT_EMAIL.key)) return [...own, CONTACT_EMAIL];
  return own.map((field) =>
    field.key === CONTACT_EMAIL.key ? { ...field, required: true } : field,
  );
}

/** What the buyer filled in, checked as the marketplace checks it before calling the provider. */
export interface BuyForm {
  productId: number;
  skus: string[];
  values: Record<string, string>;
  /** The buyer's marketplace account alias; "" when blank (it is sent all the same). */
  userAlias: string;
}

function checkField(field: BuyField, value: string): string | null {
  const name = field.label.toLowerCase();
  if (isEmail(field) && (field.required || value !== '')) {
    if (value.length > 254) return `${name} is too long`;
    if (!/^[^\s@]+@[^\s@]+$/.test(value)) return `${name} must be an email address (with an @)`;
    return null;
  }
  if (field.required && value === '') return `${name} is required`;
  return value.length > 200 ? `${name} is too long` : null;
}

function readSkus(text: string): string[] | string {
  const skus = text
    .split(',')
    .map((sku) => sku.trim())
    .filter(Boolean);
  if (skus.length === 0) return 'at least one SKU is required';
  if (skus.length > 50) return 'at most 50 SKUs per order';
  return skus.some((sku) => sku.length > 200) ? 'a SKU must be at most 200 characters' : skus;
}

/** Reads the posted form against the fields; the first problem as a buyer-readable error. */
export function readBuyForm(
  fields: readonly BuyField[],
  body: Record<string, unknown>,
): BuyForm | { error: string } {
  const text = (name: string) => (typeof body[name] === 'string' ? body[name].trim() : '');
  if (!/^\d{1,9}$/.test(text('productId'))) return { error: 'product id must be a whole number' };
  const skus = readSkus(text('skus'));
  if (typeof skus === 'string') return { error: skus };
  const values: Record<string, string> = {};
  for (const field of fields) {
    const problem = checkField(field, text(field.key));
    if (problem !== null) return { error: problem };
    values[field.key] = text(field.key);
  }
  const userAlias = text('userAlias');
  if (userAlias.length > 100) return { error: 'user alias is too long' };
  return { productId: Number(text('productId')), skus, values, userAlias };
}

/**
 * The provisioning body. v2: seed 002's five fields always, in its example's order
 * (`contactEmail` from the Contact Email field when filled in, else the product's required
 * email field; `userAlias` "" when blank), then the product's fields. v1: seed 003's body.
 */
export function provisioningBody(
  api: MarketplaceApi,
  fields: readonly BuyField[],
  form: BuyForm,
  provisioningId: string,
): Record<string, unknown> {
  if (api === 'v1') return { ...form.values };
  const email = fields.find((field) => field.required && isEmail(field));
  const { contactEmail: given = '', ...others } = form.values;
  const required = email === undefined ? '' : (form.values[email.key] ?? '');
  return {
    provisioningId,
    productSkus: form.skus,
    productId: form.productId,
    contactEmail: given !== '' ? given : required,
    userAlias: form.userAlias,
    ...others,
  };
}

/** Checks the product's form: labels that make a key, none reserved or given twice. */
export function checkForm(product: SandboxProduct, api: MarketplaceApi): void {
  const keys = (product.form ?? []).map((field) => fieldKey(field.label));
  const reserved =
    api === 'v1' ? [...RESERVED_KEYS, 'name', 'email', 'resellerkey'] : RESERVED_KEYS;
  for (const key of keys) {
    if (key === '') throw new TypeError('product.form: a label must have a letter or digit');
    if (reserved.includes(key)) throw new TypeError(`product.form: ${key} is not a form field`);
  }
  if (new Set(keys).size !== keys.length) throw new TypeError('product.form: a field given twice');
  if (keys.length > 12) throw new TypeError('product.form: at most 12 fields');
}
