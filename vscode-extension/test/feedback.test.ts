import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ACCEPT_COMMAND, feedbackMiddleware, reportAccepted } from '../src/feedback';

// feedback.ts uses vscode and the language client for types only, so it runs under node with
// small stand-ins for the client and the next provider.
function fakeClient() {
  const sent: [string, unknown][] = [];
  return {
    sent,
    code2ProtocolConverter: {
      asUri: (uri: { path: string }) => `file://${uri.path}`,
      asPosition: (p: { line: number; character: number }) => ({ line: p.line, character: p.character }),
    },
    sendNotification: async (method: string, params: unknown) => {
      sent.push([method, params]);
    },
  };
}

const document = { uri: { path: '/w/main.py' } };
const position = { line: 5, character: 11 };
const live = { isCancellationRequested: false };

async function provide(client: ReturnType<typeof fakeClient> | undefined, result: unknown, token = live) {
  const middleware = feedbackMiddleware(() => client as never);
  const next = async () => result;
  return middleware.provideInlineCompletionItems!(document as never, position as never, {} as never, token as never, next as never);
}

test('the first suggestion is reported shown and every suggestion reports its acceptance', async () => {
  const client = fakeClient();
  const own = { command: 'server.command', title: 't' };
  const items = [{ insertText: 'sum(xs)' }, { insertText: { value: 'len(xs)' } }, { insertText: 'x', command: own }];
  const result = await provide(client, items);
  assert.equal(result, items);
  assert.deepEqual(client.sent, [
    ['holepilot/didShowCompletion', { uri: 'file:///w/main.py', position: { line: 5, character: 11 }, text: 'sum(xs)' }],
  ]);
  const command = (items[1] as { command?: { command: string; arguments: unknown[] } }).command!;
  assert.equal(command.command, ACCEPT_COMMAND);
  assert.deepEqual(command.arguments, [{ uri: 'file:///w/main.py', position: { line: 5, character: 11 }, text: 'len(xs)' }]);
  assert.equal(items[2].command, own);
});

test('a list result is handled like an array', async () => {
  const client = fakeClient();
  await provide(client, { items: [{ insertText: 'a' }] });
  assert.equal(client.sent.length, 1);
});

test('nothing is sent without suggestions, without a running server or after cancellation', async () => {
  const client = fakeClient();
  await provide(client, []);
  await provide(client, null);
  await provide(client, [{ insertText: 'a' }], { isCancellationRequested: true });
  assert.deepEqual(client.sent, []);
  const items = [{ insertText: 'a' }];
  assert.equal(await provide(undefined, items), items);
  assert.equal((items[0] as { command?: unknown }).command, undefined);
});

test('an accepted suggestion is reported with its params', async () => {
  const client = fakeClient();
  const feedback = { uri: 'file:///w/main.py', position: { line: 1, character: 2 }, text: 'x' };
  await reportAccepted(client as never, feedback);
  await reportAccepted(undefined, feedback);
  assert.deepEqual(client.sent, [['holepilot/didAcceptCompletion', feedback]]);
});
