import { ScimError } from '../errors';
import { ScimLimits } from '../limits';
import { textProblem } from '../resource/text';

export type Token =
  { type: '(' | ')' | '[' | ']'; pos: number } | { type: 'string'; value: string; pos: number } | { type: 'word'; value: string; pos: number };

export function tokenize(input: string): Token[] {
  if (input.length > ScimLimits.maxFilterLength) throw ScimError.invalidFilter(`Filter is longer than ${ScimLimits.maxFilterLength} characters`);
  const problem = textProblem(input);
  if (problem) throw ScimError.invalidFilter(`Filter ${problem}`);
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const ch = input[i];
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === '(' || ch === ')' || ch === '[' || ch === ']') {
      tokens.push({ type: ch, pos: i });
      i++;
    } else if (ch === '"') {
      let j = i + 1;
      while (j < input.length && input[j] !== '"') j += input[j] === '\\' ? 2 : 1;
      if (j >= input.length) throw ScimError.invalidFilter(`Unterminated string starting at position ${i + 1}`);
      let value: unknown;
      try {
        value = JSON.parse(input.slice(i, j + 1));
      } catch {
        throw ScimError.invalidFilter(`Invalid string literal at position ${i + 1}`);
      }
      const literalProblem = textProblem(value as string);
      if (literalProblem) throw ScimError.invalidFilter(`The string at position ${i + 1} ${literalProblem}`);
      tokens.push({ type: 'string', value: value as string, pos: i });
      i = j + 1;
    } else {
      let j = i;
      while (j < input.length && !/[\s()[\]"]/.test(input[j])) j++;
      tokens.push({ type: 'word', value: input.slice(i, j), pos: i });
      i = j;
    }
  }
  return tokens;
}
