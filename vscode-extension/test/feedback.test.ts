import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ACCEPT_COMMAND, feedbackMiddleware, reportAccepted, reportPartiallyAccepted } from '../src/feedback';

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
  const own = { command: 'server.command', title: 't', arguments: [{ id: 'abc' }] };
  const items = [{ insertText: 'sum(xs)', command: own }, { insertText: { value: 'len(xs)' } }];
  const result = await provide(client, items);
  assert.equal(result, items);
  // Copilot's shape: the item with the command whose argument names it (the server's id).
  assert.deepEqual(client.sent, [['textDocument/didShowCompletion', { item: { insertText: 'sum(xs)', command: own } }]]);
  const command = (items[1] as { command?: { command: string; arguments: unknown[] } }).command!;
  assert.equal(command.command, ACCEPT_COMMAND);
  assert.deepEqual(command.arguments, [{ uri: 'file:///w/main.py', position: { line: 5, character: 11 }, text: 'len(xs)' }]);
  assert.equal(items[0].command, own);
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

test('a snoozed automatic request never reaches the server; an explicit one does', async () => {
  const client = fakeClient();
  let asked = 0;
  const next = async () => {
    asked++;
    return [{ insertText: 'sum(xs)' }];
  };
  const shown: unknown[] = [];
  const middleware = feedbackMiddleware(() => client as never, {
    holdAutomatic: () => true,
    shown: (_doc, at, reported) => shown.push([at, reported.map((r) => r.insertText)]),
  });
  const call = (triggerKind: number) =>
    middleware.provideInlineCompletionItems!(document as never, position as never, { triggerKind } as never, live as never, next as never);
  assert.equal(await call(1), null);
  assert.equal(asked, 0);
  assert.equal(client.sent.length, 0);
  await call(0);
  assert.equal(asked, 1);
  assert.deepEqual(shown, [[position, ['sum(xs)']]]);
});

test('a partial accept is reported under the conventional name with the item and the accepted length', async () => {
  const client = fakeClient();
  const report = { item: { insertText: 'sum(xs)', command: { title: 't', command: ACCEPT_COMMAND, arguments: ['id1'] } }, acceptedLength: 3 };
  await reportPartiallyAccepted(client as never, report);
  await reportPartiallyAccepted(undefined, report);
  assert.deepEqual(client.sent, [['textDocument/didPartiallyAcceptCompletion', report]]);
});
