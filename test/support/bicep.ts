/**
 * Enough of Bicep to check infra/ without the Bicep compiler (a download this project's machines cannot reach):
 * a tokenizer (strings with escapes and ${} interpolation, ''' multi-line strings, comments, numbers,
 * punctuation) that insists on balanced brackets, and a parser for the declarations (param, var, resource,
 * module, output, targetScope) whose values are read as objects, arrays, for-expressions, literals or, for
 * anything else, the raw tokens. What it cannot judge: types, resource schemas, API versions, functions' meaning.
 */
import { readFileSync } from 'node:fs';

export class BicepSyntaxError extends Error {
  constructor(message: string, line: number, file = '') {
    super(`${file ? `${file}:` : ''}${line}: ${message}`);
    this.name = 'BicepSyntaxError';
  }
}

export type Token =
  | { readonly kind: 'identifier'; readonly text: string; readonly line: number }
  | { readonly kind: 'number'; readonly text: string; readonly line: number }
  | { readonly kind: 'punct'; readonly text: string; readonly line: number }
  | { readonly kind: 'newline'; readonly text: '\n'; readonly line: number }
  | {
      readonly kind: 'string';
      /** The text with escapes resolved and each interpolation kept as its source, ${...}. */
      readonly text: string;
      readonly interpolations: readonly (readonly Token[])[];
      /** The literal text around the interpolations, escapes resolved: one more piece than interpolations. */
      readonly pieces: readonly string[];
      readonly line: number;
    };

const PUNCTUATION = ['?.', '??', '==', '!=', '<=', '>=', '&&', '||', '=>', '::', ...'{}[](),:.?!=<>+-*/%@|'];
const ESCAPES: Record<string, string> = { '\\': '\\', "'": "'", n: '\n', r: '\r', t: '\t', $: '$' };
const OPENERS: Record<string, string> = { '{': '}', '[': ']', '(': ')' };

export function tokenize(source: string): Token[] {
  const tokens = new Tokenizer(source).run();
  checkBalanced(tokens);
  return tokens;
}

class Tokenizer {
  #at = 0;
  #line = 1;

  constructor(private readonly source: string) {}

  run(): Token[] {
    const tokens = this.#tokens(false);
    if (this.#at < this.source.length) throw this.#error(`unexpected "${this.source[this.#at]}"`);
    return tokens;
  }

  /** Tokens up to the end, or inside an interpolation up to its closing brace (left unread). */
  #tokens(inInterpolation: boolean): Token[] {
    const tokens: Token[] = [];
    let braces = 0;
    const src = this.source;
    while (this.#at < src.length) {
      const char = src[this.#at]!;
      if (char === '\n') {
        tokens.push({ kind: 'newline', text: '\n', line: this.#line });
        this.#line++;
        this.#at++;
      } else if (char === ' ' || char === '\t' || char === '\r') {
        this.#at++;
      } else if (src.startsWith('//', this.#at)) {
        while (this.#at < src.length && src[this.#at] !== '\n') this.#at++;
      } else if (src.startsWith('/*', this.#at)) {
        const end = src.indexOf('*/', this.#at + 2);
        if (end < 0) throw this.#error('unterminated /* comment');
        this.#line += src.slice(this.#at, end).split('\n').length - 1;
        this.#at = end + 2;
      } else if (src.startsWith("'''", this.#at)) {
        const end = src.indexOf("'''", this.#at + 3);
        if (end < 0) throw this.#error("unterminated ''' string");
        const text = src.slice(this.#at + 3, end);
        tokens.push({ kind: 'string', text, interpolations: [], pieces: [text], line: this.#line });
        this.#line += text.split('\n').length - 1;
        this.#at = end + 3;
      } else if (char === "'") {
        tokens.push(this.#string());
      } else if (/[A-Za-z_]/.test(char)) {
        const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(this.#at))![0];
        tokens.push({ kind: 'identifier', text: match, line: this.#line });
        this.#at += match.length;
      } else if (/[0-9]/.test(char)) {
        const match = /^[0-9]+/.exec(src.slice(this.#at))![0];
        tokens.push({ kind: 'number', text: match, line: this.#line });
        this.#at += match.length;
      } else {
        const punct = PUNCTUATION.find((candidate) => src.startsWith(candidate, this.#at));
        if (!punct) throw this.#error(`unexpected "${char}"`);
        if (inInterpolation && punct === '}' && braces === 0) return tokens;
        if (punct === '{') braces++;
        if (punct === '}') braces--;
        tokens.push({ kind: 'punct', text: punct, line: this.#line });
        this.#at += punct.length;
      }
    }
    if (inInterpolation) throw this.#error('unterminated ${ interpolation');
    return tokens;
  }

  #string(): Token {
    const src = this.source;
    const line = this.#line;
    const interpolations: Token[][] = [];
    const pieces: string[] = [];
    let text = '';
    let piece = '';
    this.#at++;
    for (;;) {
      const char = src[this.#at];
      if (char === undefined || char === '\n') throw new BicepSyntaxError('unterminated string', line);
      if (char === "'") {
        this.#at++;
        return { kind: 'string', text, interpolations, pieces: [...pieces, piece], line };
      }
      if (char === '\\') {
        const next = src[this.#at + 1] ?? '';
        if (next === 'u' && src[this.#at + 2] === '{') {
          const end = src.indexOf('}', this.#at);
          const decoded = String.fromCodePoint(parseInt(src.slice(this.#at + 3, end), 16));
          text += decoded;
          piece += decoded;
          this.#at = end + 1;
          continue;
        }
        if (!(next in ESCAPES)) throw this.#error(`invalid escape "\\${next}" in a string`);
        text += ESCAPES[next];
        piece += ESCAPES[next];
        this.#at += 2;
      } else if (src.startsWith('${', this.#at)) {
        const start = this.#at;
        this.#at += 2;
        interpolations.push(this.#tokens(true));
        this.#at++;
        text += src.slice(start, this.#at);
        pieces.push(piece);
        piece = '';
      } else {
        text += char;
        piece += char;
        this.#at++;
      }
    }
  }

  #error(message: string): BicepSyntaxError {
    return new BicepSyntaxError(message, this.#line);
  }
}

function checkBalanced(tokens: readonly Token[]): void {
  const open: Token[] = [];
  for (const token of allTokens(tokens)) {
    if (token.kind !== 'punct') continue;
    if (token.text in OPENERS) open.push(token);
    else if (Object.values(OPENERS).includes(token.text)) {
      const opener = open.pop();
      if (!opener || OPENERS[opener.text] !== token.text) {
        throw new BicepSyntaxError(
          `"${token.text}" does not close ${opener ? `"${opener.text}" of line ${opener.line}` : 'anything'}`,
          token.line,
        );
      }
    }
  }
  const unclosed = open.pop();
  if (unclosed) throw new BicepSyntaxError(`"${unclosed.text}" is never closed`, unclosed.line);
}

/** Every token, those inside string interpolations included. */
export function* allTokens(tokens: readonly Token[]): Generator<Token> {
  for (const token of tokens) {
    yield token;
    if (token.kind === 'string') for (const inner of token.interpolations) yield* allTokens(inner);
  }
}

// ---- Values

export type Expr =
  | { readonly kind: 'object'; readonly properties: readonly Property[]; readonly tokens: readonly Token[] }
  | { readonly kind: 'array'; readonly items: readonly Expr[]; readonly tokens: readonly Token[] }
  | {
      readonly kind: 'for';
      readonly source: Expr;
      readonly condition?: Expr;
      readonly body: Expr;
      readonly tokens: readonly Token[];
    }
  | {
      readonly kind: 'string';
      readonly value: string;
      readonly interpolated: boolean;
      readonly tokens: readonly Token[];
    }
  | { readonly kind: 'other'; readonly tokens: readonly Token[] };

export interface Property {
  readonly key: string;
  readonly value: Expr;
}

export interface Decorator {
  readonly name: string;
  readonly args: readonly Expr[];
}

export interface Param {
  readonly type: string;
  readonly defaultValue?: Expr;
  readonly decorators: readonly Decorator[];
}

export interface Resource {
  readonly type: string;
  readonly apiVersion: string;
  readonly existing: boolean;
  /** The declaration's value: an object, `if (...) {...}` as a condition and body, or a for-expression. */
  readonly body: Expr;
  readonly condition?: Expr;
}

export interface Module {
  readonly path: string;
  readonly body: Expr;
  readonly condition?: Expr;
}

export interface Output {
  readonly type: string;
  readonly value: Expr;
  readonly decorators: readonly Decorator[];
}

export interface BicepFile {
  readonly tokens: readonly Token[];
  readonly targetScope?: string;
  readonly params: ReadonlyMap<string, Param>;
  readonly vars: ReadonlyMap<string, Expr>;
  readonly resources: ReadonlyMap<string, Resource>;
  readonly modules: ReadonlyMap<string, Module>;
  readonly outputs: ReadonlyMap<string, Output>;
}

export function readBicep(path: string | URL): BicepFile {
  const name = String(path).split('/').pop() ?? '';
  try {
    return parseBicep(readFileSync(path, 'utf8'));
  } catch (error) {
    if (error instanceof BicepSyntaxError) throw new BicepSyntaxError(error.message, 0, name);
    throw error;
  }
}

export function parseBicep(source: string): BicepFile {
  return new Parser(tokenize(source)).file();
}

class Parser {
  #at = 0;
  /** Child resources declared inside a parent's body. */
  readonly #nested: [string, Resource, number][] = [];

  constructor(private readonly tokens: readonly Token[]) {}

  file(): BicepFile {
    const params = new Map<string, Param>();
    const vars = new Map<string, Expr>();
    const resources = new Map<string, Resource>();
    const modules = new Map<string, Module>();
    const outputs = new Map<string, Output>();
    const symbols = new Set<string>();
    const declare = (name: string, line: number) => {
      if (symbols.has(name)) throw new BicepSyntaxError(`"${name}" is declared twice`, line);
      symbols.add(name);
    };
    let targetScope: string | undefined;
    let decorators: Decorator[] = [];

    for (this.#skipNewlines(); this.#peek(); this.#skipNewlines()) {
      const keyword = this.#next();
      if (keyword.kind === 'punct' && keyword.text === '@') {
        decorators.push(this.#decorator());
        continue;
      }
      if (keyword.kind !== 'identifier')
        throw new BicepSyntaxError(`expected a declaration, found "${keyword.text}"`, keyword.line);
      const line = keyword.line;
      switch (keyword.text) {
        case 'targetScope':
          this.#expect('=');
          targetScope = literalString(this.#expression());
          break;
        case 'metadata':
          this.#identifier();
          this.#expect('=');
          this.#expression();
          break;
        case 'param': {
          const name = this.#identifier();
          declare(name, line);
          const type = this.#typeText();
          const defaultValue = this.#accept('=') ? this.#expression() : undefined;
          params.set(name, { type, decorators, ...(defaultValue ? { defaultValue } : {}) });
          break;
        }
        case 'var': {
          const name = this.#identifier();
          declare(name, line);
          this.#expect('=');
          vars.set(name, this.#expression());
          break;
        }
        case 'resource': {
          const [name, resource] = this.#resource();
          declare(name, line);
          resources.set(name, resource);
          break;
        }
        case 'module': {
          const name = this.#identifier();
          declare(name, line);
          const path = this.#stringLiteral();
          this.#expect('=');
          modules.set(name, { path, ...this.#declarationBody() });
          break;
        }
        case 'output': {
          const name = this.#identifier();
          if (outputs.has(name)) throw new BicepSyntaxError(`output "${name}" is declared twice`, line);
          const type = this.#typeText();
          this.#expect('=');
          outputs.set(name, { type, value: this.#expression(), decorators });
          break;
        }
        default:
          throw new BicepSyntaxError(`unsupported statement "${keyword.text}"`, line);
      }
      decorators = [];
      this.#endOfStatement();
    }
    for (const [name, resource, line] of this.#nested) {
      declare(name, line);
      resources.set(name, resource);
    }
    return { tokens: this.tokens, ...(targetScope ? { targetScope } : {}), params, vars, resources, modules, outputs };
  }

  /** After the keyword: `name 'type@version' [existing] = value`. */
  #resource(): [string, Resource] {
    const name = this.#identifier();
    const [type = '', apiVersion = ''] = this.#stringLiteral().split('@');
    const existing = this.#acceptIdentifier('existing');
    this.#expect('=');
    return [name, { type, apiVersion, existing, ...this.#declarationBody() }];
  }

  #declarationBody(): { body: Expr; condition?: Expr } {
    if (this.#acceptIdentifier('if')) {
      const condition = this.#parenthesized();
      return { condition, body: this.#expression() };
    }
    return { body: this.#expression() };
  }

  #decorator(): Decorator {
    let name = this.#identifier();
    while (this.#accept('.')) name = this.#identifier();
    const args: Expr[] = [];
    this.#expect('(');
    for (this.#skipSeparators(); !this.#accept(')'); this.#skipSeparators()) args.push(this.#expression());
    return { name, args };
  }

  /** A value: an object, array or for-expression literal, a plain string, or any other expression as tokens. */
  #expression(stop: readonly string[] = []): Expr {
    const first = this.#peek();
    if (!first) throw new BicepSyntaxError('expected a value, found the end of the file', this.#lastLine());
    const start = this.#at;
    if (isPunct(first, '{')) {
      const object = this.#object();
      if (this.#atValueEnd(stop)) return object;
    } else if (isPunct(first, '[')) {
      const array = this.#arrayOrFor();
      if (this.#atValueEnd(stop)) return array;
    } else if (first.kind === 'string') {
      this.#at++;
      if (this.#atValueEnd(stop))
        return { kind: 'string', value: first.text, interpolated: first.interpolations.length > 0, tokens: [first] };
    }
    this.#at = start;
    return { kind: 'other', tokens: this.#rawUntilValueEnd(stop) };
  }

  #object(): Expr {
    const start = this.#at;
    this.#expect('{');
    const properties: Property[] = [];
    for (;;) {
      this.#skipSeparators();
      if (this.#accept('}')) break;
      const keyToken = this.#next();
      if (keyToken.kind === 'identifier' && keyToken.text === 'resource' && this.#peek()?.kind === 'identifier') {
        const [name, resource] = this.#resource();
        this.#nested.push([name, resource, keyToken.line]);
        continue;
      }
      if (keyToken.kind !== 'identifier' && keyToken.kind !== 'string') {
        throw new BicepSyntaxError(`expected a property name, found "${keyToken.text}"`, keyToken.line);
      }
      this.#expect(':');
      properties.push({ key: keyToken.text, value: this.#expression() });
    }
    return { kind: 'object', properties, tokens: this.tokens.slice(start, this.#at) };
  }

  #arrayOrFor(): Expr {
    const start = this.#at;
    this.#expect('[');
    this.#skipNewlines();
    if (this.#acceptIdentifier('for')) {
      if (this.#accept('(')) {
        this.#identifier();
        this.#expect(',');
        this.#identifier();
        this.#expect(')');
      } else {
        this.#identifier();
      }
      if (!this.#acceptIdentifier('in'))
        throw new BicepSyntaxError('expected "in"', this.#peek()?.line ?? this.#lastLine());
      const source = this.#expression([':']);
      this.#expect(':');
      const condition = this.#acceptIdentifier('if') ? this.#parenthesized() : undefined;
      const body = this.#expression();
      this.#skipNewlines();
      this.#expect(']');
      return {
        kind: 'for',
        source,
        body,
        tokens: this.tokens.slice(start, this.#at),
        ...(condition ? { condition } : {}),
      };
    }
    const items: Expr[] = [];
    for (;;) {
      this.#skipSeparators();
      if (this.#accept(']')) break;
      items.push(this.#expression());
    }
    return { kind: 'array', items, tokens: this.tokens.slice(start, this.#at) };
  }

  #parenthesized(): Expr {
    this.#expect('(');
    const inner = this.#expression();
    this.#expect(')');
    return inner;
  }

  /** Tokens up to a newline, comma or closing bracket outside any bracket of their own (or a `stop`). */
  #rawUntilValueEnd(stop: readonly string[]): Token[] {
    const start = this.#at;
    let depth = 0;
    for (let token = this.#peek(); token; token = this.#peek()) {
      if (depth === 0 && this.#atValueEnd(stop)) break;
      if (token.kind === 'punct' && token.text in OPENERS) depth++;
      if (token.kind === 'punct' && Object.values(OPENERS).includes(token.text)) depth--;
      this.#at++;
    }
    if (this.#at === start) throw new BicepSyntaxError('expected a value', this.#peek()?.line ?? this.#lastLine());
    return this.tokens.slice(start, this.#at);
  }

  #atValueEnd(stop: readonly string[]): boolean {
    const token = this.#peek();
    return (
      !token ||
      token.kind === 'newline' ||
      (token.kind === 'punct' && [',', ')', ']', '}', ...stop].includes(token.text))
    );
  }

  #typeText(): string {
    const tokens = this.#rawUntil((token) => token.kind === 'newline' || isPunct(token, '='));
    return tokens.map((token) => token.text).join('');
  }

  #rawUntil(end: (token: Token) => boolean): Token[] {
    const start = this.#at;
    for (let token = this.#peek(); token && !end(token); token = this.#peek()) this.#at++;
    return this.tokens.slice(start, this.#at);
  }

  #endOfStatement(): void {
    const token = this.#peek();
    if (token && token.kind !== 'newline')
      throw new BicepSyntaxError(`unexpected "${token.text}" after a declaration`, token.line);
  }

  #identifier(): string {
    const token = this.#next();
    if (token.kind !== 'identifier') throw new BicepSyntaxError(`expected a name, found "${token.text}"`, token.line);
    return token.text;
  }

  #stringLiteral(): string {
    const token = this.#next();
    if (token.kind !== 'string' || token.interpolations.length > 0) {
      throw new BicepSyntaxError(`expected a plain string, found "${token.text}"`, token.line);
    }
    return token.text;
  }

  #expect(text: string): void {
    const token = this.#next();
    if (!isPunct(token, text)) throw new BicepSyntaxError(`expected "${text}", found "${token.text}"`, token.line);
  }

  #accept(text: string): boolean {
    if (!isPunct(this.#peek(), text)) return false;
    this.#at++;
    return true;
  }

  #acceptIdentifier(text: string): boolean {
    const token = this.#peek();
    if (token?.kind !== 'identifier' || token.text !== text) return false;
    this.#at++;
    return true;
  }

  #skipNewlines(): void {
    while (this.#peek()?.kind === 'newline') this.#at++;
  }

  #skipSeparators(): void {
    while (this.#peek()?.kind === 'newline' || isPunct(this.#peek(), ',')) this.#at++;
  }

  #peek(): Token | undefined {
    return this.tokens[this.#at];
  }

  #next(): Token {
    const token = this.tokens[this.#at++];
    if (!token) throw new BicepSyntaxError('unexpected end of the file', this.#lastLine());
    return token;
  }

  #lastLine(): number {
    return this.tokens[this.tokens.length - 1]?.line ?? 1;
  }
}

function isPunct(token: Token | undefined, text: string): boolean {
  return token?.kind === 'punct' && token.text === text;
}

// ---- Reading values

/** The value at a dotted path of object properties, e.g. property(site.body, 'properties.functionAppConfig'). */
export function property(expr: Expr | undefined, path: string): Expr | undefined {
  let current = expr;
  for (const key of path.split('.')) {
    if (current?.kind !== 'object') return undefined;
    current = current.properties.find((candidate) => candidate.key === key)?.value;
  }
  return current;
}

export function keys(expr: Expr | undefined): string[] {
  return expr?.kind === 'object' ? expr.properties.map((candidate) => candidate.key) : [];
}

/** A literal's value (string, whole number, true, false, null); undefined for anything computed. */
export function literal(expr: Expr | undefined): string | number | boolean | null | undefined {
  if (!expr) return undefined;
  if (expr.kind === 'string') return expr.interpolated ? undefined : expr.value;
  if (expr.kind !== 'other') return undefined;
  const text = source(expr);
  if (/^-?[0-9]+$/.test(text)) return Number(text);
  if (text === 'true' || text === 'false') return text === 'true';
  if (text === 'null') return null;
  return undefined;
}

function literalString(expr: Expr): string | undefined {
  const value = literal(expr);
  return typeof value === 'string' ? value : undefined;
}

/** An expression as compact source text, strings re-quoted: `split(split(x, '/')[2], ':')[0]`. */
export function source(expr: Expr | undefined): string {
  let text = '';
  let previous: Token | undefined;
  for (const token of expr?.tokens ?? []) {
    if (token.kind === 'newline') continue;
    const tight =
      (token.kind === 'punct' && ['.', '?.', '(', ')', '[', ']', ','].includes(token.text)) ||
      (previous?.kind === 'punct' && ['.', '?.', '(', '[', '!'].includes(previous.text));
    text += `${text && !tight ? ' ' : ''}${token.kind === 'string' ? `'${token.text}'` : token.text}`;
    previous = token;
  }
  return text;
}

export function decorator(
  declaration: { readonly decorators: readonly Decorator[] },
  name: string,
): Decorator | undefined {
  return declaration.decorators.find((candidate) => candidate.name === name);
}

// ---- Names

/** Functions, namespaces, keywords and types a template may name without declaring them. */
const BUILT_IN = new Set([
  'az',
  'sys',
  'resourceGroup',
  'subscription',
  'tenant',
  'environment',
  'deployment',
  'deployer',
  'managementGroup',
  'uniqueString',
  'guid',
  'toLower',
  'toUpper',
  'take',
  'skip',
  'first',
  'last',
  'length',
  'empty',
  'contains',
  'join',
  'split',
  'replace',
  'format',
  'string',
  'int',
  'bool',
  'json',
  'concat',
  'union',
  'intersection',
  'items',
  'map',
  'filter',
  'reduce',
  'sort',
  'range',
  'max',
  'min',
  'fail',
  'trim',
  'startsWith',
  'endsWith',
  'substring',
  'resourceId',
  'subscriptionResourceId',
  'tenantResourceId',
  'extensionResourceId',
  'loadJsonContent',
  'loadTextContent',
  'true',
  'false',
  'null',
  'for',
  'in',
  'if',
  'existing',
  'object',
  'array',
  'resource',
]);

export interface NameUse {
  readonly name: string;
  readonly line: number;
}

/**
 * Names used in expressions that nothing declares: neither the file (params, vars, resources, modules, loop and
 * lambda variables) nor Bicep. Property names after a dot and object keys are not names.
 */
export function undeclaredNames(file: BicepFile): NameUse[] {
  const tokens = [...allTokens(file.tokens)];
  const declared = new Set([
    ...file.params.keys(),
    ...file.vars.keys(),
    ...file.resources.keys(),
    ...file.modules.keys(),
  ]);
  tokens.forEach((token, index) => {
    if (token.kind === 'identifier' && isLocalDeclaration(tokens, index)) declared.add(token.text);
  });
  const statementStart = (index: number) => index === 0 || tokens[index - 1]?.kind === 'newline';
  const undeclared: NameUse[] = [];
  tokens.forEach((token, index) => {
    if (token.kind !== 'identifier') return;
    const previous = tokens[index - 1];
    const next = tokens[index + 1];
    if (isPunct(previous, '.') || isPunct(previous, '?.') || isPunct(previous, '@')) return;
    if (
      isPunct(next, ':') &&
      (!previous || previous.kind === 'newline' || isPunct(previous, '{') || isPunct(previous, ','))
    )
      return;
    if (statementStart(index) && STATEMENTS.has(token.text)) return;
    const declarationName =
      STATEMENTS.has(previous?.text ?? '') && (statementStart(index - 1) || previous?.text === 'resource');
    if (declarationName || declared.has(token.text) || BUILT_IN.has(token.text) || isTypeName(tokens, index)) return;
    undeclared.push({ name: token.text, line: token.line });
  });
  return undeclared;
}

const STATEMENTS = new Set(['targetScope', 'metadata', 'param', 'var', 'resource', 'module', 'output']);

/** A loop variable (`for x in`, `for (x, i) in`) or a lambda parameter (`x =>`). */
function isLocalDeclaration(tokens: readonly Token[], index: number): boolean {
  const before = (count: number) => tokens[index - count]?.text;
  return (
    before(1) === 'for' ||
    (before(1) === '(' && before(2) === 'for') ||
    (before(1) === ',' && before(3) === '(' && before(4) === 'for') ||
    isPunct(tokens[index + 1], '=>')
  );
}

/** `param x string`, `output y array`: the type after a param's or output's name. */
function isTypeName(tokens: readonly Token[], index: number): boolean {
  const keyword = tokens[index - 2];
  const beforeKeyword = tokens[index - 3];
  return (
    (keyword?.text === 'param' || keyword?.text === 'output') && (!beforeKeyword || beforeKeyword.kind === 'newline')
  );
}

/** Each `symbol.outputs.name` the file reads from a module. */
export function moduleOutputsRead(file: BicepFile): { module: string; output: string; line: number }[] {
  const tokens = [...allTokens(file.tokens)];
  const reads: { module: string; output: string; line: number }[] = [];
  tokens.forEach((token, index) => {
    if (token.kind !== 'identifier' || !file.modules.has(token.text)) return;
    if (isPunct(tokens[index + 1], '.') && tokens[index + 2]?.text === 'outputs' && isPunct(tokens[index + 3], '.')) {
      reads.push({ module: token.text, output: tokens[index + 4]?.text ?? '', line: token.line });
    }
  });
  return reads;
}
