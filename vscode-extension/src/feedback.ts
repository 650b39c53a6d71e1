// Acceptance feedback for inline completions: the server records which suggestions were shown,
// accepted and partially accepted (in a local log only). The notifications carry the names
// Copilot's language server uses, so the server treats every client alike.

import type * as vscode from 'vscode';
import type { LanguageClient, Middleware } from 'vscode-languageclient/node';

export const ACCEPT_COMMAND = 'holepilot.didAcceptCompletion';
export const SHOWN_NOTIFICATION = 'textDocument/didShowCompletion';
export const PARTIAL_NOTIFICATION = 'textDocument/didPartiallyAcceptCompletion';
export const ACCEPTED_NOTIFICATION = 'holepilot/didAcceptCompletion';

/** vscode.InlineCompletionTriggerKind.Automatic (a number here: this module runs under node in tests). */
export const AUTOMATIC_TRIGGER = 1;

export interface CompletionFeedback {
  uri: string;
  position: { line: number; character: number };
  text: string;
  acceptedLength?: number;
}

/** A suggestion as the conventional notifications name it: its text and its acceptance
 * command (whose argument identifies it to the server). */
export interface ReportedItem {
  insertText: string;
  command?: { title: string; command: string; arguments?: unknown[] };
}

/** Params of textDocument/didShowCompletion and (with acceptedLength) didPartiallyAcceptCompletion. */
export interface ItemReport {
  item: ReportedItem;
  acceptedLength?: number;
}

export interface FeedbackHooks {
  /** True when an automatic request must not reach the server (suggestions snoozed). */
  holdAutomatic?(): boolean;
  /** The suggestions handed to the editor, in its order (for partial-accept reports). */
  shown?(document: vscode.Uri, position: { line: number; character: number }, items: ReportedItem[]): void;
}

function insertText(item: vscode.InlineCompletionItem): string {
  return typeof item.insertText === 'string' ? item.insertText : item.insertText.value;
}

export function reportedItem(item: vscode.InlineCompletionItem): ReportedItem {
  const command = item.command && { title: item.command.title, command: item.command.command, arguments: item.command.arguments };
  return { insertText: insertText(item), ...(command ? { command } : {}) };
}

/**
 * Reports the first suggestion shown and gives every suggestion an acceptance command (the
 * server's own, naming the suggestion by id, when it sent one); snoozed automatic requests
 * get nothing.
 */
export function feedbackMiddleware(client: () => LanguageClient | undefined, hooks: FeedbackHooks = {}): Middleware {
  return {
    provideInlineCompletionItems: async (document, position, context, token, next) => {
      if (context.triggerKind === AUTOMATIC_TRIGGER && hooks.holdAutomatic?.()) {
        return null;
      }
      const result = await next(document, position, context, token);
      const items = Array.isArray(result) ? result : result?.items;
      const running = client();
      if (!items || items.length === 0 || !running || token.isCancellationRequested) {
        return result;
      }
      const base = {
        uri: running.code2ProtocolConverter.asUri(document.uri),
        position: running.code2ProtocolConverter.asPosition(position),
      };
      for (const item of items) {
        item.command ??= {
          command: ACCEPT_COMMAND,
          title: 'Accept holepilot completion',
          arguments: [{ ...base, text: insertText(item) } satisfies CompletionFeedback],
        };
      }
      const reported = items.map(reportedItem);
      hooks.shown?.(document.uri, base.position, reported);
      void running.sendNotification(SHOWN_NOTIFICATION, { item: reported[0] } satisfies ItemReport);
      return result;
    },
  };
}

export async function reportAccepted(client: LanguageClient | undefined, feedback: CompletionFeedback): Promise<void> {
  if (client && feedback && typeof feedback.uri === 'string') {
    await client.sendNotification(ACCEPTED_NOTIFICATION, feedback);
  }
}

export async function reportPartiallyAccepted(client: LanguageClient | undefined, report: ItemReport): Promise<void> {
  if (client) {
    await client.sendNotification(PARTIAL_NOTIFICATION, report);
  }
}
