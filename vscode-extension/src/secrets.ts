// The API key lives in VS Code's SecretStorage only; the server gets it through the
// HOLEPILOT_API_KEY variable of its process. It is never written to settings or logs.

import * as vscode from 'vscode';

export const API_KEY_SECRET = 'holepilot.apiKey';

export async function readApiKey(secrets: vscode.SecretStorage): Promise<string | undefined> {
  const key = await secrets.get(API_KEY_SECRET);
  return key ? key : undefined;
}

/** Asks for the key; true when it changed (the server must restart to see it). */
export async function promptForApiKey(secrets: vscode.SecretStorage): Promise<boolean> {
  const key = await vscode.window.showInputBox({
    title: 'holepilot: API key',
    prompt: 'Stored in the editor\'s secret storage and given to the server as HOLEPILOT_API_KEY.',
    password: true,
    ignoreFocusOut: true,
    placeHolder: 'API key of the model backend',
  });
  if (key === undefined) {
    return false;
  }
  const trimmed = key.trim();
  if (trimmed === '') {
    await secrets.delete(API_KEY_SECRET);
  } else {
    await secrets.store(API_KEY_SECRET, trimmed);
  }
  return true;
}

export async function clearApiKey(secrets: vscode.SecretStorage): Promise<void> {
  await secrets.delete(API_KEY_SECRET);
}
