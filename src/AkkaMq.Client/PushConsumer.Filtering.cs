using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Protocol.Json;

namespace AkkaMq.Client;

/// <summary>Start-time checks: SQL92 selectors checked by the broker, and the local offsets of a broadcasting consumer.</summary>
public sealed partial class PushConsumer
{
    /// <summary>
    /// Runs after the routes are known and before the first heartbeat. A failure undoes the
    /// registration, so the consumer can be fixed and a new one started in the same group.
    /// </summary>
    private async Task PrepareStartAsync(CancellationToken cancellationToken)
    {
        bool ready = false;
        try
        {
            if (IsBroadcasting)
            {
                _offsets = new OffsetStore(_instance, Group, new LocalOffsetFile(OffsetStoreDirectory, LocalOffsetOwner(_instance), Group));
                await _offsets.LoadAsync(cancellationToken).ConfigureAwait(false);
            }

            await CheckSelectorsAsync(cancellationToken).ConfigureAwait(false);
            ready = true;
        }
        finally
        {
            if (!ready)
            {
                _instance.UnregisterConsumer(Group);
                Volatile.Write(ref _state, 2);
            }
        }
    }

    /// <summary>
    /// The client id a broadcasting consumer's offset file is kept under. Java switches only
    /// clustering clients from the instance name <c>DEFAULT</c> to <c>pid#nanotime</c>, so a
    /// broadcasting consumer's file (<c>ip@DEFAULT</c>) is found again after a process restart;
    /// a per-process id would start every restart from <see cref="ConsumeFromWhere"/> instead.
    /// </summary>
    internal static string LocalOffsetOwner(ClientInstance instance)
    {
        if (instance.Options.InstanceName != "DEFAULT")
        {
            return instance.ClientId;
        }

        int at = instance.ClientId.IndexOf('@', StringComparison.Ordinal);
        return (at < 0 ? instance.ClientId : instance.ClientId[..at]) + "@DEFAULT";
    }

    /// <summary>
    /// CHECK_CLIENT_CONFIG (46) for each SQL92 subscription, to one broker of its topic (as Java
    /// does): a selector the broker cannot compile, or a broker without property filtering,
    /// fails the start instead of silently receiving nothing.
    /// </summary>
    private async Task CheckSelectorsAsync(CancellationToken cancellationToken)
    {
        foreach (var subscription in _subscriptions.Values)
        {
            if (subscription.ExpressionType != MessageSelector.Sql92Type)
            {
                continue;
            }

            string? address = _instance.FindBrokerAddressByTopic(subscription.Topic);
            if (address is null)
            {
                continue;
            }

            var body = new CheckClientRequestBody { ClientId = _instance.ClientId, Group = Group, SubscriptionData = subscription };
            var request = RemotingCommand.CreateRequest(RequestCode.CheckClientConfig, null, body.Encode());
            var response = await _instance.Remoting.InvokeAsync(address, request, _instance.Options.RequestTimeout, cancellationToken).ConfigureAwait(false);
            if (response.Code != (int)ResponseCode.Success)
            {
                throw new MQClientException(
                    response.Code,
                    "The broker " + address + " refused the SQL92 selector of topic " + subscription.Topic + " [" + subscription.SubString + "]: " + response.Remark);
            }
        }
    }
}
