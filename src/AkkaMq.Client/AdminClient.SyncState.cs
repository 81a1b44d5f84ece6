using System.Globalization;
using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Protocol.Headers;
using AkkaMq.Remoting.Protocol.Json;
using AkkaMq.Remoting.Transport;

namespace AkkaMq.Client;

/// <summary>
/// The in-sync state of the asked groups (RocketMQ 5's BrokerReplicasInfo); <paramref name="Remark"/> names asked
/// groups the controller does not know (left out of <paramref name="Info"/>), null when it knows all.
/// </summary>
public sealed record SyncStateSetAnswer(BrokerReplicasInfoBody Info, string? Remark);

/// <summary>The outcome of electMaster: RocketMQ 5's ElectMasterResponseHeader fields and the group's members (BrokerMemberGroup).</summary>
public sealed record ElectMasterResult(long? MasterBrokerId, string? MasterAddress, int? MasterEpoch, int? SyncStateSetEpoch, BrokerMemberGroupBody? MemberGroup);

/// <summary>RocketMQ 5's CONTROLLER_GET_SYNC_STATE_DATA and CONTROLLER_ELECT_MASTER, asked of any AkkaMq nameserver.</summary>
public sealed partial class AdminClient
{
    /// <summary>RocketMQ 5's RequestCode.CONTROLLER_GET_SYNC_STATE_DATA.</summary>
    public const int ControllerGetSyncStateDataCode = 1006;

    /// <summary>RocketMQ 5's RequestCode.CONTROLLER_ELECT_MASTER.</summary>
    public const int ControllerElectMasterCode = 1002;

    /// <summary>At least this long for a read of the controller (the nameserver gives up on the controller after 2.5 s).</summary>
    private static readonly TimeSpan SyncStateTimeout = TimeSpan.FromSeconds(5);

    /// <summary>At least this long for an election (the nameserver waits up to 10.5 s for the controller).</summary>
    private static readonly TimeSpan ElectTimeout = TimeSpan.FromSeconds(15);

    /// <summary>The in-sync sets of <paramref name="brokerNames"/> (broker groups), asked of <paramref name="controllerAddress"/> (mqadmin getSyncStateSet).</summary>
    public async Task<SyncStateSetAnswer> GetSyncStateSetAsync(string controllerAddress, IReadOnlyList<string> brokerNames, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(brokerNames);
        var request = RemotingCommand.CreateRequest(ControllerGetSyncStateDataCode, body: BrokerReplicasInfoBody.EncodeBrokerNames(brokerNames));
        var response = await InvokeControllerAsync(controllerAddress, request, SyncStateTimeout, cancellationToken).ConfigureAwait(false);
        return new SyncStateSetAnswer(BrokerReplicasInfoBody.Decode(response.Body.Span), string.IsNullOrEmpty(response.Remark) ? null : response.Remark);
    }

    /// <summary>
    /// Makes member <paramref name="brokerId"/> of <paramref name="brokerName"/> the master (null: the controller picks the
    /// best in-sync member), asked of <paramref name="controllerAddress"/> (mqadmin electMaster). A refusal throws
    /// <see cref="MQBrokerException"/> with RocketMQ 5's code (2010 unknown group or member, 2012 election refused) and the reason.
    /// </summary>
    public async Task<ElectMasterResult> ElectMasterAsync(
        string controllerAddress, string clusterName, string brokerName, long? brokerId, CancellationToken cancellationToken = default)
    {
        var header = new ElectMasterRequestHeader { ClusterName = clusterName, BrokerName = brokerName, BrokerId = brokerId ?? -1, DesignateElect = true, InvokeTime = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() };
        var request = CommandHeader.CreateRequest((RequestCode)ControllerElectMasterCode, header);
        var response = await InvokeControllerAsync(controllerAddress, request, ElectTimeout, cancellationToken).ConfigureAwait(false);
        var result = CommandHeader.Decode<ElectMasterResponseHeader>(response);
        var group = response.Body.IsEmpty ? null : BrokerMemberGroupBody.Decode(response.Body.Span);
        return new ElectMasterResult(result.MasterBrokerId, result.MasterAddress, result.MasterEpoch, result.SyncStateSetEpoch, group);
    }

    private async Task<RemotingCommand> InvokeControllerAsync(string address, RemotingCommand request, TimeSpan atLeast, CancellationToken cancellationToken)
    {
        var timeout = _instance.Options.RequestTimeout > atLeast ? _instance.Options.RequestTimeout : atLeast;
        RemotingCommand response;
        try
        {
            response = await _instance.Remoting.InvokeAsync(address, request, timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (RemotingTimeoutException ex)
        {
            throw new MQClientException(string.Create(CultureInfo.InvariantCulture, $"{address} did not answer within {timeout.TotalSeconds:0.#} s"), ex);
        }
        catch (Exception ex) when (ClientInstance.IsNetworkError(ex))
        {
            throw new MQClientException("connect to " + address + " failed", ex);
        }

        if (response.Code != (int)ResponseCode.Success)
        {
            throw new MQBrokerException(response.Code, response.Remark, address);
        }

        return response;
    }
}
