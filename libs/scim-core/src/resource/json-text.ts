/** Where a value lies in a JSON text: `text.slice(start, end)` is the value's own text. */
export interface TextSpan {
  start: number;
  end: number;
}

/**
 * The span of the value of member `name` of the JSON object written at `text.slice(from, to)`, or
 * undefined when that value is not an object or has no such member. Lets a page splice into a stored
 * document's text without parsing all of it. Only the object's own members are read, nested values are
 * skipped whole; names are compared as written, which is how both databases and JSON.stringify write them
 * (no escapes in a name that needs none). As JSON.parse does, the last of duplicate members wins.
 */
export function memberSpan(text: string, name: string, from = 0, to = text.length): TextSpan | undefined {
  let i = skipSpace(text, from, to);
  if (text.charCodeAt(i) !== OPEN_BRACE) return undefined;
  let found: TextSpan | undefined;
  i = skipSpace(text, i + 1, to);
  if (text.charCodeAt(i) === CLOSE_BRACE) return undefined;
  while (i < to) {
    if (text.charCodeAt(i) !== QUOTE) return undefined;
    const nameEnd = stringEnd(text, i, to);
    const isName = nameEnd - i - 2 === name.length && text.startsWith(name, i + 1);
    i = skipSpace(text, nameEnd, to);
    if (text.charCodeAt(i) !== COLON) return undefined;
    const start = skipSpace(text, i + 1, to);
    const end = valueEnd(text, start, to);
    if (end > to || end === start) return undefined;
    if (isName) found = { start, end };
    i = skipSpace(text, end, to);
    const next = text.charCodeAt(i);
    if (next === CLOSE_BRACE) return found;
    if (next !== COMMA) return undefined;
    i = skipSpace(text, i + 1, to);
  }
  return undefined;
}

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;

/** JSON's whitespace: space, line feed, carriage return, tab. */
function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

function skipSpace(text: string, i: number, to: number): number {
  while (i < to && isSpace(text.charCodeAt(i))) i++;
  return i;
}

/** The index after the closing quote of the string opening at `i`. */
function stringEnd(text: string, i: number, to: number): number {
  for (let j = i + 1; j < to; j++) {
    const c = text.charCodeAt(j);
    if (c === BACKSLASH) j++;
    else if (c === QUOTE) return j + 1;
  }
  return to + 1;
}

/** The index after the value starting at `i`: a string, an object or array (with all they hold), or a literal. */
function valueEnd(text: string, i: number, to: number): number {
  const first = text.charCodeAt(i);
  if (first === QUOTE) return stringEnd(text, i, to);
  if (first !== OPEN_BRACE && first !== OPEN_BRACKET) {
    let j = i;
    while (j < to) {
      const c = text.charCodeAt(j);
      if (c === COMMA || c === CLOSE_BRACE || c === CLOSE_BRACKET || isSpace(c)) break;
      j++;
    }
    return j;
  }
  let depth = 0;
  for (let j = i; j < to; j++) {
    const c = text.charCodeAt(j);
    if (c === QUOTE) j = stringEnd(text, j, to) - 1;
    else if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++;
    else if ((c === CLOSE_BRACE || c === CLOSE_BRACKET) && --depth === 0) return j + 1;
  }
  return to + 1;
}
