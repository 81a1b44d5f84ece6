'use strict';
// ali-ons against a standalone AkkaMq node: an SQL92 selector picks exactly the messages whose
// user properties match, and broadcasting consumers of one group each receive every message.
const { test, before, after } = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { Producer, Consumer, Message } = require('ali-ons');
const { AkkaMqNode } = require('./node');

let node;
const instances = [];
before(async () => { node = await AkkaMqNode.create(); });
after(async () => {
  if (node) await node.dispose();
  // ali-ons keeps broadcasting offsets under ~/.rocketmq_offsets_node/<clientId>; drop this run's.
  const dir = path.join(os.homedir(), '.rocketmq_offsets_node');
  if (fs.existsSync(dir)) {
    for (const entry of fs.readdirSync(dir)) {
      if (instances.some(i => entry.endsWith(`@${i}`))) fs.rmSync(path.join(dir, entry), { recursive: true, force: true });
    }
  }
});

function clientOptions(extra) {
  const options = node.clientOptions({ consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET', ...extra });
  instances.push(options.instanceName);
  return options;
}

/** Sends `count` messages; message i carries user properties n=i and region=eu|us (none for every fifth). */
async function produce(topic, count) {
  await node.createTopic(topic);
  const producer = new Producer(clientOptions({ producerGroup: 'interop-filter-producer' }));
  await producer.ready();
  try {
    for (let i = 0; i < count; i++) {
      const msg = new Message(topic, i % 3 === 0 ? 'gold' : 'plain', `body-${i}`);
      if (i % 5 !== 0) {
        msg.properties.n = String(i);
        msg.properties.region = i % 2 === 0 ? 'eu' : 'us';
      }
      const result = await producer.send(msg);
      assert.strictEqual(result.sendStatus, 'SEND_OK', JSON.stringify(result));
    }
  } finally {
    await producer.close();
  }
}

/** A started push consumer that records every delivered body. */
async function startConsumer(topic, group, subExpression, extra = {}) {
  const consumer = new Consumer(clientOptions(Object.assign({ consumerGroup: group }, extra)));
  const received = [];
  consumer.subscribe(topic, subExpression, async msg => { received.push(msg.body.toString()); });
  consumer.on('error', err => { received.error = err; });
  await consumer.ready();
  return { consumer, received };
}

async function waitFor(condition, what, timeoutMs = 60000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 100));
  }
}

test('an ali-ons consumer with an SQL92 selector receives exactly the matching messages', async () => {
  await produce('InteropSqlTopic', 30);
  const expected = [];
  for (let i = 0; i < 30; i++) {
    if (i % 5 !== 0 && i >= 10 && (i % 2 === 0 || i % 3 === 0)) expected.push(`body-${i}`);
  }

  const { consumer, received } = await startConsumer('InteropSqlTopic', 'interop-sql-group',
    { expressionType: 'SQL92', subString: "n >= 10 AND (region = 'eu' OR TAGS = 'gold')" });
  try {
    await waitFor(() => new Set(received).size >= expected.length, `${expected.length} matching messages`);
    // Let any message the selector should have dropped show up before counting.
    await new Promise(r => setTimeout(r, 2000));
  } finally {
    await consumer.close();
  }

  assert.ok(!received.error, String(received.error));
  assert.deepStrictEqual([ ...received ].sort(), [ ...expected ].sort());
});

test('two ali-ons broadcasting consumers of one group each receive every message', async () => {
  const topic = 'InteropBroadcastTopic';
  await node.createTopic(topic);
  const a = await startConsumer(topic, 'interop-broadcast-group', '*', { isBroadcast: true });
  const b = await startConsumer(topic, 'interop-broadcast-group', '*', { isBroadcast: true });
  try {
    await produce(topic, 20);
    const all = Array.from({ length: 20 }, (_, i) => `body-${i}`).sort();
    await waitFor(() => new Set(a.received).size >= 20 && new Set(b.received).size >= 20, 'every message in both consumers');
    await new Promise(r => setTimeout(r, 1500));
    assert.deepStrictEqual([ ...a.received ].sort(), all);
    assert.deepStrictEqual([ ...b.received ].sort(), all);
  } finally {
    await a.consumer.close();
    await b.consumer.close();
  }
});
