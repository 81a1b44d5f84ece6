using System.Globalization;
using System.Text.Json;
using Akka.Actor;
using AkkaMq.Cluster.Coordination;
using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Protocol.Headers;
using AkkaMq.Remoting.Protocol.Json;

namespace AkkaMq.NameServer;

/// <summary>
/// RocketMQ 5's controller admin requests, answered by every nameserver on behalf of the Controller (a cluster
/// singleton reached through its proxy): CONTROLLER_GET_SYNC_STATE_DATA (1006, <c>getSyncStateSet</c>) and
/// CONTROLLER_ELECT_MASTER (1002, <c>electMaster</c>). Every question to the Controller has a deadline, so an
/// unreachable Controller gives a SYSTEM_ERROR naming it instead of a hanging request.
/// </summary>
internal sealed class ControllerAdminProcessor(IActorRef? controller)
{
    /// <summary>RocketMQ 5's RequestCode.CONTROLLER_ELECT_MASTER.</summary>
    public const int ControllerElectMaster = 1002;

    /// <summary>RocketMQ 5's RequestCode.CONTROLLER_GET_SYNC_STATE_DATA.</summary>
    public const int ControllerGetSyncStateData = 1006;

    /// <summary>RocketMQ 5's ResponseCode.CONTROLLER_INVALID_REQUEST.</summary>
    public const int ControllerInvalidRequest = 2005;

    /// <summary>RocketMQ 5's ResponseCode.CONTROLLER_BROKER_NEED_TO_BE_REGISTERED: the group or member is unknown to the Controller.</summary>
    public const int ControllerBrokerNeedToBeRegistered = 2010;

    /// <summary>RocketMQ 5's ResponseCode.CONTROLLER_ELECT_MASTER_FAILED: the Controller refused the election.</summary>
    public const int ControllerElectMasterFailed = 2012;

    /// <summary>How long a read (in-sync set, group state) may take; below RocketMQ admin's 3 s request timeout.</summary>
    public TimeSpan ReadTimeout { get; init; } = TimeSpan.FromMilliseconds(2500);

    /// <summary>How long an election may take (persisted, announced, the old master stepping down).</summary>
    public TimeSpan ElectTimeout { get; init; } = TimeSpan.FromSeconds(8);

    /// <summary>
    /// 1006: the body is a JSON list of broker names; the answer is BrokerReplicasInfo for the groups the Controller
    /// knows (unknown ones are named in the remark, as RocketMQ's controller leaves them out). When none is known:
    /// CONTROLLER_BROKER_NEED_TO_BE_REGISTERED with the Controller's reason.
    /// </summary>
    public async ValueTask<RemotingCommand?> GetSyncStateDataAsync(RemotingCommand request, CancellationToken ct)
    {
        if (controller is null)
        {
            return request.CreateResponse(ResponseCode.SystemError, "this nameserver runs without a controller");
        }

        IReadOnlyList<string> names;
        try
        {
            names = request.Body.IsEmpty ? [] : BrokerReplicasInfoBody.DecodeBrokerNames(request.Body.Span);
        }
        catch (JsonException e)
        {
            return Code(request, ControllerInvalidRequest, "the body must be a JSON list of broker names: " + e.Message);
        }

        var groups = names.Select(n => n.Trim()).Where(n => n.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        var answers = await Task.WhenAll(groups.Select(g => AskAsync(new GetSyncStateSet(g), ReadTimeout, ct))).ConfigureAwait(false);
        var table = new SortedDictionary<string, ReplicasInfo>(StringComparer.Ordinal);
        var unknown = new List<string>();
        for (int i = 0; i < groups.Count; i++)
        {
            switch (answers[i])
            {
                case SyncStateSetState state:
                    table[groups[i]] = ToReplicasInfo(state);
                    break;
                case ControlRefused refused:
                    unknown.Add($"Broker-set: {groups[i]} hasn't been registered in controller ({refused.Reason})");
                    break;
                case null:
                    return NoAnswer(request, $"GetSyncStateSet of {groups[i]}", ReadTimeout);
                default:
                    return Unexpected(request, answers[i]!);
            }
        }

        if (table.Count == 0 && unknown.Count > 0)
        {
            return Code(request, ControllerBrokerNeedToBeRegistered, string.Join("; ", unknown));
        }

        var response = request.CreateResponse(ResponseCode.Success, unknown.Count > 0 ? string.Join("; ", unknown) : null);
        response.Body = new BrokerReplicasInfoBody(table).Encode();
        return response;
    }

    /// <summary>
    /// 1002: makes member <c>brokerId</c> of <c>brokerName</c> the master (-1: the Controller picks the best in-sync
    /// member). A group or member the Controller does not know is CONTROLLER_BROKER_NEED_TO_BE_REGISTERED; a refusal
    /// is CONTROLLER_ELECT_MASTER_FAILED with the Controller's reason; success carries ElectMasterResponseHeader and
    /// a BrokerMemberGroup body.
    /// </summary>
    public async ValueTask<RemotingCommand?> ElectMasterAsync(RemotingCommand request, CancellationToken ct)
    {
        if (controller is null)
        {
            return request.CreateResponse(ResponseCode.SystemError, "this nameserver runs without a controller");
        }

        if (!CommandHeader.TryDecode<ElectMasterRequestHeader>(request, out var header, out var error))
        {
            return request.CreateResponse(ResponseCode.SystemError, error);
        }

        string group = header.BrokerName.Trim();
        if (group.Length == 0 || header.BrokerId < -1)
        {
            return Code(request, ControllerInvalidRequest,
                group.Length == 0 ? "brokerName is empty" : $"brokerId {header.BrokerId} is not a broker id (-1 lets the controller choose)");
        }

        // The group's members first: an unknown group or member gets RocketMQ's answer, and the reply lists the members.
        var known = await AskAsync(new GetControllerState(group), ReadTimeout, ct).ConfigureAwait(false);
        if (known is null)
        {
            return NoAnswer(request, $"GetControllerState of {group}", ReadTimeout);
        }

        if (known is not ControllerState state)
        {
            return Unexpected(request, known);
        }

        var members = state.Groups.FirstOrDefault(g => g.Group == group);
        if (members is null)
        {
            return Code(request, ControllerBrokerNeedToBeRegistered, $"Broker-set: {group} hasn't been registered in controller");
        }

        long? target = header.BrokerId >= 0 ? header.BrokerId : null;
        if (target is { } id && members.Members.All(m => m.BrokerId != id))
        {
            return Code(request, ControllerBrokerNeedToBeRegistered, $"BrokerId: {id} hasn't been registered in broker-set: {group}");
        }

        var answer = await AskAsync(new ElectMaster(group, target), ElectTimeout, ct).ConfigureAwait(false);
        switch (answer)
        {
            case MasterElected elected:
                var response = request.CreateResponse(ResponseCode.Success);
                CommandHeader.Encode(new ElectMasterResponseHeader
                {
                    MasterBrokerId = elected.MasterMemberId,
                    MasterAddress = elected.MasterBrokerAddress,
                    MasterEpoch = elected.MasterEpoch,
                    SyncStateSetEpoch = elected.Set.SyncStateSetEpoch,
                }, response);
                var addresses = members.Members.ToDictionary(m => m.BrokerId, m => m.BrokerAddress);
                addresses[elected.MasterMemberId] = elected.MasterBrokerAddress;
                response.Body = new BrokerMemberGroupBody(header.ClusterName, group, addresses, elected.Set.Members).Encode();
                return response;
            case ControlRefused refused:
                return Code(request, ControllerElectMasterFailed, $"Failed to elect a new master for broker-set {group}: {refused.Reason}");
            case null:
                return NoAnswer(request, $"ElectMaster of {group}", ElectTimeout,
                    " (the election may still complete: check getSyncStateSet)");
            default:
                return Unexpected(request, answer);
        }
    }

    /// <summary>RocketMQ 5's ReplicasInfo for one group: members in the set are in sync, the others not; alive = online.</summary>
    internal static ReplicasInfo ToReplicasInfo(SyncStateSetState state)
    {
        var inSync = new List<ReplicaIdentity>();
        var notInSync = new List<ReplicaIdentity>();
        foreach (var m in state.Members.OrderBy(m => m.BrokerId))
        {
            var replica = new ReplicaIdentity(state.Group, m.BrokerId, m.BrokerAddress, m.Online);
            (state.Set.Members.Contains(m.BrokerId) ? inSync : notInSync).Add(replica);
        }

        // A set member the controller has no member record of still counts in the set; it shows without an address.
        foreach (long id in state.Set.Members.Where(id => state.Members.All(m => m.BrokerId != id)).Order())
        {
            inSync.Add(new ReplicaIdentity(state.Group, id, string.Empty, false));
        }

        bool hasMaster = state.MasterMemberId >= 0;
        return new ReplicasInfo(hasMaster ? state.MasterMemberId : null, hasMaster ? state.MasterBrokerAddress : null,
            state.Set.MasterEpoch, state.Set.SyncStateSetEpoch, inSync, notInSync, hasMaster ? null : state.NoMasterReason ?? "the group has no master");
    }

    /// <summary>The controller's reply, or null when none came in time.</summary>
    private async Task<object?> AskAsync(object message, TimeSpan timeout, CancellationToken ct)
    {
        try
        {
            return await controller!.Ask<object>(message, timeout, ct).ConfigureAwait(false);
        }
        catch (AskTimeoutException)
        {
            return null;
        }
    }

    private static RemotingCommand Code(RemotingCommand request, int code, string remark)
    {
        var response = request.CreateResponse(ResponseCode.Success, remark);
        response.Code = code;
        return response;
    }

    private static RemotingCommand NoAnswer(RemotingCommand request, string what, TimeSpan timeout, string more = "") =>
        request.CreateResponse(ResponseCode.SystemError, string.Create(CultureInfo.InvariantCulture,
            $"the controller did not answer {what} within {timeout.TotalSeconds:0.#} s: no node hosting it is reachable, or it is busy{more}"));

    private static RemotingCommand Unexpected(RemotingCommand request, object answer) =>
        request.CreateResponse(ResponseCode.SystemError, "the controller answered with an unexpected " + answer.GetType().Name);
}
