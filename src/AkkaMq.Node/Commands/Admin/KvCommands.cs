using System.CommandLine;

namespace AkkaMq.Node.Commands.Admin;

/// <summary><c>updateKvConfig</c>, <c>deleteKvConfig</c> and <c>updateOrderConf</c>: the name servers' KV config.</summary>
internal static class KvCommands
{
    public static Command UpdateKvConfig()
    {
        var ns = AdminOptions.NameServer();
        var space = Namespace();
        var key = Key();
        var value = new Option<string>("-v", "--value") { Description = "set the key value", Required = true };
        var command = new Command("updateKvConfig", "Create or update KV config.") { ns, space, key, value };
        AdminSession.Handle(command, ns, async (session, admin, ct) =>
        {
            var p = session.Parse;
            await admin.PutKvConfigAsync(p.GetValue(space)!.Trim(), p.GetValue(key)!.Trim(), p.GetValue(value)!.Trim(), ct).ConfigureAwait(false);
            await session.Output.WriteLineAsync("create or update kv config to namespace success.").ConfigureAwait(false);
        });
        return command;
    }

    public static Command DeleteKvConfig()
    {
        var ns = AdminOptions.NameServer();
        var space = Namespace();
        var key = Key();
        var command = new Command("deleteKvConfig", "Delete KV config.") { ns, space, key };
        AdminSession.Handle(command, ns, async (session, admin, ct) =>
        {
            await admin.DeleteKvConfigAsync(session.Parse.GetValue(space)!.Trim(), session.Parse.GetValue(key)!.Trim(), ct).ConfigureAwait(false);
            await session.Output.WriteLineAsync("delete kv config from namespace success.").ConfigureAwait(false);
        });
        return command;
    }

    public static Command UpdateOrderConf()
    {
        var ns = AdminOptions.NameServer();
        var topic = AdminOptions.Topic();
        var orderConf = new Option<string>("-v", "--orderConf") { Description = "set order conf [eg. brokerName1:num;brokerName2:num]" };
        var method = new Option<string>("-m", "--method") { Description = "option type [eg. put|get|delete", Required = true };
        method.AcceptOnlyFromAmong("put", "get", "delete");
        var command = new Command("updateOrderConf", "Create or update or delete order conf.") { ns, topic, orderConf, method };
        AdminSession.Handle(command, ns, async (session, admin, ct) =>
        {
            var p = session.Parse;
            var name = p.GetValue(topic)!.Trim();
            switch (p.GetValue(method))
            {
                case "get":
                    var current = await admin.GetOrderConfAsync(name, ct).ConfigureAwait(false)
                        ?? throw new AdminCommandException($"no orderConf for topic [{name}]");
                    await session.Output.WriteLineAsync($"get orderConf success. topic=[{name}], orderConf=[{current}]").ConfigureAwait(false);
                    break;
                case "put":
                    var conf = p.GetValue(orderConf)?.Trim();
                    if (string.IsNullOrEmpty(conf))
                    {
                        throw new AdminCommandException("please set orderConf with option -v.");
                    }

                    await admin.PutOrderConfAsync(name, conf, ct).ConfigureAwait(false);
                    await session.Output.WriteLineAsync($"update orderConf success. topic=[{name}], orderConf=[{conf}]").ConfigureAwait(false);
                    break;
                default:
                    await admin.DeleteOrderConfAsync(name, ct).ConfigureAwait(false);
                    await session.Output.WriteLineAsync($"delete orderConf success. topic=[{name}]").ConfigureAwait(false);
                    break;
            }
        });
        return command;
    }

    private static Option<string> Namespace() => new("-s", "--namespace") { Description = "set the namespace", Required = true };

    private static Option<string> Key() => new("-k", "--key") { Description = "set the key name", Required = true };
}
