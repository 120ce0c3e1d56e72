import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseBicep } from '../support/bicep.js';
import { BicepFailure, Evaluation, NotEvaluable } from '../support/bicepEval.js';

// The evaluator stands in for Azure when the tests ask what a template's variables come to: it has to get ARM's
// meaning right, and refuse what it cannot know.

const evaluate = (source: string, name: string, params: Record<string, string | number | boolean> = {}) =>
  new Evaluation(parseBicep(source), params).variable(name);

test('strings, interpolation, operators and the functions mean what they mean in ARM', () => {
  const file = `param prefix string = 'Ab-C'
param count int = 3
var lower = toLower(prefix)
var joined = '\${lower}-\${count}-\${count > 2}'
var letters = join(filter(map(range(0, length(lower)), i => substring(lower, i, 1)), c => contains('abc', c)), '')
var picked = take('abcdef', count)
var pairs = map([1, 2], (n, i) => n * 10 + i)
var nested = {
  a: [
    'x'
    prefix == 'Ab-C' ? 'yes' : 'no'
  ]
}
var fromObject = nested.a[1]
var shown = string(count >= 3 && !empty(prefix))
`;
  assert.equal(evaluate(file, 'joined'), 'ab-c-3-True');
  assert.equal(evaluate(file, 'letters'), 'abc');
  assert.equal(evaluate(file, 'picked'), 'abc');
  assert.deepEqual(evaluate(file, 'pairs'), [10, 21]);
  assert.equal(evaluate(file, 'fromObject'), 'yes');
  assert.equal(evaluate(file, 'shown'), 'True');
  assert.equal(evaluate(file, 'picked', { count: 9 }), 'abcdef');
});

test("fail() stops only the branch that is taken, with the template's message", () => {
  const file = `param n int = 1
var checked = n > 5 ? fail('n is at most 5, got \${n}') : n
var guarded = n > 5 && fail('never reached while n <= 5')
`;
  assert.equal(evaluate(file, 'checked'), 1);
  assert.equal(evaluate(file, 'guarded'), false);
  assert.throws(() => evaluate(file, 'checked', { n: 6 }), new BicepFailure('n is at most 5, got 6'));
});

test("uniqueString has Azure's shape and is stable for the same input", () => {
  const file = `param p string = 'x'
var u = uniqueString(resourceGroup().id, p)
`;
  assert.match(String(evaluate(file, 'u')), /^[a-z2-7]{13}$/);
  assert.equal(evaluate(file, 'u'), evaluate(file, 'u'));
  assert.notEqual(evaluate(file, 'u'), evaluate(file, 'u', { p: 'y' }));
});

test("what it cannot know it refuses: a resource's properties, an unknown function or parameter", () => {
  const file = `resource r 'Microsoft.Web/sites@2024-04-01' = {
  name: 'x'
}
var fromResource = r.properties.defaultHostName
var unknownFunction = reference('x')
`;
  assert.throws(() => evaluate(file, 'fromResource'), NotEvaluable);
  assert.throws(() => evaluate(file, 'unknownFunction'), NotEvaluable);
  assert.throws(() => new Evaluation(parseBicep(file), { nope: 1 }), NotEvaluable);
});
