/**
 * Enough of Bicep's expression language to compute what a template's parameters and variables come to, without the
 * Bicep compiler or Azure: literals, strings with interpolation, arrays, objects, operators, the ternary, property
 * and index access, lambdas and the functions the templates here use, with ARM's meaning. The ternary and && and ||
 * evaluate only the branch they take, so a fail() elsewhere stays quiet, as in Azure.
 *
 * uniqueString is a stand-in of the same shape (13 lowercase letters and digits), not Azure's hash. Whatever the
 * evaluator cannot know (a resource's or module's properties, a function it does not have) throws NotEvaluable,
 * so a test never passes on a guess.
 */
import { createHash } from 'node:crypto';
import type { BicepFile, Expr, Token } from './bicep.js';

/** The template's own fail('...'): the message a deployment with these parameters stops with. */
export class BicepFailure extends Error {
  override name = 'BicepFailure';
}

export class NotEvaluable extends Error {
  override name = 'NotEvaluable';
}

export type Value = string | number | boolean | null | readonly Value[] | { readonly [key: string]: Value } | Lambda;

class Lambda {
  constructor(readonly apply: (args: readonly Value[]) => Value) {}
}

type Node =
  | { readonly kind: 'literal'; readonly value: Value }
  | { readonly kind: 'string'; readonly pieces: readonly string[]; readonly parts: readonly Node[] }
  | { readonly kind: 'name'; readonly name: string }
  | { readonly kind: 'array'; readonly items: readonly Node[] }
  | { readonly kind: 'object'; readonly properties: readonly (readonly [string, Node])[] }
  | { readonly kind: 'member'; readonly target: Node; readonly name: string; readonly safe: boolean }
  | { readonly kind: 'index'; readonly target: Node; readonly index: Node }
  | { readonly kind: 'call'; readonly name: string; readonly args: readonly Node[] }
  | { readonly kind: 'lambda'; readonly params: readonly string[]; readonly body: Node }
  | { readonly kind: 'unary'; readonly op: string; readonly operand: Node }
  | { readonly kind: 'binary'; readonly op: string; readonly left: Node; readonly right: Node }
  | { readonly kind: 'ternary'; readonly test: Node; readonly then: Node; readonly otherwise: Node };

/** Binary operators, loosest first. */
const PRECEDENCE: readonly (readonly string[])[] = [
  ['??'],
  ['||'],
  ['&&'],
  ['==', '!='],
  ['<', '>', '<=', '>='],
  ['+', '-'],
  ['*', '/', '%'],
];

class ExpressionParser {
  #at = 0;

  constructor(private readonly tokens: readonly Token[]) {}

  whole(): Node {
    this.#skipNewlines();
    const node = this.#ternary();
    this.#skipNewlines();
    if (this.#peek()) throw new NotEvaluable(`unexpected "${this.#peek()!.text}" at line ${this.#peek()!.line}`);
    return node;
  }

  #ternary(): Node {
    const test = this.#binary(0);
    if (!this.#accept('?')) return test;
    const then = this.#ternary();
    this.#expect(':');
    return { kind: 'ternary', test, then, otherwise: this.#ternary() };
  }

  #binary(level: number): Node {
    if (level === PRECEDENCE.length) return this.#unary();
    let left = this.#binary(level + 1);
    for (let op = this.#operator(level); op; op = this.#operator(level)) {
      this.#skipNewlines();
      left = { kind: 'binary', op, left, right: this.#binary(level + 1) };
    }
    return left;
  }

  #operator(level: number): string | undefined {
    const token = this.#peek();
    if (token?.kind !== 'punct' || !PRECEDENCE[level]!.includes(token.text)) return undefined;
    this.#at++;
    return token.text;
  }

  #unary(): Node {
    const token = this.#peek();
    if (token?.kind === 'punct' && (token.text === '!' || token.text === '-')) {
      this.#at++;
      return { kind: 'unary', op: token.text, operand: this.#unary() };
    }
    return this.#postfix(this.#primary());
  }

  #postfix(node: Node): Node {
    for (;;) {
      if (this.#accept('.') || this.#accept('?.')) {
        const safe = this.tokens[this.#at - 1]!.text === '?.';
        node = { kind: 'member', target: node, name: this.#next().text, safe };
      } else if (this.#accept('[')) {
        this.#skipNewlines();
        const index = this.#ternary();
        this.#skipNewlines();
        this.#expect(']');
        node = { kind: 'index', target: node, index };
      } else {
        return node;
      }
    }
  }

  #primary(): Node {
    const token = this.#next();
    if (token.kind === 'number') return { kind: 'literal', value: Number(token.text) };
    if (token.kind === 'string') {
      return {
        kind: 'string',
        pieces: token.pieces,
        parts: token.interpolations.map((inner) => new ExpressionParser(inner).whole()),
      };
    }
    if (token.kind === 'identifier') {
      if (token.text === 'true' || token.text === 'false') return { kind: 'literal', value: token.text === 'true' };
      if (token.text === 'null') return { kind: 'literal', value: null };
      if (this.#accept('=>')) return { kind: 'lambda', params: [token.text], body: this.#lambdaBody() };
      if (this.#accept('(')) return { kind: 'call', name: token.text, args: this.#list(')', () => this.#ternary()) };
      return { kind: 'name', name: token.text };
    }
    if (token.kind === 'punct' && token.text === '(') {
      const params = this.#lambdaParams();
      if (params) return { kind: 'lambda', params, body: this.#lambdaBody() };
      this.#skipNewlines();
      const inner = this.#ternary();
      this.#skipNewlines();
      this.#expect(')');
      return inner;
    }
    if (token.kind === 'punct' && token.text === '[') {
      if (this.#peekAfterNewlines()?.text === 'for') throw new NotEvaluable('for-expressions are not evaluated');
      return { kind: 'array', items: this.#list(']', () => this.#ternary()) };
    }
    if (token.kind === 'punct' && token.text === '{') {
      return {
        kind: 'object',
        properties: this.#list('}', () => {
          const key = this.#next().text;
          this.#expect(':');
          return [key, this.#ternary()] as const;
        }),
      };
    }
    throw new NotEvaluable(`unexpected "${token.text}" at line ${token.line}`);
  }

  /** `(a, b) =>` after its opening parenthesis: the names, or undefined (and nothing read) if it is no lambda. */
  #lambdaParams(): string[] | undefined {
    const start = this.#at;
    const names: string[] = [];
    while (this.#peek()?.kind === 'identifier') {
      names.push(this.#next().text);
      if (!this.#accept(',')) break;
    }
    if (this.#accept(')') && this.#accept('=>')) return names;
    this.#at = start;
    return undefined;
  }

  #lambdaBody(): Node {
    this.#skipNewlines();
    return this.#ternary();
  }

  /** Items up to `close`, separated by commas or newlines. */
  #list<T>(close: string, item: () => T): T[] {
    const items: T[] = [];
    for (;;) {
      while (this.#peek()?.kind === 'newline' || this.#peek()?.text === ',') this.#at++;
      if (this.#accept(close)) return items;
      items.push(item());
    }
  }

  #peekAfterNewlines(): Token | undefined {
    let at = this.#at;
    while (this.tokens[at]?.kind === 'newline') at++;
    return this.tokens[at];
  }

  #skipNewlines(): void {
    while (this.#peek()?.kind === 'newline') this.#at++;
  }

  #accept(text: string): boolean {
    const token = this.#peek();
    if (token?.kind !== 'punct' || token.text !== text) return false;
    this.#at++;
    return true;
  }

  #expect(text: string): void {
    if (!this.#accept(text)) throw new NotEvaluable(`expected "${text}", found "${this.#peek()?.text ?? 'the end'}"`);
  }

  #peek(): Token | undefined {
    return this.tokens[this.#at];
  }

  #next(): Token {
    const token = this.tokens[this.#at++];
    if (!token) throw new NotEvaluable('unexpected end of the expression');
    return token;
  }
}

export interface DeploymentContext {
  readonly resourceGroup: { readonly id: string; readonly name: string; readonly location: string };
}

export const SAMPLE_CONTEXT: DeploymentContext = {
  resourceGroup: {
    id: '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-defender-siem',
    name: 'rg-defender-siem',
    location: 'westeurope',
  },
};

/** A template's parameters and variables for one set of parameter values (the rest take their defaults). */
export class Evaluation {
  readonly #variables = new Map<string, Value>();

  constructor(
    private readonly file: BicepFile,
    private readonly params: Readonly<Record<string, Value>> = {},
    private readonly context: DeploymentContext = SAMPLE_CONTEXT,
  ) {
    const unknown = Object.keys(params).filter((name) => !file.params.has(name));
    if (unknown.length > 0) throw new NotEvaluable(`no such parameter: ${unknown.join(', ')}`);
  }

  variable(name: string): Value {
    if (!this.#variables.has(name)) {
      const expr = this.file.vars.get(name);
      if (!expr) throw new NotEvaluable(`no variable ${name}`);
      this.#variables.set(name, this.value(expr));
    }
    return this.#variables.get(name)!;
  }

  parameter(name: string): Value {
    if (name in this.params) return this.params[name]!;
    const defaultValue = this.file.params.get(name)?.defaultValue;
    if (!defaultValue) throw new NotEvaluable(`parameter ${name} has no value and no default`);
    return this.value(defaultValue);
  }

  /** The value of any expression of the file: a variable's, a property of a resource's body, a default. */
  value(expr: Expr): Value {
    return this.#evaluate(new ExpressionParser(expr.tokens).whole(), new Map());
  }

  #evaluate(node: Node, scope: ReadonlyMap<string, Value>): Value {
    const evaluate = (inner: Node) => this.#evaluate(inner, scope);
    switch (node.kind) {
      case 'literal':
        return node.value;
      case 'string':
        return node.pieces
          .map((piece, index) => piece + (index < node.parts.length ? text(evaluate(node.parts[index]!)) : ''))
          .join('');
      case 'name':
        if (scope.has(node.name)) return scope.get(node.name)!;
        if (this.file.params.has(node.name)) return this.parameter(node.name);
        if (this.file.vars.has(node.name)) return this.variable(node.name);
        throw new NotEvaluable(`${node.name} is not a parameter, a variable or a lambda's argument`);
      case 'array':
        return node.items.map(evaluate);
      case 'object':
        return Object.fromEntries(node.properties.map(([key, value]) => [key, evaluate(value)]));
      case 'member':
        return member(evaluate(node.target), node.name, node.safe);
      case 'index':
        return index(evaluate(node.target), evaluate(node.index));
      case 'call':
        return this.#call(node.name, node.args.map(evaluate));
      case 'lambda':
        return new Lambda((args) =>
          this.#evaluate(
            node.body,
            new Map([...scope, ...node.params.map((name, i) => [name, args[i] ?? null] as const)]),
          ),
        );
      case 'unary':
        return node.op === '!' ? !bool(evaluate(node.operand)) : -num(evaluate(node.operand));
      case 'ternary':
        return bool(evaluate(node.test)) ? evaluate(node.then) : evaluate(node.otherwise);
      case 'binary':
        return binary(node.op, evaluate(node.left), () => evaluate(node.right));
    }
  }

  #call(name: string, args: readonly Value[]): Value {
    if (name === 'resourceGroup') return this.context.resourceGroup;
    const fn = FUNCTIONS[name];
    if (!fn) throw new NotEvaluable(`the function ${name}() is not evaluated here`);
    return fn(...args);
  }
}

function binary(op: string, left: Value, right: () => Value): Value {
  switch (op) {
    case '&&':
      return bool(left) && bool(right());
    case '||':
      return bool(left) || bool(right());
    case '??':
      return left ?? right();
    case '==':
      return equal(left, right());
    case '!=':
      return !equal(left, right());
  }
  const [a, b] = [left, right()];
  switch (op) {
    case '<':
      return ordered(a, b) < 0;
    case '>':
      return ordered(a, b) > 0;
    case '<=':
      return ordered(a, b) <= 0;
    case '>=':
      return ordered(a, b) >= 0;
    case '+':
      return num(a) + num(b);
    case '-':
      return num(a) - num(b);
    case '*':
      return num(a) * num(b);
    case '/':
      return Math.trunc(num(a) / num(b));
    default:
      return num(a) % num(b);
  }
}

const FUNCTIONS: Record<string, (...args: Value[]) => Value> = {
  toLower: (value) => str(value).toLowerCase(),
  toUpper: (value) => str(value).toUpperCase(),
  // Azure's is a 64-bit hash in base 32: 13 characters of a-z and 0-9. Only the shape is kept.
  uniqueString: (...parts) =>
    [...createHash('sha256').update(parts.map(str).join('|')).digest().subarray(0, 13)]
      .map((byte) => 'abcdefghijklmnopqrstuvwxyz234567'[byte % 32])
      .join(''),
  take: (value, count) =>
    typeof value === 'string' ? value.slice(0, Math.max(0, num(count))) : arr(value).slice(0, Math.max(0, num(count))),
  skip: (value, count) =>
    typeof value === 'string' ? value.slice(Math.max(0, num(count))) : arr(value).slice(Math.max(0, num(count))),
  length: (value) =>
    typeof value === 'string' || Array.isArray(value)
      ? (value as string | Value[]).length
      : Object.keys(obj(value)).length,
  substring: (value, start, length) => {
    const [s, from] = [str(value), num(start)];
    const count = length === undefined ? s.length - from : num(length);
    if (from < 0 || count < 0 || from + count > s.length)
      throw new BicepFailure(`substring: ${from}+${count} is outside "${s}"`);
    return s.slice(from, from + count);
  },
  range: (start, count) => Array.from({ length: num(count) }, (_, i) => num(start) + i),
  map: (items, fn) => arr(items).map((item, i) => lambda(fn).apply([item, i])),
  filter: (items, fn) => arr(items).filter((item, i) => bool(lambda(fn).apply([item, i]))),
  join: (items, delimiter) => arr(items).map(text).join(str(delimiter)),
  split: (value, delimiters) => {
    const parts = typeof delimiters === 'string' ? [delimiters] : arr(delimiters).map(str);
    return parts.reduce<string[]>(
      (pieces, delimiter) => pieces.flatMap((piece) => piece.split(delimiter)),
      [str(value)],
    );
  },
  replace: (value, from, to) => str(value).replaceAll(str(from), str(to)),
  contains: (container, item) => {
    if (typeof container === 'string') return container.includes(str(item));
    if (Array.isArray(container)) return container.some((candidate) => equal(candidate, item));
    return Object.keys(obj(container)).some((key) => key.toLowerCase() === str(item).toLowerCase());
  },
  empty: (value) =>
    value === null ||
    (typeof value === 'string' || Array.isArray(value)
      ? (value as string | Value[]).length === 0
      : Object.keys(obj(value)).length === 0),
  startsWith: (value, prefix) => str(value).toLowerCase().startsWith(str(prefix).toLowerCase()),
  endsWith: (value, suffix) => str(value).toLowerCase().endsWith(str(suffix).toLowerCase()),
  string: (value) => text(value),
  int: (value) => (typeof value === 'number' ? value : Number.parseInt(str(value), 10)),
  max: (...values) => Math.max(...values.flatMap((value) => (Array.isArray(value) ? value.map(num) : [num(value)]))),
  min: (...values) => Math.min(...values.flatMap((value) => (Array.isArray(value) ? value.map(num) : [num(value)]))),
  fail: (message) => {
    throw new BicepFailure(str(message));
  },
};

/** A value as ARM writes it into a string: interpolation and string(). */
function text(value: Value): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') return String(value);
  return JSON.stringify(value);
}

function member(target: Value, name: string, safe: boolean): Value {
  if ((target === null || target === undefined) && safe) return null;
  const record = obj(target);
  const key = Object.keys(record).find((candidate) => candidate.toLowerCase() === name.toLowerCase());
  if (key === undefined) {
    if (safe) return null;
    throw new NotEvaluable(`no property ${name}`);
  }
  return record[key]!;
}

function index(target: Value, at: Value): Value {
  if (Array.isArray(target)) {
    const item = (target as Value[])[num(at)];
    if (item === undefined) throw new BicepFailure(`index ${num(at)} is outside an array of ${target.length}`);
    return item;
  }
  return member(target, str(at), false);
}

function equal(a: Value, b: Value): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function ordered(a: Value, b: Value): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return str(a) < str(b) ? -1 : str(a) > str(b) ? 1 : 0;
}

function str(value: Value | undefined): string {
  if (typeof value !== 'string') throw new NotEvaluable(`expected a string, got ${JSON.stringify(value)}`);
  return value;
}

function num(value: Value | undefined): number {
  if (typeof value !== 'number') throw new NotEvaluable(`expected a number, got ${JSON.stringify(value)}`);
  return value;
}

function bool(value: Value | undefined): boolean {
  if (typeof value !== 'boolean') throw new NotEvaluable(`expected true or false, got ${JSON.stringify(value)}`);
  return value;
}

function arr(value: Value | undefined): readonly Value[] {
  if (!Array.isArray(value)) throw new NotEvaluable(`expected an array, got ${JSON.stringify(value)}`);
  return value as readonly Value[];
}

function obj(value: Value | undefined): { readonly [key: string]: Value } {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || value instanceof Lambda) {
    throw new NotEvaluable(`expected an object, got ${JSON.stringify(value)}`);
  }
  return value as { readonly [key: string]: Value };
}

function lambda(value: Value | undefined): Lambda {
  if (!(value instanceof Lambda)) throw new NotEvaluable('expected a lambda');
  return value;
}
