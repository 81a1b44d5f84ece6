using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Transport;

namespace AkkaMq.NameServer;

/// <summary>The nameserver gateway: routes each request code to its processor.</summary>
internal sealed class NameServerRequestHandler(RouteProcessor routes, KvConfigProcessor kv) : IRemotingRequestHandler
{
    /// <summary>Namesrv config (318, 319).</summary>
    public required NameServerConfigProcessor Config { get; init; }

    /// <summary>Where the Controller runs (1005).</summary>
    public ControllerMetadataProcessor Controller { get; init; } = new(null);

    /// <summary>The controller's in-sync sets and elections (1006, 1002).</summary>
    public ControllerAdminProcessor ControllerAdmin { get; init; } = new(null);

    private readonly UnsupportedRequests _unsupported = new();
    private readonly BrokerPermProcessor _perm = new(routes.Routes, routes.Registry);

    public ValueTask<RemotingCommand?> HandleAsync(RemotingConnection connection, RemotingCommand request, CancellationToken cancellationToken) =>
        request.RequestCode switch
        {
            RequestCode.GetRouteInfoByTopic => Done(routes.GetRouteInfoByTopic(request)),
            RequestCode.GetBrokerClusterInfo => Done(routes.GetBrokerClusterInfo(request)),
            RequestCode.GetAllTopicListFromNameserver => Done(routes.GetAllTopicList(request)),
            RequestCode.GetTopicsByCluster => Done(routes.GetTopicsByCluster(request)),
            RequestCode.DeleteTopicInNamesrv => routes.DeleteTopicAsync(request, cancellationToken),
            RequestCode.PutKvConfig => kv.PutKvConfigAsync(request, cancellationToken),
            RequestCode.GetKvConfig => Done(kv.GetKvConfig(request)),
            RequestCode.DeleteKvConfig => kv.DeleteKvConfigAsync(request, cancellationToken),
            RequestCode.GetKvListByNamespace => Done(kv.GetKvListByNamespace(request)),
            RequestCode.WipeWritePermOfBroker => _perm.WipeWritePermAsync(request, cancellationToken),
            RequestCode.AddWritePermOfBroker => _perm.AddWritePermAsync(request, cancellationToken),

            RequestCode.GetNamesrvConfig => Done(Config.GetConfig(request)),
            RequestCode.UpdateNamesrvConfig => Done(Config.UpdateConfig(connection, request)),
            (RequestCode)ControllerMetadataProcessor.ControllerGetMetadataInfo => Done(Controller.GetMetadata(request)),
            (RequestCode)ControllerAdminProcessor.ControllerGetSyncStateData => ControllerAdmin.GetSyncStateDataAsync(request, cancellationToken),
            (RequestCode)ControllerAdminProcessor.ControllerElectMaster => ControllerAdmin.ElectMasterAsync(request, cancellationToken),

            // Our brokers register in-process through the route registry; external brokers are not served yet.
            _ => Done(_unsupported.Answer(connection, request)),
        };

    private static ValueTask<RemotingCommand?> Done(RemotingCommand response) => ValueTask.FromResult<RemotingCommand?>(response);
}
