'use strict';
// An operator resets a group's offsets by time while an ali-ons consumer of the group runs.
// ali-ons ignores every broker-initiated request, RESET_CONSUMER_CLIENT_OFFSET (220) included,
// and never re-reads its committed offset for a queue it holds; the broker moves it by answering
// its next pull of each reset queue with PULL_OFFSET_MOVED and the reset offset as the next one
// (which ali-ons takes as its pull position and stored offset), and by ignoring the old position
// it still commits until then.
const { test, before, after } = require('node:test');
const assert = require('node:assert');
const { Producer, Consumer, Message } = require('ali-ons');
const { AkkaMqNode } = require('./node');

let node;
before(async () => { node = await AkkaMqNode.create(); });
after(async () => { if (node) await node.dispose(); });

function clientOptions(extra) {
  return node.clientOptions(extra);
}

async function send(producer, topic, bodies) {
  for (const body of bodies) {
    const result = await producer.send(new Message(topic, 'tag', body));
    assert.strictEqual(result.sendStatus, 'SEND_OK', JSON.stringify(result));
  }
}

async function waitFor(condition, what, timeoutMs = 60000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 50));
  }
}

test('an ali-ons consumer moves to the offset of resetOffsetByTime without a restart', async () => {
  const topic = 'ResetInteropTopic';
  const group = 'interop-reset-group';
  await node.createTopic(topic, 1);
  const producer = new Producer(clientOptions({ producerGroup: 'interop-reset-producer' }));
  await producer.ready();
  let between;
  try {
    await send(producer, topic, [ 'a0', 'a1', 'a2' ]);
    between = Date.now() + 1;
    await waitFor(() => Date.now() > between, 'the clock to pass the reset time');
    await send(producer, topic, [ 'b0', 'b1', 'b2' ]);
  } finally {
    await producer.close();
  }

  const counts = new Map();
  const consumer = new Consumer(clientOptions({ consumerGroup: group }));
  consumer.subscribe(topic, '*', async msg => {
    const body = msg.body.toString();
    counts.set(body, (counts.get(body) || 0) + 1);
  });
  const total = () => [ ...counts.values() ].reduce((a, b) => a + b, 0);
  try {
    await consumer.ready();
    await waitFor(() => total() >= 6, 'the first six deliveries');

    const out = await node.admin('resetOffsetByTime', '-g', group, '-t', topic, '-s', String(between));

    assert.match(out, new RegExp(`rollback consumer offset by specified group\\[${group}\\]`));
    assert.match(out, /^broker-a\s+0\s+3\s*$/m);
    await waitFor(() => total() >= 9, 'the three messages after the reset time again');
    assert.deepStrictEqual(Object.fromEntries(counts), { a0: 1, a1: 1, a2: 1, b0: 2, b1: 2, b2: 2 });

    // It goes on from there: its commits reach the broker again.
    let committed = -1;
    const deadline = Date.now() + 30000;
    while (committed !== 6 && Date.now() < deadline) {
      const progress = await node.admin('consumerProgress', '-g', group, '-t', topic);
      const row = progress.split('\n').find(l => l.startsWith(topic));
      committed = row ? Number(row.trim().split(/\s+/)[4]) : -1;
      if (committed !== 6) await new Promise(r => setTimeout(r, 500));
    }
    assert.strictEqual(committed, 6);
  } finally {
    await consumer.close();
  }
});
