import { InvalidArgumentError } from 'commander';

/** A whole-number option from `min` to `max`, refused in the words of every option. */
export const integer = (min: number, max: number) => (value: string) => {
  const parsed = Number(value);
  if (!/^\d+$/.test(value) || parsed < min || parsed > max) {
    throw new InvalidArgumentError(`must be a whole number from ${min} to ${max}`);
  }
  return parsed;
};
