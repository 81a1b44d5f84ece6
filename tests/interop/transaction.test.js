'use strict';
// ali-ons sends a half message (TRAN_MSG=true + PGROUP) like any send, but has no
// END_TRANSACTION of its own. The half must stay invisible to an ali-ons push consumer; the
// commit (sent here as a raw END_TRANSACTION over ali-ons' own remoting client, as a Java
// producer would send it) makes it arrive exactly once; a rolled-back half never arrives.
const { test, before, after } = require('node:test');
const assert = require('node:assert');
const { Producer, Consumer, Message } = require('ali-ons');
const RemotingCommand = require('ali-ons/lib/protocol/command/remoting_command');
const { AkkaMqNode } = require('./node');

const END_TRANSACTION = 37;
const SUCCESS = 0;
const COMMIT = 8;
const ROLLBACK = 12;
const topic = 'InteropTxTopic';
const producerGroup = 'interop-tx-producer';

let node;
before(async () => { node = await AkkaMqNode.create(); });
after(async () => { if (node) await node.dispose(); });

function clientOptions(extra) {
  return node.clientOptions(extra);
}

async function sendHalf(producer, body) {
  const msg = new Message(topic, 'tx', body);
  msg.properties.TRAN_MSG = 'true';
  msg.properties.PGROUP = producerGroup;
  const result = await producer.send(msg);
  assert.strictEqual(result.sendStatus, 'SEND_OK', JSON.stringify(result));
  return result;
}

/** END_TRANSACTION for a half, as a request (not one-way) so the broker's answer can be checked. */
async function endTransaction(producer, half, commitOrRollback) {
  const mqClient = producer._mqClient;
  const brokerAddr = mqClient.findBrokerAddressInPublish(half.messageQueue.brokerName);
  // An offset message id is 16 hex digits of store host then 16 of commit-log offset.
  const commitLogOffset = BigInt('0x' + half.msgId.slice(16)).toString();
  const request = RemotingCommand.createRequestCommand(END_TRANSACTION, {
    producerGroup,
    tranStateTableOffset: String(half.queueOffset),
    commitLogOffset,
    commitOrRollback,
    fromTransactionCheck: false,
    msgId: half.msgId,
    transactionId: half.msgId,
  });
  return await mqClient.invoke(brokerAddr, request, 3000);
}

test('an ali-ons half message is invisible until committed, then arrives once; a rolled-back one never', async () => {
  await node.createTopic(topic);
  const producer = new Producer(clientOptions({ producerGroup }));
  await producer.ready();
  const consumer = new Consumer(clientOptions({ consumerGroup: 'interop-tx-group' }));
  const received = [];
  consumer.subscribe(topic, '*', async msg => { received.push(msg.body.toString()); });
  try {
    await consumer.ready();
    // A plain message first: once it arrives the consumer is surely pulling the topic.
    const plain = await producer.send(new Message(topic, 'plain', 'plain'));
    assert.strictEqual(plain.sendStatus, 'SEND_OK');
    const started = Date.now() + 30000;
    while (received.length === 0 && Date.now() < started) {
      await new Promise(r => setTimeout(r, 100));
    }
    assert.deepStrictEqual(received, [ 'plain' ]);
    const committed = await sendHalf(producer, 'tx-commit');
    const rolledBack = await sendHalf(producer, 'tx-rollback');

    // Several pull rounds of the consumer: nothing of a half may show.
    await new Promise(r => setTimeout(r, 4000));
    assert.deepStrictEqual(received, [ 'plain' ]);

    assert.strictEqual((await endTransaction(producer, committed, COMMIT)).code, SUCCESS);
    assert.strictEqual((await endTransaction(producer, rolledBack, ROLLBACK)).code, SUCCESS);
    // A second commit of the same half is not a second message.
    assert.strictEqual((await endTransaction(producer, committed, COMMIT)).code, SUCCESS);

    const deadline = Date.now() + 30000;
    while (received.length < 2 && Date.now() < deadline) {
      await new Promise(r => setTimeout(r, 100));
    }
    await new Promise(r => setTimeout(r, 3000));
    assert.deepStrictEqual(received, [ 'plain', 'tx-commit' ]);
  } finally {
    await consumer.close();
    await producer.close();
  }
});
