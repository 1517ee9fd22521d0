/** `1 SKU`, `2 SKUs`; `many` for a plural not made with `s` (`1 entry`, `2 entries`). */
export const plural = (n: number, noun: string, many = `${noun}s`): string =>
  `${n} ${n === 1 ? noun : many}`;
