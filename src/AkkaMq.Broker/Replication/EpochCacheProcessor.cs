using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Protocol.Json;

namespace AkkaMq.Broker.Replication;

/// <summary>
/// GET_BROKER_EPOCH_CACHE (1007, RocketMQ 5): the epochs of this broker's log — each master epoch
/// and the commit-log offset it started at, the open one ending at <see cref="long.MaxValue"/> —
/// with the log's end, as RocketMQ 5's EpochEntryCache. A returning node's log is compared with its
/// master's by exactly this table.
/// </summary>
internal sealed class EpochCacheProcessor(BrokerContext context)
{
    /// <summary>RocketMQ 5's RequestCode.GET_BROKER_EPOCH_CACHE.</summary>
    public const int GetBrokerEpochCache = 1007;

    public RemotingCommand GetEpochCache(RemotingCommand request)
    {
        var store = context.Store;
        var entries = store.Epochs.Entries;
        var epochs = new List<EpochEntryInfo>(entries.Count);
        for (int i = 0; i < entries.Count; i++)
        {
            long end = i + 1 < entries.Count ? entries[i + 1].StartOffset : long.MaxValue;
            epochs.Add(new EpochEntryInfo(entries[i].Epoch, entries[i].StartOffset, end));
        }

        var body = new EpochEntryCacheBody(context.ClusterName, context.Group, context.Membership.BrokerId, epochs, store.MaxPhysicalOffset);
        RemotingCommand response = request.CreateResponse(ResponseCode.Success);
        response.Body = body.Encode();
        return response;
    }
}
