// Renders the answer of the server's `holepilot.stats` command (the sums of the acceptance
// log): one row for all suggestions, one per trigger kind. Pure.

const EVENTS: [string, string][] = [
  ['shown', 'shown'],
  ['accepted', 'accepted'],
  ['partially_accepted', 'partially accepted'],
  ['held_back', 'held back'],
];

type Counts = Record<string, unknown>;

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function count(counts: Counts, key: string): string {
  const value = counts[key];
  return typeof value === 'number' && Number.isFinite(value) ? String(value) : '0';
}

function rate(counts: Counts): string {
  const value = counts.acceptanceRate;
  return typeof value === 'number' && Number.isFinite(value) ? `${(value * 100).toFixed(1)} %` : '–';
}

export function renderStatsMarkdown(result: unknown): string {
  const raw = isObject(result) ? result : {};
  const rows: [string, Counts][] = [['all', isObject(raw.total) ? raw.total : {}]];
  if (isObject(raw.byTrigger)) {
    for (const [trigger, counts] of Object.entries(raw.byTrigger)) {
      rows.push([trigger, isObject(counts) ? counts : {}]);
    }
  }
  const out = [
    '# holepilot acceptance statistics',
    '',
    `| trigger | ${EVENTS.map(([, title]) => title).join(' | ')} | acceptance |`,
    `| --- | ${EVENTS.map(() => '---:').join(' | ')} | ---: |`,
    ...rows.map(([trigger, counts]) => `| ${trigger} | ${EVENTS.map(([key]) => count(counts, key)).join(' | ')} | ${rate(counts)} |`),
    '',
    'Acceptance: suggestions accepted whole or in part, over those shown.',
  ];
  if (typeof raw.records === 'number') {
    const log = typeof raw.log === 'string' ? ` in \`${raw.log}\`` : '';
    const bad = typeof raw.badLines === 'number' && raw.badLines > 0 ? ` (${raw.badLines} unreadable lines skipped)` : '';
    out.push('', `${raw.records} records${log}${bad}. The log stays on this machine.`);
  }
  return `${out.join('\n')}\n`;
}
