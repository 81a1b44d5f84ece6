using System.CommandLine;
using System.Globalization;
using System.Text;
using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Protocol.Json;

namespace AkkaMq.Node.Commands.Admin;

/// <summary><c>producer</c>, <c>producerConnection</c>, <c>topicClusterList</c>, <c>getConsumerConfig</c> and <c>allocateMQ</c>.</summary>
internal static class InfoCommands
{
    public static Command Producer()
    {
        var ns = AdminOptions.NameServer();
        var broker = new Option<string>("-b", "--broker") { Description = "broker address", Required = true };
        var command = new Command("producer", "Query producer's instances, connection, status, etc.") { ns, broker };
        AdminSession.Handle(command, ns, async (session, admin, ct) =>
        {
            var table = await admin.GetAllProducerInfoAsync(session.Parse.GetValue(broker)!.Trim(), ct).ConfigureAwait(false);
            foreach (var (group, producers) in table.Data)
            {
                if (producers.Count == 0)
                {
                    await session.Output.WriteLineAsync($"producer group ({group}) instances are empty").ConfigureAwait(false);
                    continue;
                }

                foreach (var producer in producers)
                {
                    await session.Output.WriteLineAsync($"producer group ({group}) instance : {producer}").ConfigureAwait(false);
                }
            }
        });
        return command;
    }

    public static Command ProducerConnection()
    {
        var ns = AdminOptions.NameServer();
        var group = new Option<string>("-g", "--producerGroup") { Description = "producer group name", Required = true };
        var topic = AdminOptions.Topic();
        var command = new Command("producerConnection", "Query producer's socket connection and client version.") { ns, group, topic };
        AdminSession.Handle(command, ns, async (session, admin, ct) =>
        {
            var body = await admin.GetProducerConnectionListAsync(session.Parse.GetValue(group)!.Trim(), session.Parse.GetValue(topic)!.Trim(), ct).ConfigureAwait(false);
            int i = 1;
            foreach (var c in body.ConnectionSet)
            {
                await session.Output.WriteLineAsync(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{i++:D4}  {c.ClientId,-32} {c.ClientAddr,-22} {c.Language,-8} {RemotingVersionNames.Describe(c.Version)}")).ConfigureAwait(false);
            }
        });
        return command;
    }

    public static Command TopicClusterList()
    {
        var ns = AdminOptions.NameServer();
        var topic = AdminOptions.Topic();
        var command = new Command("topicClusterList", "Get cluster info for topic.") { ns, topic };
        AdminSession.Handle(command, ns, async (session, admin, ct) =>
        {
            foreach (var cluster in await admin.GetTopicClusterListAsync(session.Parse.GetValue(topic)!.Trim(), ct).ConfigureAwait(false))
            {
                await session.Output.WriteLineAsync(cluster).ConfigureAwait(false);
            }
        });
        return command;
    }

    public static Command GetConsumerConfig()
    {
        var ns = AdminOptions.NameServer();
        var group = new Option<string>("-g", "--groupName") { Description = "subscription group name", Required = true };
        var command = new Command("getConsumerConfig", "Get consumer config by subscription group name.") { ns, group };
        AdminSession.Handle(command, ns, async (session, admin, ct) =>
        {
            foreach (var (cluster, brokerName, c) in await admin.GetConsumerConfigAsync(session.Parse.GetValue(group)!.Trim(), ct).ConfigureAwait(false))
            {
                var output = session.Output;
                await output.WriteLineAsync($"============================={cluster}:{brokerName}=============================").ConfigureAwait(false);
                var fields = new (string, object)[]
                {
                    ("groupName", c.GroupName), ("consumeEnable", c.ConsumeEnable), ("consumeFromMinEnable", c.ConsumeFromMinEnable),
                    ("consumeBroadcastEnable", c.ConsumeBroadcastEnable), ("retryQueueNums", c.RetryQueueNums), ("retryMaxTimes", c.RetryMaxTimes),
                    ("brokerId", c.BrokerId), ("whichBrokerWhenConsumeSlowly", c.WhichBrokerWhenConsumeSlowly),
                    ("notifyConsumerIdsChangedEnable", c.NotifyConsumerIdsChangedEnable),
                };
                foreach (var (name, value) in fields)
                {
                    var text = value is bool b ? (b ? "true" : "false") : Convert.ToString(value, CultureInfo.InvariantCulture);
                    await output.WriteLineAsync($"{name,-40}=  {text}").ConfigureAwait(false);
                }
            }
        });
        return command;
    }

    public static Command AllocateMQ()
    {
        var ns = AdminOptions.NameServer();
        var topic = AdminOptions.Topic();
        var ipList = new Option<string>("-i", "--ipList") { Description = "ipList", Required = true };
        var command = new Command("allocateMQ", "Allocate MQ: how the averaging rebalance shares the topic's queues among the given clients.") { ns, topic, ipList };
        AdminSession.Handle(command, ns, async (session, admin, ct) =>
        {
            var clients = session.Parse.GetValue(ipList)!.Trim().Split(',');
            var allocation = await admin.AllocateMessageQueuesAsync(session.Parse.GetValue(topic)!.Trim(), clients, ct).ConfigureAwait(false);
            var json = new FastJsonWriter();
            json.StartObject().PropertyName("result").StartObject();
            foreach (var (client, queues) in allocation)
            {
                json.PropertyName(client).StartArray();
                foreach (var q in queues)
                {
                    json.StartObject().Property("brokerName", q.BrokerName).Property("queueId", q.QueueId).Property("topic", q.Topic).EndObject();
                }

                json.EndArray();
            }

            json.EndObject().EndObject();
            await session.Output.WriteLineAsync(Encoding.UTF8.GetString(json.ToArray())).ConfigureAwait(false);
        });
        return command;
    }
}
