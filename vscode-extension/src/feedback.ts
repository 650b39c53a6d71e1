// Acceptance feedback for inline completions: the server records which suggestions were shown
// and which were accepted (in a local log only).

import * as vscode from 'vscode';
import { LanguageClient, Middleware } from 'vscode-languageclient/node';

export const ACCEPT_COMMAND = 'holepilot.didAcceptCompletion';

export interface CompletionFeedback {
  uri: string;
  position: { line: number; character: number };
  text: string;
  acceptedLength?: number;
}

function insertText(item: vscode.InlineCompletionItem): string {
  return typeof item.insertText === 'string' ? item.insertText : item.insertText.value;
}

/** Sends didShowCompletion for the first suggestion and makes accepting one report back. */
export function feedbackMiddleware(client: () => LanguageClient | undefined): Middleware {
  return {
    provideInlineCompletionItems: async (document, position, context, token, next) => {
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
      void running.sendNotification('holepilot/didShowCompletion', { ...base, text: insertText(items[0]) });
      return result;
    },
  };
}

export async function reportAccepted(client: LanguageClient | undefined, feedback: CompletionFeedback): Promise<void> {
  if (client && feedback && typeof feedback.uri === 'string') {
    await client.sendNotification('holepilot/didAcceptCompletion', feedback);
  }
}
