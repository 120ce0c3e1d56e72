/** The check's report: one line per check for people, one JSON document for scripts. */
import type { FindingStatus } from './probes/probe.js';
import type { CheckReport } from './runCheck.js';

const LABELS: Readonly<Record<FindingStatus, string>> = { ok: 'ok  ', failed: 'FAIL', note: 'note', skipped: 'skip' };

export function formatText(report: CheckReport): string {
  const lines = report.results.map((checked) => {
    const fix =
      checked.fix && checked.status === 'failed' ? `. Fix: ${checked.fix}` : checked.fix ? `. ${checked.fix}` : '';
    const problems = checked.problems?.map((problem) => `\n       - ${problem}`).join('') ?? '';
    return `${LABELS[checked.status]}  ${checked.subject}: ${checked.detail}${fix}${problems}`;
  });
  const failures = report.results.filter((checked) => checked.status === 'failed').length;
  const summary =
    report.exitCode === 2
      ? 'The settings are invalid; nothing else was checked.'
      : failures === 0
        ? `All ${report.results.length} checks hold.`
        : `${failures} of ${report.results.length} checks failed.`;
  return `${lines.join('\n')}\n${summary}\n`;
}

export function formatJson(report: CheckReport): string {
  return `${JSON.stringify({ ok: report.exitCode === 0, exitCode: report.exitCode, checks: report.results })}\n`;
}
