/**
 * The deepest nesting of arrays and objects any JSON the collector reads may have. Orders,
 * usage events and the provider's answers are a few levels deep; lossless-json parses
 * (and the order digest walks) recursively, and about 5,000 levels, 10 KB of text, exhaust
 * the stack. Far below that, so an answer stored before this limit still reads.
 */
export const MAX_JSON_DEPTH = 1000;

/**
 * Whether JSON text nests arrays and objects deeper than {@link MAX_JSON_DEPTH}. Read in
 * one pass without recursion, brackets inside strings ignored; any text is accepted (a
 * parser judges whether it is JSON).
 */
export function nestedTooDeep(text: string): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (inString) {
      if (char === '\\') i++;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === '[' || char === '{') {
      if (++depth > MAX_JSON_DEPTH) return true;
    } else if (char === ']' || char === '}') depth--;
  }
  return false;
}

/** What a body nested too deep is told, in words a buyer or a provider's engineer reads. */
export const TOO_DEEP = `it nests arrays or objects more than ${MAX_JSON_DEPTH} levels deep`;
