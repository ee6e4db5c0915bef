import { describe, expect, it } from 'vitest';
import { topLevelKeys } from './json-keys.js';

describe('topLevelKeys', () => {
  it('lists the top-level keys in order, repeats included, escapes decoded', () => {
    expect(topLevelKeys('{}')).toEqual([]);
    expect(topLevelKeys(' { "a" : 1 , "b":{"a":2,"c":[{"a":3}]}, "a":"x" } ')).toEqual(['a', 'b', 'a']);
    expect(topLevelKeys('{"\\u0078":1,"x":2}')).toEqual(['x', 'x']);
  });

  it('is not fooled by braces, commas, quotes or backslashes inside strings', () => {
    const json = JSON.stringify({ 'a"b': { x: [1, '}', ',"k":'] }, 'c\\': '{"d":1}', '': ['[', ']'] });
    expect(topLevelKeys(json)).toEqual(['a"b', 'c\\', '']);
  });
});
