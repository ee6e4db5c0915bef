/**
 * The keys of the top-level object of `json` (text that JSON.parse accepted as an object), in order
 * and with repeats. JSON.parse silently keeps only the last of repeated keys; this shows them.
 * Escapes are decoded, so `"x"` and `"\u0078"` are the same key.
 */
export function topLevelKeys(json: string): string[] {
  const keys: string[] = [];
  let depth = 0;
  let expectKey = false;
  for (let i = 0; i < json.length; i++) {
    const c = json[i];
    if (c === '"') {
      const end = closingQuote(json, i);
      if (depth === 1 && expectKey) {
        keys.push(JSON.parse(json.slice(i, end + 1)) as string);
        expectKey = false;
      }
      i = end;
    } else if (c === '{' || c === '[') {
      depth++;
      if (depth === 1) expectKey = c === '{';
    } else if (c === '}' || c === ']') depth--;
    else if (c === ',' && depth === 1) expectKey = true;
  }
  return keys;
}

/** Index of the quote that closes the string literal opening at `start`. */
function closingQuote(json: string, start: number): number {
  let i = start + 1;
  while (i < json.length && json[i] !== '"') i += json[i] === '\\' ? 2 : 1;
  return i;
}
