using AkkaMq.Remoting.Protocol;

namespace AkkaMq.Broker.Membership;

/// <summary>
/// The broker's refusal of writes while it is a follower: its log must stay byte-identical to
/// the master's, so nothing a client sends may be appended here. Answered as RocketMQ 4.9.8 answers a
/// slave: SERVICE_NOT_AVAILABLE (14) for sends and send-backs, which producers retry on another
/// broker, and SLAVE_NOT_AVAILABLE (11) for END_TRANSACTION.
/// </summary>
internal static class FollowerFence
{
    /// <summary>Null on a master; otherwise the response refusing a send or a send-back.</summary>
    public static RemotingCommand? RefuseWrite(BrokerContext context, RemotingCommand request) =>
        context.Membership.State is { IsMaster: false } state
            ? BrokerResponses.Refuse(request, Refusal.FollowerRefusesWrite, Describe(context, state))
            : null;

    /// <summary>Null on a master; otherwise the response refusing an END_TRANSACTION.</summary>
    public static RemotingCommand? RefuseEndTransaction(BrokerContext context, RemotingCommand request) =>
        context.Membership.State is { IsMaster: false } state
            ? BrokerResponses.Refuse(request, Refusal.FollowerRefusesEndTransaction, Describe(context, state))
            : null;

    /// <summary>Why, and where to write instead, for the remark.</summary>
    public static string Describe(BrokerContext context, MembershipState state)
    {
        string self = $"this broker ({context.BrokerAddress}, broker id {state.BrokerId}) is a follower of broker group {context.Group} and accepts no writes";
        return state.MasterAddress is { Length: > 0 } master
            ? $"{self}; its master is {master}"
            : $"{self}; its master is not known now";
    }
}
