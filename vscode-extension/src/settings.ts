// The settings sent to the server: every `holepilot.*` key of package.json except the
// extension-only `holepilot.server.*` ones, camelCase, without the prefix. Pure.

export const SECTION = 'holepilot';
export const CLIENT_ONLY_PREFIX = 'holepilot.server.';

export interface PackageJsonLike {
  contributes?: { configuration?: { properties?: Record<string, unknown> } };
}

/** The `holepilot.<name>` keys that belong to the server, in package.json order. */
export function serverSettingKeys(packageJson: PackageJsonLike): string[] {
  const properties = packageJson.contributes?.configuration?.properties ?? {};
  return Object.keys(properties).filter(
    (key) => key.startsWith(`${SECTION}.`) && !key.startsWith(CLIENT_ONLY_PREFIX),
  );
}

/** `holepilot.baseUrl` → `baseUrl`. */
export function shortKey(key: string): string {
  return key.startsWith(`${SECTION}.`) ? key.slice(SECTION.length + 1) : key;
}

/**
 * The initializationOptions / didChangeConfiguration object. `read` gets a value by its short
 * key (as `WorkspaceConfiguration.get` does for section `holepilot`); undefined values are left out.
 */
export function collectServerSettings(
  keys: readonly string[],
  read: (shortName: string) => unknown,
): Record<string, unknown> {
  const settings: Record<string, unknown> = {};
  for (const key of keys) {
    const name = shortKey(key);
    const value = read(name);
    if (value !== undefined) {
      settings[name] = value;
    }
  }
  return settings;
}

/** Drops the extension-only `server` subtree from a `holepilot` section object. */
export function withoutClientOnly(section: unknown): unknown {
  if (section === null || typeof section !== 'object' || Array.isArray(section)) {
    return section;
  }
  const copy: Record<string, unknown> = { ...(section as Record<string, unknown>) };
  delete copy.server;
  return copy;
}

/** True when a configuration change needs a new server process rather than a notification. */
export function needsRestart(affects: (section: string) => boolean): boolean {
  return affects('holepilot.server');
}
