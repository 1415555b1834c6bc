import { ScimError } from '../errors';
import { compareOperators, type CompareOperator, type Filter, type Literal } from './ast';
import { tokenize, type Token } from './lexer';

const MAX_DEPTH = 50;

/** Parses a filter string into an AST (syntax only; attribute names are bound later). */
export function parseFilter(input: string): Filter {
  if (!input.trim()) throw ScimError.invalidFilter('Filter is empty');
  const parser = new FilterParser(tokenize(input));
  const filter = parser.parseOr(0, false);
  parser.expectEnd();
  return filter;
}

class FilterParser {
  private index = 0;

  constructor(private readonly tokens: Token[]) {}

  expectEnd(): void {
    const token = this.peek();
    if (token) throw this.error(token, 'Unexpected');
  }

  parseOr(depth: number, inValuePath: boolean): Filter {
    let left = this.parseAnd(depth, inValuePath);
    while (this.isKeyword('or')) {
      this.index++;
      left = { kind: 'or', left, right: this.parseAnd(depth, inValuePath) };
    }
    return left;
  }

  private parseAnd(depth: number, inValuePath: boolean): Filter {
    let left = this.parseUnary(depth, inValuePath);
    while (this.isKeyword('and')) {
      this.index++;
      left = { kind: 'and', left, right: this.parseUnary(depth, inValuePath) };
    }
    return left;
  }

  private parseUnary(depth: number, inValuePath: boolean): Filter {
    if (depth > MAX_DEPTH) throw ScimError.invalidFilter('Filter is nested too deeply');
    if (this.isKeyword('not')) {
      this.index++;
      this.expect('(');
      const filter = this.parseOr(depth + 1, inValuePath);
      this.expect(')');
      return { kind: 'not', filter };
    }
    if (this.peek()?.type === '(') {
      this.index++;
      const filter = this.parseOr(depth + 1, inValuePath);
      this.expect(')');
      return filter;
    }
    return this.parseAttributeExpression(depth, inValuePath);
  }

  private parseAttributeExpression(depth: number, inValuePath: boolean): Filter {
    const token = this.next('an attribute path');
    if (token.type !== 'word' || isKeyword(token.value)) throw this.error(token, 'Expected an attribute path but found');
    const path = token.value;
    if (this.peek()?.type === '[') {
      if (inValuePath) throw this.error(this.peek()!, 'Nested value filters are not allowed:');
      this.index++;
      const inner = this.parseOr(depth + 1, true);
      this.expect(']');
      const after = this.peek();
      // Entra ID: emails[type eq "work"].value eq "x" — fold the comparison into the value filter.
      if (after?.type === 'word' && after.value.startsWith('.')) {
        this.index++;
        const sub = after.value.slice(1);
        const comparison = this.parseComparison(sub);
        return { kind: 'valuePath', path, filter: { kind: 'and', left: inner, right: comparison } };
      }
      return { kind: 'valuePath', path, filter: inner };
    }
    return this.parseComparison(path);
  }

  private parseComparison(path: string): Filter {
    const opToken = this.next('an operator');
    if (opToken.type !== 'word') throw this.error(opToken, 'Expected an operator but found');
    const op = opToken.value.toLowerCase();
    if (op === 'pr') return { kind: 'present', path };
    if (!compareOperators.includes(op as CompareOperator)) throw this.error(opToken, 'Unknown operator');
    return { kind: 'compare', path, op: op as CompareOperator, value: this.parseLiteral() };
  }

  private parseLiteral(): Literal {
    const token = this.next('a value');
    if (token.type === 'string') return token.value;
    if (token.type !== 'word' || isKeyword(token.value)) throw this.error(token, 'Expected a value but found');
    const word = token.value;
    const lower = word.toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
    if (lower === 'null') return null;
    if (/^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(word)) return Number(word);
    // Older Entra docs show unquoted ids (`id eq 2819c223`): accept plain identifiers as strings.
    if (/^[\w.@-]+$/.test(word)) return word;
    throw this.error(token, 'Expected a value but found');
  }

  private isKeyword(word: string): boolean {
    const token = this.peek();
    return token?.type === 'word' && token.value.toLowerCase() === word;
  }

  private expect(type: '(' | ')' | '[' | ']'): void {
    const token = this.next(`"${type}"`);
    if (token.type !== type) throw this.error(token, `Expected "${type}" but found`);
  }

  private peek(): Token | undefined {
    return this.tokens[this.index];
  }

  private next(expected: string): Token {
    const token = this.tokens[this.index++];
    if (!token) throw ScimError.invalidFilter(`Filter ended early: expected ${expected}`);
    return token;
  }

  private error(token: Token, message: string): ScimError {
    const text = token.type === 'word' || token.type === 'string' ? JSON.stringify(token.value) : `"${token.type}"`;
    return ScimError.invalidFilter(`${message} ${text} at position ${token.pos + 1}`);
  }
}

function isKeyword(word: string): boolean {
  const lower = word.toLowerCase();
  return lower === 'and' || lower === 'or' || lower === 'not';
}
