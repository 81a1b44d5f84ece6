using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Transport;

namespace AkkaMq.Broker;

/// <summary>
/// The broker gateway: one handler method per request code, grouped by processor. Runs on the
/// connection's read loop until its first await, so every path here is cheap or asynchronous.
/// Unknown codes get REQUEST_CODE_NOT_SUPPORTED; a processor exception becomes SYSTEM_ERROR at
/// the connection boundary.
/// </summary>
internal sealed class BrokerRequestHandler : IRemotingRequestHandler
{
    private Processors? _processors;

    /// <summary>Set once start-up has finished; until then requests are answered SYSTEM_BUSY.</summary>
    public void Activate(BrokerContext context) => Volatile.Write(ref _processors, new Processors(context));

    public ValueTask<RemotingCommand?> HandleAsync(RemotingConnection connection, RemotingCommand request, CancellationToken cancellationToken)
    {
        var p = Volatile.Read(ref _processors);
        if (p is null)
        {
            return Done(BrokerResponses.Refuse(request, Refusal.BrokerStarting));
        }

        return request.RequestCode switch
        {
            RequestCode.SendMessage or RequestCode.SendMessageV2 or RequestCode.SendBatchMessage => p.Send.SendAsync(connection, request, cancellationToken),
            RequestCode.EndTransaction => p.EndTransaction.EndAsync(connection, request, cancellationToken),
            RequestCode.ConsumerSendMsgBack => p.SendBack.SendBackAsync(request, cancellationToken),
            RequestCode.PullMessage => p.Pull.PullAsync(request, cancellationToken),
            RequestCode.QueryConsumerOffset => p.Offsets.QueryConsumerOffsetAsync(request, cancellationToken),
            RequestCode.UpdateConsumerOffset => p.Offsets.UpdateConsumerOffsetAsync(request, cancellationToken),
            RequestCode.GetMaxOffset => Done(p.Offsets.GetMaxOffset(request)),
            RequestCode.GetMinOffset => Done(p.Offsets.GetMinOffset(request)),
            RequestCode.SearchOffsetByTimestamp => Done(p.Offsets.SearchOffsetByTimestamp(request)),
            RequestCode.GetEarliestMsgStoretime => Done(p.Offsets.GetEarliestMsgStoretime(request)),
            RequestCode.HeartBeat => p.Clients.HeartbeatAsync(connection, request, cancellationToken),
            RequestCode.UnregisterClient => p.Clients.UnregisterAsync(connection, request, cancellationToken),
            RequestCode.CheckClientConfig => Done(p.Clients.CheckClientConfig(request)),
            RequestCode.GetConsumerListByGroup => p.Clients.GetConsumerListAsync(request, cancellationToken),
            RequestCode.GetConsumerConnectionList => p.Clients.GetConsumerConnectionsAsync(request, cancellationToken),
            RequestCode.GetProducerConnectionList => p.Clients.GetProducerConnectionsAsync(request, cancellationToken),
            RequestCode.GetConsumerRunningInfo or RequestCode.ConsumeMessageDirectly => p.Clients.RelayToClientAsync(request, cancellationToken),
            RequestCode.LockBatchMq => p.Clients.LockBatchAsync(request, cancellationToken),
            RequestCode.UnlockBatchMq => p.Clients.UnlockBatchAsync(request, cancellationToken),
            RequestCode.UpdateAndCreateTopic => p.Admin.CreateTopicAsync(request, cancellationToken),
            RequestCode.DeleteTopicInBroker => p.Admin.DeleteTopicAsync(request, cancellationToken),
            RequestCode.GetAllTopicConfig => Done(p.Admin.GetAllTopicConfig(request)),
            RequestCode.GetBrokerRuntimeInfo => Done(p.Admin.GetBrokerRuntimeInfo(request)),
            RequestCode.GetTopicStatsInfo => Done(p.Admin.GetTopicStats(request)),
            RequestCode.GetConsumeStats => p.Admin.GetConsumeStatsAsync(request, cancellationToken),
            RequestCode.QueryTopicConsumeByWho => p.Admin.QueryTopicConsumeByWhoAsync(request, cancellationToken),
            RequestCode.ViewMessageById => Done(p.Queries.ViewMessageById(request)),
            RequestCode.QueryMessage => Done(p.Queries.QueryMessage(request)),
            RequestCode.UpdateAndCreateSubscriptionGroup => p.Groups.CreateAsync(request, cancellationToken),
            RequestCode.GetAllSubscriptionGroupConfig => Done(p.Groups.GetAll(request)),
            RequestCode.DeleteSubscriptionGroup => p.Groups.DeleteAsync(request, cancellationToken),
            RequestCode.ViewBrokerStatsData => Done(p.Stats.ViewBrokerStatsData(request)),
            RequestCode.GetBrokerConsumeStats => p.Stats.GetBrokerConsumeStatsAsync(request, cancellationToken),
            RequestCode.QueryConsumeQueue => Done(p.ConsumeQueues.QueryConsumeQueue(request)),
            RequestCode.QueryConsumeTimeSpan => p.ConsumeQueues.QueryConsumeTimeSpanAsync(request, cancellationToken),
            RequestCode.GetBrokerConfig => Done(p.Config.GetBrokerConfig(request)),
            RequestCode.UpdateBrokerConfig => p.Config.UpdateBrokerConfigAsync(connection, request, cancellationToken),
            RequestCode.CleanExpiredConsumeQueue => p.Config.CleanExpiredConsumeQueueAsync(request, cancellationToken),
            RequestCode.DeleteExpiredCommitLog => p.Config.DeleteExpiredCommitLogAsync(request, cancellationToken),
            RequestCode.GetAllProducerInfo => p.ProducerTable.GetAllProducerInfoAsync(request, cancellationToken),
            RequestCode.GetSystemTopicListFromBroker => Done(p.SystemTopics.GetSystemTopicList(request)),
            RequestCode.InvokeBrokerToResetOffset => p.OffsetResets.ResetOffsetAsync(connection, request, cancellationToken),
            RequestCode.InvokeBrokerToGetConsumerStatus => p.OffsetResets.GetConsumerStatusAsync(request, cancellationToken),
            RequestCode.CloneGroupOffset => p.OffsetResets.CloneGroupOffsetAsync(request, cancellationToken),
            (RequestCode)Replication.HaStatusProcessor.GetBrokerHaStatus => Done(p.HaStatus.GetHaStatus(request)),
            (RequestCode)Replication.EpochCacheProcessor.GetBrokerEpochCache => Done(p.EpochCache.GetEpochCache(request)),
            _ => Done(p.Unsupported.Answer(connection, request)),
        };
    }

    private static ValueTask<RemotingCommand?> Done(RemotingCommand response) => ValueTask.FromResult<RemotingCommand?>(response);

    private sealed class Processors(BrokerContext context)
    {
        public SendProcessor Send { get; } = new(context);

        public SendBackProcessor SendBack { get; } = new(context);

        public Transactions.EndTransactionProcessor EndTransaction { get; } = new(context);

        public PullProcessor Pull { get; } = new(context);

        public OffsetProcessor Offsets { get; } = new(context);

        public ClientProcessor Clients { get; } = new(context);

        public AdminProcessor Admin { get; } = new(context);

        public MessageQueryProcessor Queries { get; } = new(context);

        public SubscriptionGroups.SubscriptionGroupProcessor Groups { get; } = new(context);

        public StatsProcessor Stats { get; } = new(context);

        public ConsumeQueueProcessor ConsumeQueues { get; } = new(context);

        public LiveConfig.BrokerConfigProcessor Config { get; } = new(context);

        public UnsupportedRequests Unsupported { get; } = new();

        public ProducerTableProcessor ProducerTable { get; } = new(context);

        public SystemTopicProcessor SystemTopics { get; } = new(context);

        public OffsetResetProcessor OffsetResets { get; } = new(context);

        public Replication.HaStatusProcessor HaStatus { get; } = new(context);

        public Replication.EpochCacheProcessor EpochCache { get; } = new(context);
    }
}
