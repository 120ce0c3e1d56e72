import assert from 'node:assert/strict';
import { test } from 'node:test';
import { logSummary } from '../../shared/app/eventHubHandler.js';
import { loggerFor } from '../../shared/log/logger.js';
import { emptyCounts } from '../../shared/pipeline/forward.js';
import type { ForwardSummary } from '../../shared/types/summary.js';

test('the invocation line counts excluded records, and each unknown table gets a warning by name', () => {
  const lines: { level: string; text: string }[] = [];
  const capture = (level: string) => (text: unknown) => lines.push({ level, text: String(text) });
  const summary: ForwardSummary = {
    messages: 1,
    received: 5,
    forwarded: 3,
    deadLettered: 0,
    pending: 0,
    excluded: 2,
    settledEarlier: 0,
    siemUnavailable: false,
    categories: new Map([['AdvancedHunting-NewShinyEvents', { ...emptyCounts(), received: 3, forwarded: 3 }]]),
    unknownTables: new Map([['AdvancedHunting-NewShinyEvents', 3]]),
    coverage: new Map(),
    enrichProblems: [],
    failures: [],
    deadLetterNames: [],
  };
  logSummary(loggerFor({ info: capture('info'), warn: capture('warn'), error: capture('error') }), summary, {
    durationMs: 5,
  });
  assert.match(lines[0]!.text, /^invocation .*"excluded":2/);
  assert.deepEqual(
    lines.slice(1).map((line) => line.level),
    ['warn'],
  );
  assert.match(lines[1]!.text, /^unknown table .*"category":"AdvancedHunting-NewShinyEvents","records":3/);
});
