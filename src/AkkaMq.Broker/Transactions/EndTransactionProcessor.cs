using Akka.Actor;
using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Protocol.Headers;
using AkkaMq.Remoting.Transport;
using Microsoft.Extensions.Logging;

namespace AkkaMq.Broker.Transactions;

/// <summary>END_TRANSACTION (37): commit or roll back a half message, or note that its producer does not know yet.</summary>
internal sealed class EndTransactionProcessor(BrokerContext context)
{
    public async ValueTask<RemotingCommand?> EndAsync(RemotingConnection connection, RemotingCommand request, CancellationToken ct)
    {
        if (Membership.FollowerFence.RefuseEndTransaction(context, request) is { } follower)
        {
            return follower;
        }

        if (!CommandHeader.TryDecode<EndTransactionRequestHeader>(request, out var header, out var error))
        {
            return BrokerResponses.BadHeader(request, error);
        }

        bool fromCheck = header.FromTransactionCheck == true;
        switch (header.CommitOrRollback)
        {
            case MessageRecordLayout.SysFlagTransactionCommit:
                break;
            case MessageRecordLayout.SysFlagTransactionRollback:
                context.Log.LogInformation(
                    "Producer {Remote} rolled back transaction at half offset {Offset}{Check}; remark: {Remark}",
                    connection.RemoteAddress, header.TranStateTableOffset, fromCheck ? " on check" : string.Empty, request.Remark);
                break;
            case MessageRecordLayout.SysFlagTransactionNot:
                // Still undecided: the check-back asks again later.
                context.Log.LogInformation(
                    "Producer {Remote} reports transaction at half offset {Offset} as unknown{Check}; remark: {Remark}",
                    connection.RemoteAddress, header.TranStateTableOffset, fromCheck ? " on check" : string.Empty, request.Remark);
                return request.CreateResponse(ResponseCode.Success);
            default:
                return request.CreateResponse(ResponseCode.SystemError, "illegal commitOrRollback value " + header.CommitOrRollback);
        }

        var outcome = await context.Transactions.Ask<EndTransactionOutcome>(new EndTransactionCommand(header), BrokerContext.AskTimeout, ct).ConfigureAwait(false);
        if (outcome.Code != ResponseCode.Success)
        {
            context.Log.LogWarning(
                "END_TRANSACTION from {Remote} for half offset {Offset} refused: {Remark}", connection.RemoteAddress, header.TranStateTableOffset, outcome.Remark);
        }

        return request.CreateResponse(outcome.Code, outcome.Remark);
    }
}
