'use strict';
// ali-ons (a RocketMQ client we did not write) through an automatic failover: three AkkaMq
// processes — node-c (broker-b, started first, so the Controller runs there), node-a (broker-a's
// master) and node-b (its follower) — an ali-ons producer sending one message at a time and an
// ali-ons push consumer. node-a is killed (SIGKILL) under load; node-b is elected, the producer
// keeps getting SEND_OK through it, and every message acknowledged with SEND_OK is consumed.
const { test, after } = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { Producer, Consumer, Message } = require('ali-ons');
const { AkkaMqNode } = require('./node');

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'akkamq-interop-failover-'));
const nodes = [];
after(async () => {
  for (const node of nodes) await node.kill();
  fs.rmSync(dir, { recursive: true, force: true });
});

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitFor(what, condition, timeoutMs = 60000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      if (await condition()) return;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}${last ? ` (last error: ${last.message})` : ''}`);
    await new Promise(r => setTimeout(r, 200));
  }
}

test('ali-ons produces and consumes through a master killed under load; nothing acknowledged is lost', { timeout: 240000 }, async () => {
  const [ pc, pa, pb ] = [ await freePort(), await freePort(), await freePort() ];
  const node = (name, port, group, brokerId) => {
    fs.mkdirSync(path.join(dir, name));
    const created = new AkkaMqNode(path.join(dir, name), [
      `akkamq.broker.group = ${group}`,
      `akkamq.broker.broker-id = ${brokerId}`,
      `akkamq.control-state.path = ${JSON.stringify(path.join(dir, 'control'))}`,
      `akka.remote.dot-netty.tcp.port = ${port}`,
      `akka.cluster.seed-nodes = ["akka.tcp://DefaultCluster@127.0.0.1:${pc}"]`,
      'akka.cluster.split-brain-resolver.stable-after = 2s',
    ].join('\n'), name);
    nodes.push(created);
    return created;
  };
  const c = await node('node-c', pc, 'broker-b', 0).start();
  const a = await node('node-a', pa, 'broker-a', 0).start();
  const b = await node('node-b', pb, 'broker-a', 1).start();
  const topic = 'FailoverTopic';
  await c.admin('updateTopic', '-b', a.broker, '-t', topic, '-r', '4', '-w', '4');
  await waitFor('node-b in broker-a\'s in-sync set', async () =>
    (await c.admin('getSyncStateSet', '-a', c.nameSrv, '-b', 'broker-a')).includes('#SyncStateSetNums\t2'));

  // Clients learn the new master from the name servers at their route poll (ali-ons and Java: every 30 s
  // by default); a short poll keeps the test short. A topic on several groups keeps taking sends meanwhile.
  const nameSrv = [ c.nameSrv, b.nameSrv, a.nameSrv ];
  const options = extra => c.clientOptions(Object.assign({ nameSrv, pollNameServerInteval: 2000 }, extra));
  const acked = new Map();
  const consumed = new Set();
  const consumer = new Consumer(options({ consumerGroup: 'failover-readers' }));
  consumer.subscribe(topic, '*', async msg => { consumed.add(msg.body.toString()); });
  consumer.on('error', () => {});
  await consumer.ready();
  const producer = new Producer(options({ producerGroup: 'failover-producer' }));
  producer.on('error', () => {});
  await producer.ready();

  let producing = true;
  let failures = 0;
  let killedAt = 0;
  let firstAckAfterKill = 0;
  const loop = (async () => {
    for (let i = 0; producing; i++) {
      const body = `failover-${i}`;
      try {
        const result = await producer.send(new Message(topic, 't', body));
        if (result.sendStatus === 'SEND_OK') {
          acked.set(body, result.msgId);
          if (killedAt && !firstAckAfterKill) firstAckAfterKill = Date.now();
        } else {
          failures++;
        }
      } catch (e) {
        failures++;
        await new Promise(r => setTimeout(r, 100));
      }
    }
  })();

  try {
    await waitFor('200 messages acknowledged before the kill', () => acked.size >= 200);
    const before = acked.size;
    killedAt = Date.now();
    await a.kill();
    await waitFor('100 more acknowledged through the new master', () => acked.size >= before + 100, 90000);
    console.log(`# ${before} acknowledged before the kill; the first acknowledged after it ${((firstAckAfterKill - killedAt) / 1000).toFixed(1)} s later; `
      + `${failures} sends failed`);
    const state = await c.admin('getSyncStateSet', '-a', c.nameSrv, '-b', 'broker-a');
    assert.match(state, new RegExp(`#MasterAddr\\t${b.broker.replace(/\./g, '\\.')}\\n`), state);
  } finally {
    producing = false;
    await loop;
  }

  await waitFor('every acknowledged message consumed', () => [ ...acked.keys() ].every(body => consumed.has(body)), 90000)
    .catch(e => { throw new Error(`${e.message}: missing ${[ ...acked.keys() ].filter(k => !consumed.has(k)).slice(0, 10).join(', ')} of ${acked.size}`); });
  await producer.close();
  await consumer.close();
});
