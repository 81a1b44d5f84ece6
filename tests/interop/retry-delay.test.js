'use strict';
// ali-ons (a RocketMQ client we did not write) against AkkaMq: a push consumer that asks for a
// retry (ACTION_RETRY or a thrown error) gets the message back with a higher reconsumeTimes;
// past maxReconsumeTimes the broker moves it to %DLQ%<group>, where a user reads it. Delayed
// messages arrive once, not before their delay. The node's delay levels are shortened
// (message-delay-levels) so a retry round takes a second, not RocketMQ's 10 s.
const { test, before, after } = require('node:test');
const assert = require('node:assert');
const { Producer, Consumer, Message } = require('ali-ons');
const { AkkaMqNode } = require('./node');

const delays = [ 1000, 2000, 1000 ]; // level 1, 2, 3 (and every level above: the last one)
let node;
before(async () => { node = await AkkaMqNode.create('akkamq.broker.message-delay-levels = [1s, 2s, 1s]'); });
after(async () => { if (node) await node.dispose(); });

function clientOptions(extra) {
  return node.clientOptions(extra);
}

async function send(messages) {
  const producer = new Producer(clientOptions({ producerGroup: 'interop-retry-producer' }));
  await producer.ready();
  const sent = [];
  try {
    for (const msg of messages) {
      const at = Date.now();
      const result = await producer.send(msg);
      assert.strictEqual(result.sendStatus, 'SEND_OK', JSON.stringify(result));
      sent.push({ body: msg.body.toString(), at });
    }
  } finally {
    await producer.close();
  }
  return sent;
}

async function until(done, what, timeoutMs = 60000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 100));
  }
}

const sleep = ms => new Promise(r => setTimeout(r, ms));

/** Messages stored in a topic, from `admin topicStatus` (max − min offset summed over queues). */
async function stored(topic) {
  let out;
  try {
    out = await node.admin('topicStatus', '-t', topic);
  } catch {
    return 0; // not created yet
  }
  let total = 0;
  for (const line of out.split('\n').filter(l => l.startsWith('broker-a'))) {
    const cells = line.trim().split(/\s+/);
    total += Number(cells[3]) - Number(cells[2]);
  }
  return total;
}

test('ACTION_RETRY and thrown errors bring a message back with a higher reconsumeTimes, then to %DLQ%group', async () => {
  const topic = 'RetryInterop';
  const group = 'interop-retry-group';
  const dlq = `%DLQ%${group}`;
  await node.createTopic(topic, 2);
  await send([ 'ok-0', 'flaky-1', 'poison-2', 'poison-3' ].map(b => new Message(topic, 'retry', b)));

  const deliveries = new Map(); // body -> [ reconsumeTimes of each delivery ]
  const consumer = new Consumer(clientOptions({ consumerGroup: group, maxReconsumeTimes: 2 }));
  const errors = [];
  consumer.on('error', e => errors.push(e.message)); // a thrown handler error is reported here; expected in this test
  consumer.subscribe(topic, '*', async msg => {
    const body = msg.body.toString();
    const seen = deliveries.get(body) || [];
    seen.push(msg.reconsumeTimes);
    deliveries.set(body, seen);
    assert.strictEqual(msg.topic, topic); // a redelivered message shows its original topic
    if (body === 'flaky-1' && seen.length === 1) return Consumer.ACTION_RETRY;
    // ali-ons 3.12 drops the return value of a handler called for a redelivered (%RETRY%)
    // message, so ACTION_RETRY works on a first delivery only; after that, throwing retries.
    if (body === 'poison-2' && seen.length === 1) return Consumer.ACTION_RETRY;
    if (body.startsWith('poison-')) throw new Error('poison');
  });
  await consumer.ready();
  try {
    await until(async () => await stored(dlq) >= 2, 'both poison messages in the DLQ')
      .catch(e => { e.message += `; deliveries: ${JSON.stringify([ ...deliveries ])}, handler errors: ${errors.length}`; throw e; });
    await sleep(delays[2] + 1500); // any extra redelivery would show now
  } finally {
    await consumer.close();
  }

  assert.deepStrictEqual(deliveries.get('ok-0'), [ 0 ]);
  assert.deepStrictEqual(deliveries.get('flaky-1'), [ 0, 1 ]);
  assert.deepStrictEqual(deliveries.get('poison-2'), [ 0, 1, 2 ]);
  assert.deepStrictEqual(deliveries.get('poison-3'), [ 0, 1, 2 ]);
  assert.strictEqual(await stored(dlq), 2);
  assert.strictEqual(errors.filter(m => m.includes('poison')).length, 5); // poison-2 threw twice, poison-3 three times
  assert.strictEqual(errors.length, 5);

  // RocketMQ 4.9.3+ creates the DLQ readable and writable (perm 6; older brokers made it
  // write-only and users ran updateTopicPerm -p 6). A user then reads it with a new group.
  const route = JSON.parse(await node.admin('topicRoute', '-t', dlq));
  assert.strictEqual(route.queueDatas[0].perm, 6);
  const dead = [];
  const reader = new Consumer(clientOptions({ consumerGroup: 'interop-dlq-reader' }));
  reader.subscribe(dlq, '*', async msg => { dead.push(msg); });
  await reader.ready();
  try {
    await until(() => dead.length >= 2, 'the DLQ messages');
    await sleep(1000);
  } finally {
    await reader.close();
  }
  assert.deepStrictEqual(dead.map(m => m.body.toString()).sort(), [ 'poison-2', 'poison-3' ]);
  for (const m of dead) {
    assert.strictEqual(m.topic, dlq);
    assert.strictEqual(m.reconsumeTimes, 3);
    assert.strictEqual(m.properties.RETRY_TOPIC, topic);
    assert.strictEqual(m.tags, 'retry');
  }
});

test('a message with delayTimeLevel arrives once, no earlier than its delay', async () => {
  const topic = 'DelayInterop';
  await node.createTopic(topic, 1);
  const arrivals = [];
  const consumer = new Consumer(clientOptions({ consumerGroup: 'interop-delay-group' }));
  consumer.subscribe(topic, '*', async msg => {
    arrivals.push({ body: msg.body.toString(), at: Date.now(), stored: msg.storeTimestamp, born: msg.bornTimestamp });
  });
  await consumer.ready();
  let sent;
  try {
    const level1 = new Message(topic, 'delay', 'level-1');
    level1.delayTimeLevel = 1;
    const level2 = new Message(topic, 'delay', 'level-2');
    level2.delayTimeLevel = 2;
    const now = new Message(topic, 'delay', 'no-delay');
    sent = await send([ level2, level1, now ]);
    await until(() => arrivals.length >= 3, 'the delayed messages', 30000);
    await sleep(1500);
  } finally {
    await consumer.close();
  }

  assert.deepStrictEqual(arrivals.map(a => a.body).sort(), [ 'level-1', 'level-2', 'no-delay' ]);
  for (const [ body, delay ] of [ [ 'level-1', delays[0] ], [ 'level-2', delays[1] ] ]) {
    const a = arrivals.find(x => x.body === body);
    const s = sent.find(x => x.body === body);
    assert.ok(a.at - s.at >= delay, `${body} arrived ${a.at - s.at} ms after its send, delay ${delay} ms`);
    assert.ok(a.stored - a.born >= delay, `${body} stored ${a.stored - a.born} ms after its birth`);
  }
  // The undelayed message overtakes both delayed ones.
  assert.strictEqual(arrivals[0].body, 'no-delay');
});
