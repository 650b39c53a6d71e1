// Snoozing automatic suggestions: for a number of minutes or until the editor restarts. While
// snoozed, automatic triggers get nothing; the explicit trigger still asks the server. Pure.

export type SnoozeLength = number | 'restart';

/** The lengths the menu offers, in minutes. */
export const SNOOZE_LENGTHS: readonly SnoozeLength[] = [5, 15, 60, 'restart'];

export const MAX_SNOOZE_MINUTES = 24 * 60;

export class Snooze {
  private until: number | undefined; // epoch ms; Infinity until the editor restarts

  constructor(private readonly now: () => number = Date.now) {}

  start(length: SnoozeLength): void {
    this.until = length === 'restart' ? Infinity : this.now() + length * 60_000;
  }

  resume(): void {
    this.until = undefined;
  }

  /** True while automatic suggestions are snoozed (ending a snooze that ran out). */
  get active(): boolean {
    if (this.until !== undefined && this.now() >= this.until) {
      this.until = undefined;
    }
    return this.until !== undefined;
  }

  /** Milliseconds left, 'restart' for a snooze until restart, undefined when not snoozed. */
  remaining(): number | 'restart' | undefined {
    if (!this.active || this.until === undefined) {
      return undefined;
    }
    return this.until === Infinity ? 'restart' : this.until - this.now();
  }
}

/** `4:05` under an hour, `1:00:00` from an hour on; 'restart' reads "until restart". */
export function formatRemaining(left: number | 'restart'): string {
  if (left === 'restart') {
    return 'until restart';
  }
  const total = Math.max(0, Math.ceil(left / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}

export function snoozeLabel(length: SnoozeLength): string {
  return length === 'restart' ? 'until restart' : `for ${length} minutes`;
}

/**
 * The argument of `holepilot.snooze` (minutes as a number or numeric string, or "restart");
 * undefined when there is none, an error line when it is unusable.
 */
export function parseSnoozeLength(raw: unknown): SnoozeLength | { error: string } | undefined {
  if (raw === undefined || raw === null) {
    return undefined;
  }
  if (raw === 'restart') {
    return 'restart';
  }
  const minutes = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
  if (!Number.isFinite(minutes) || minutes <= 0 || minutes > MAX_SNOOZE_MINUTES) {
    return {
      error: `holepilot: cannot snooze for ${JSON.stringify(raw)}: give minutes (up to ${MAX_SNOOZE_MINUTES}) or "restart".`,
    };
  }
  return minutes;
}
