// The status bar text of a `holepilot/status` notification. Pure.

// heldBack: a suggestion was held back on an automatic trigger (problems left; `reason` says which)
export type ServerState = 'ok' | 'working' | 'error' | 'disabled' | 'heldBack';

export interface StatusParams {
  state: ServerState;
  backend?: string;
  model?: string;
  baseUrl?: string;
  lastLatencyMs?: number | null;
  lastError?: string | null;
  reason?: string;
  /** Set when the notification is about one document (holepilot is off for it). */
  uri?: string;
}

export type Severity = 'normal' | 'warning';

export interface StatusView {
  text: string;
  tooltip: string;
  severity: Severity;
  /** What a click opens: the menu of controls, the doctor view when the backend fails, or
   * (by default, while no server runs) the log. */
  click?: 'menu' | 'doctor' | 'log';
}

const ICONS: Record<ServerState, string> = {
  ok: '$(sparkle)',
  working: '$(loading~spin)',
  error: '$(warning)',
  disabled: '$(circle-slash)',
  heldBack: '$(eye-closed)',
};

const STATE_NAMES: Partial<Record<ServerState, string>> = { heldBack: 'held back' };

export function formatLatency(ms: number | null | undefined): string | undefined {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) {
    return undefined;
  }
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}

export function statusView(status: StatusParams): StatusView {
  const state: ServerState = status.state in ICONS ? status.state : 'error';
  const parts = [status.backend, status.model, formatLatency(status.lastLatencyMs)].filter(
    (part): part is string => typeof part === 'string' && part !== '',
  );
  const name = STATE_NAMES[state] ?? state;
  if (state === 'heldBack') {
    parts.push(name);
  }
  const label = parts.length > 0 ? parts.join(' · ') : name;
  const tooltip = [
    `holepilot: ${name}`,
    status.backend ? `backend: ${status.backend}` : undefined,
    status.model ? `model: ${status.model}` : undefined,
    status.baseUrl ? `base URL: ${status.baseUrl}` : undefined,
    formatLatency(status.lastLatencyMs) ? `last latency: ${formatLatency(status.lastLatencyMs)}` : undefined,
    status.lastError ? `last error: ${status.lastError}` : undefined,
    status.reason ? status.reason : undefined,
    'Click to show the log.',
  ].filter((line): line is string => line !== undefined);
  return {
    text: `${ICONS[state]} holepilot: ${label}`,
    tooltip: tooltip.join('\n'),
    severity: state === 'error' ? 'warning' : 'normal',
  };
}

export function startingView(): StatusView {
  return { text: '$(loading~spin) holepilot: starting', tooltip: 'Starting the holepilot server', severity: 'normal' };
}

export function failedView(message: string): StatusView {
  return {
    text: '$(warning) holepilot: server not running',
    tooltip: `${message}\nClick to show the log.`,
    severity: 'warning',
  };
}

/** The status after a request failed: the last known backend, in the error state. */
export function failedRequestStatus(last: StatusParams, method: string, message: string): StatusParams {
  return { ...last, state: 'error', lastError: message, reason: `${method} failed; see the log.` };
}

/** Narrows an untrusted notification payload; anything unusable becomes an error state. */
export function parseStatus(raw: unknown): StatusParams {
  if (raw === null || typeof raw !== 'object') {
    return { state: 'error', reason: 'malformed holepilot/status notification' };
  }
  const value = raw as Record<string, unknown>;
  const text = (key: string): string | undefined => (typeof value[key] === 'string' ? (value[key] as string) : undefined);
  const latency = value.lastLatencyMs;
  return {
    state: (['ok', 'working', 'error', 'disabled', 'heldBack'] as const).find((s) => s === value.state) ?? 'error',
    backend: text('backend'),
    model: text('model'),
    baseUrl: text('baseUrl'),
    lastLatencyMs: typeof latency === 'number' ? latency : null,
    lastError: text('lastError') ?? null,
    reason: text('reason'),
    uri: text('uri'),
  };
}

export function apiKeyLabel(present: boolean): string {
  return present ? 'API key set (secret storage)' : 'no API key';
}

/** The status text without icons, plus whether an API key is in use, for screen readers. */
export function accessibleLabel(view: StatusView, apiKey: boolean): string {
  const text = view.text.replace(/\$\([\w~-]+\)\s*/g, '');
  return `${text}, ${apiKeyLabel(apiKey)}`;
}

/** What the extension itself knows, laid over the server's last status. */
export interface ClientState {
  /** Time left of a snooze of automatic suggestions (ms, or 'restart'). */
  snoozed?: number | 'restart';
  /** The server is indexing the workspace. */
  indexing?: { percentage?: number; message?: string };
  /** holepilot is off for the active file: the server's reason. */
  offForFile?: string;
  /** The automatic-suggestions setting of the active file's scope. */
  automatic?: boolean;
}

/**
 * The one status the item shows, most important first: backend error, snoozed, off for this
 * file, indexing, then the server's own state (working, held back, ready with the model).
 * `formatSnooze` renders the time left (see snooze.ts).
 */
export function displayView(
  status: StatusParams,
  client: ClientState,
  formatSnooze: (left: number | 'restart') => string,
): StatusView {
  const base = statusView(status);
  const hint = 'Click for the holepilot menu.';
  const tooltip = (lines: (string | undefined)[]) =>
    [...lines, ...base.tooltip.split('\n').slice(1, -1)].filter((l): l is string => !!l).concat(hint).join('\n');
  if (status.state === 'error') {
    return { ...base, tooltip: base.tooltip.replace(/Click to show the log\.$/, 'Click for the doctor view with the fix.'), click: 'doctor' };
  }
  if (client.snoozed !== undefined) {
    const left = formatSnooze(client.snoozed);
    const text = client.snoozed === 'restart' ? 'snoozed until restart' : `snoozed ${left}`;
    return {
      text: `$(bell-slash) holepilot: ${text}`,
      tooltip: tooltip([`holepilot: automatic suggestions snoozed (${left} left)`, 'The explicit trigger still works.']),
      severity: 'normal',
      click: 'menu',
    };
  }
  if (client.offForFile !== undefined) {
    return {
      text: '$(circle-slash) holepilot: off for this file',
      tooltip: tooltip(['holepilot: off for this file', client.offForFile]),
      severity: 'normal',
      click: 'menu',
    };
  }
  if (client.indexing) {
    const pct = client.indexing.percentage;
    const progress = typeof pct === 'number' && Number.isFinite(pct) ? ` ${Math.round(pct)}%` : '';
    return {
      text: `$(sync~spin) holepilot: indexing${progress}`,
      tooltip: tooltip([`holepilot: indexing the workspace${progress}`, client.indexing.message]),
      severity: 'normal',
      click: 'menu',
    };
  }
  const manual = client.automatic === false && status.state === 'ok';
  return {
    ...base,
    text: manual ? `${base.text} · manual` : base.text,
    tooltip: tooltip([
      status.state === 'ok' ? 'holepilot: ready' : base.tooltip.split('\n')[0],
      manual ? 'Automatic suggestions are off: trigger one with Alt+\\.' : undefined,
    ]),
    click: 'menu',
  };
}
