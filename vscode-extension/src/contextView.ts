// Renders the `holepilot/context` answer as a read-only markdown document. Pure.

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function asList(value: unknown): Json[] {
  return Array.isArray(value) ? value.filter(isObject) : [];
}

function str(value: unknown): string | undefined {
  if (typeof value === 'string') {
    return value;
  }
  if (typeof value === 'number' || typeof value === 'boolean') {
    return String(value);
  }
  return undefined;
}

/** A code fence longer than any backtick run inside the text. */
export function fence(text: string, language = 'python'): string {
  const longest = Math.max(2, ...Array.from(text.matchAll(/`+/g), (m) => m[0].length));
  const ticks = '`'.repeat(longest + 1);
  return `${ticks}${language}\n${text.replace(/\n+$/, '')}\n${ticks}`;
}

type Relativize = (path: string) => string;

function where(item: Json, relativize: Relativize): string {
  const raw = str(item.path);
  const path = raw ? relativize(raw) : undefined;
  const line = str(item.line);
  if (!path) {
    return '';
  }
  return line ? ` — \`${path}:${line}\`` : ` — \`${path}\``;
}

function definitionsSection(title: string, items: Json[], relativize: Relativize): string[] {
  if (items.length === 0) {
    return [`## ${title}`, '', '_none_', ''];
  }
  const out = [`## ${title} (${items.length})`, ''];
  for (const item of items) {
    out.push(`**${str(item.name) ?? '?'}**${where(item, relativize)}`, '');
    const text = str(item.text);
    if (text) {
      out.push(fence(text), '');
    }
  }
  return out;
}

function expectedTypeText(value: unknown): string | undefined {
  if (isObject(value)) {
    return str(value.type) ?? str(value.text) ?? str(value.name);
  }
  return str(value);
}

function typingContextSection(items: Json[]): string[] {
  if (items.length === 0) {
    return [];
  }
  const out = ['## Names in scope', '', '| name | type | kind |', '| --- | --- | --- |'];
  for (const item of items) {
    const cell = (v: unknown) => (str(v) ?? '').replace(/\|/g, '\\|');
    out.push(`| \`${cell(item.name)}\` | ${cell(item.type) ? `\`${cell(item.type)}\`` : '?'} | ${cell(item.kind)} |`);
  }
  out.push('');
  return out;
}

function callSection(call: unknown): string[] {
  if (!isObject(call)) {
    return [];
  }
  const signature = str(call.signature) ?? str(call.callee);
  const active = str(call.active_name);
  return signature
    ? ['## Call', '', fence(signature), ...(active ? ['', `Filling parameter \`${active}\`.`] : []), '']
    : [];
}

/** Notes of the analysis (an answer given while the workspace is still being indexed). */
function notesOf(value: unknown): string[] {
  const notes = Array.isArray(value) ? value.filter((note) => typeof note === 'string') : [];
  return notes.flatMap((note) => [`> ${note}`, '']);
}

/** The markdown shown by "holepilot: Show context at cursor". */
export function renderContextMarkdown(
  context: unknown,
  title = 'holepilot context',
  relativize: Relativize = (path) => path,
): string {
  if (!isObject(context)) {
    return `# ${title}\n\nThe server returned no context.\n`;
  }
  const expected = expectedTypeText(context.expected_type);
  const tokens = str(context.prompt_tokens) ?? '?';
  const budget = str(context.budget) ?? '?';
  const elapsed = typeof context.elapsed_ms === 'number' ? `${Math.round(context.elapsed_ms)} ms` : '?';
  const out = [
    `# ${title}`,
    '',
    `- **Expected type:** ${expected ? `\`${expected}\`` : '_unknown_'}`,
    `- **Prompt tokens:** ${tokens} of a budget of ${budget}`,
    `- **Analysis time:** ${elapsed}`,
    '',
    ...notesOf(context.notes),
    ...typingContextSection(asList(context.typing_context)),
    ...callSection(context.call),
    ...definitionsSection('Relevant types', asList(context.relevant_types), relativize),
    ...definitionsSection('Relevant headers', asList(context.relevant_headers), relativize),
  ];
  const members = asList(context.receiver_members);
  if (members.length > 0) {
    out.push(...definitionsSection('Receiver members', members, relativize));
  }
  const prompt = str(context.prompt);
  if (prompt) {
    out.push('## Prompt', '', fence(prompt, 'text'), '');
  }
  return out.join('\n');
}
