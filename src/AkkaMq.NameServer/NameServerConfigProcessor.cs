using System.Globalization;
using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Transport;
using Microsoft.Extensions.Logging;

namespace AkkaMq.NameServer;

/// <summary>
/// Name-server config (GET_NAMESRV_CONFIG 319, UPDATE_NAMESRV_CONFIG 318) under RocketMQ's
/// NamesrvConfig / NettyServerConfig property names:
/// <code>
/// RocketMQ property     source                                                        live
/// listenPort            akkamq.namesrv.listen (the bound port)                        no
/// orderMessageEnable    fixed true: routes carry the topic's ORDER_TOPIC_CONFIG entry  no
/// clusterTest           fixed false: no cluster-test mode                             no
/// </code>
/// Nothing here changes at run time, so an update is refused naming its keys: NO_PERMISSION for
/// a key listed above (as RocketMQ answers for its black-listed keys), SYSTEM_ERROR for any
/// other. RocketMQ's path keys (rocketmqHome, kvConfigPath, configStorePath) have no
/// counterpart: KV config lives in the cluster's replicated control state.
/// </summary>
internal sealed class NameServerConfigProcessor(ILogger log)
{
    /// <summary>The configured port, then the bound one once the listener has started.</summary>
    public int ListenPort
    {
        get => Volatile.Read(ref _listenPort);
        set => Volatile.Write(ref _listenPort, value);
    }

    private int _listenPort;

    private IEnumerable<(string Property, string Source, string Value)> Entries()
    {
        yield return ("listenPort", "akkamq.namesrv.listen", ListenPort.ToString(CultureInfo.InvariantCulture));
        yield return ("orderMessageEnable", "fixed", "true");
        yield return ("clusterTest", "fixed", "false");
    }

    public RemotingCommand GetConfig(RemotingCommand request)
    {
        var response = request.CreateResponse(ResponseCode.Success);
        response.Body = PropertiesText.Encode(Entries().Select(e => new KeyValuePair<string, string>(e.Property, e.Value)));
        return response;
    }

    public RemotingCommand UpdateConfig(RemotingConnection connection, RemotingCommand request)
    {
        if (!PropertiesText.TryParse(request.Body.Span, out var entries, out var malformed))
        {
            return request.CreateResponse(ResponseCode.SystemError, "string2Properties error: " + malformed);
        }

        if (entries.Count == 0)
        {
            return request.CreateResponse(ResponseCode.Success);
        }

        var known = Entries().ToDictionary(e => e.Property, e => e.Source, StringComparer.Ordinal);
        var unknown = entries.Where(e => !known.ContainsKey(e.Key)).Select(e => e.Key).ToList();
        log.LogInformation("updateNamesrvConfig from {Client} refused: {Keys}", connection.RemoteAddress, string.Join(", ", entries.Select(e => e.Key)));
        if (unknown.Count > 0)
        {
            return request.CreateResponse(ResponseCode.SystemError, "unknown namesrv config key [" + string.Join(", ", unknown) + "]; nothing was changed");
        }

        var listed = entries.Select(e => e.Key + " (" + known[e.Key] + ")");
        return request.CreateResponse(ResponseCode.NoPermission,
            "Can not update config [" + string.Join(", ", listed) + "] at run time: the name server reads its settings from the node's file at start-up; nothing was changed");
    }
}
