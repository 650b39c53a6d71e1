// Renders the answer of the server's `holepilot.doctor` command. Pure.

interface Check {
  name: string;
  ok: boolean;
  detail: string;
  fix: string;
}

function asCheck(value: unknown): Check | undefined {
  if (value === null || typeof value !== 'object') {
    return undefined;
  }
  const raw = value as Record<string, unknown>;
  const text = (key: string) => (typeof raw[key] === 'string' ? (raw[key] as string) : '');
  return { name: text('name') || '?', ok: raw.ok === true, detail: text('detail'), fix: text('fix') };
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

export function renderDoctorMarkdown(result: unknown, serverCommand: string): string {
  const raw = result !== null && typeof result === 'object' ? (result as Record<string, unknown>) : {};
  const checks = (Array.isArray(raw.checks) ? raw.checks : []).map(asCheck).filter((c): c is Check => c !== undefined);
  const failed = checks.filter((check) => !check.ok);
  const verdict =
    checks.length === 0
      ? 'The server returned no checks.'
      : failed.length === 0
        ? `All ${checks.length} checks passed.`
        : `${failed.length} of ${checks.length} checks failed.`;
  const out = ['# holepilot doctor', '', `Server: \`${serverCommand}\``, '', verdict, ''];
  if (checks.length > 0) {
    out.push('| | check | detail | fix |', '| --- | --- | --- | --- |');
    for (const check of checks) {
      out.push(`| ${check.ok ? '✓' : '✗'} | ${cell(check.name)} | ${cell(check.detail)} | ${cell(check.fix)} |`);
    }
    out.push('');
  }
  return out.join('\n');
}
