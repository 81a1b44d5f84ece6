'use strict';
// ali-ons (a RocketMQ client we did not write) against a standalone AkkaMq node:
// produce with tags and keys, consume with a push consumer, restart the consumer and
// check it resumes from its committed offset.
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

async function produce(topic, count, from = 0) {
  await node.createTopic(topic);
  const producer = new Producer(clientOptions({ producerGroup: 'interop-producer' }));
  await producer.ready();
  const sent = [];
  try {
    for (let i = from; i < from + count; i++) {
      const msg = new Message(topic, i % 2 === 0 ? 'even' : 'odd', `body-${i}`);
      msg.keys = [ `key-${i}` ];
      const result = await producer.send(msg);
      assert.strictEqual(result.sendStatus, 'SEND_OK', JSON.stringify(result));
      sent.push({ body: `body-${i}`, tags: msg.tags, keys: `key-${i}`, msgId: result.msgId });
    }
  } finally {
    await producer.close();
  }
  return sent;
}

/** Consumes until `expected` bodies arrived or `timeoutMs` passed; returns every delivery. */
async function consume(topic, group, expected, timeoutMs = 60000) {
  const consumer = new Consumer(clientOptions({ consumerGroup: group }));
  const received = [];
  let done;
  const all = new Promise(r => { done = r; });
  consumer.subscribe(topic, '*', async msg => {
    received.push({ body: msg.body.toString(), tags: msg.tags, keys: msg.keys, msgId: msg.msgId });
    if (new Set(received.map(m => m.body)).size >= expected) done();
  });
  consumer.on('error', err => { received.error = err; });
  await consumer.ready();
  const timer = setTimeout(done, timeoutMs);
  await all;
  clearTimeout(timer);
  // ali-ons marks a message consumed after the listener returns; give the last one a moment
  // (and any unexpected redelivery a chance to show) before closing commits the offsets.
  await new Promise(r => setTimeout(r, 1500));
  await consumer.close();
  return received;
}

test('messages produced by ali-ons arrive at an ali-ons push consumer with body, tags and keys', async () => {
  const sent = await produce('InteropTopic', 40);

  const received = await consume('InteropTopic', 'interop-group', sent.length);

  const byBody = new Map(received.map(m => [ m.body, m ]));
  for (const s of sent) {
    const r = byBody.get(s.body);
    assert.ok(r, `missing ${s.body}`);
    assert.strictEqual(r.tags, s.tags);
    assert.strictEqual(r.keys, s.keys);
  }
  assert.strictEqual(byBody.size, sent.length);
});

test('a restarted consumer resumes from its committed offset', async () => {
  const first = await produce('ResumeTopic', 20);
  const firstRun = await consume('ResumeTopic', 'resume-group', first.length);
  assert.strictEqual(new Set(firstRun.map(m => m.body)).size, first.length);

  const second = await produce('ResumeTopic', 10, 20);
  const secondRun = await consume('ResumeTopic', 'resume-group', second.length);

  const bodies = new Set(secondRun.map(m => m.body));
  for (const s of second) assert.ok(bodies.has(s.body), `missing ${s.body}`);
  const replayed = secondRun.filter(m => first.some(f => f.body === m.body));
  assert.strictEqual(replayed.length, 0, `re-received ${replayed.length} already consumed messages`);
});

test('committed offsets survive a node restart', async () => {
  const sent = await produce('RestartTopic', 10);
  await consume('RestartTopic', 'restart-group', sent.length);

  assert.strictEqual(await node.stop(), 0);
  await node.start();

  const more = await produce('RestartTopic', 5, 10);
  const received = await consume('RestartTopic', 'restart-group', more.length);
  const replayed = received.filter(m => sent.some(s => s.body === m.body));
  assert.strictEqual(replayed.length, 0, `re-received ${replayed.length} messages after restart`);
});
