// The entries of the status bar item's menu, from the current state. Pure.

import { formatRemaining, SNOOZE_LENGTHS, snoozeLabel } from './snooze';

export interface MenuState {
  /** Time left of a snooze, or undefined when not snoozed. */
  snoozed: number | 'restart' | undefined;
  /** Automatic suggestions in the user's (global) settings and in this workspace's (undefined: not set there). */
  automaticGlobal: boolean;
  automaticWorkspace: boolean | undefined;
  /** Whether a folder is open (workspace settings exist). */
  hasWorkspace: boolean;
}

export interface MenuEntry {
  label: string;
  description?: string;
  command: string;
  args?: unknown[];
}

export const TRIGGER_KEY = 'Alt+\\';

export function automaticEffective(state: MenuState): boolean {
  return state.automaticWorkspace ?? state.automaticGlobal;
}

export function menuEntries(state: MenuState): MenuEntry[] {
  const entries: MenuEntry[] = [];
  if (state.snoozed !== undefined) {
    entries.push({
      label: '$(bell) Resume automatic suggestions',
      description: `snoozed, ${formatRemaining(state.snoozed)}${state.snoozed === 'restart' ? '' : ' left'}`,
      command: 'holepilot.resume',
    });
  }
  for (const length of SNOOZE_LENGTHS) {
    entries.push({
      label: `$(bell-slash) Snooze automatic suggestions ${snoozeLabel(length)}`,
      command: 'holepilot.snooze',
      args: [length],
    });
  }
  const on = (value: boolean) => (value ? 'on' : 'off');
  entries.push({
    label: `$(globe) Turn automatic suggestions ${on(!state.automaticGlobal)} (user settings)`,
    description: `now ${on(state.automaticGlobal)}${state.automaticWorkspace !== undefined ? '; this workspace overrides it' : ''}`,
    command: 'holepilot.toggleAutomatic',
  });
  if (state.hasWorkspace) {
    const here = automaticEffective(state);
    entries.push({
      label: `$(folder) Turn automatic suggestions ${on(!here)} for this workspace`,
      description: `now ${on(here)} here`,
      command: 'holepilot.toggleAutomaticWorkspace',
    });
  }
  entries.push(
    automaticEffective(state)
      ? {
          label: '$(keyboard) Manual-only mode',
          description: `suggestions only on ${TRIGGER_KEY}`,
          command: 'holepilot.manualOnly',
        }
      : {
          label: '$(sparkle) Leave manual-only mode',
          description: 'automatic suggestions everywhere',
          command: 'holepilot.manualOnly',
        },
    { label: '$(graph) Acceptance statistics', command: 'holepilot.stats' },
    { label: '$(pulse) Doctor: check the server and backend', command: 'holepilot.doctor' },
    { label: '$(output) Show log', command: 'holepilot.showLog' },
  );
  return entries;
}
