using System.CommandLine;

namespace AkkaMq.Node.Commands.Admin;

/// <summary><c>akkamq admin &lt;command&gt;</c>: mqadmin's commands, names and flags, over our client.</summary>
internal static class AdminCommand
{
    public static Command Build() => new("admin", "Cluster administration with mqadmin's command names and flags.")
    {
        ClusterCommands.ClusterList(),
        ClusterCommands.BrokerStatus(),
        TopicCommands.UpdateTopic(),
        TopicCommands.DeleteTopic(),
        TopicCommands.TopicList(),
        TopicCommands.TopicRoute(),
        TopicCommands.TopicStatus(),
        ConsumerCommands.ConsumerProgress(),
        ConsumerCommands.ConsumerConnection(),
        GroupCommands.UpdateSubGroup(),
        GroupCommands.DeleteSubGroup(),
        MessageCommands.QueryMsgById(),
        QueryCommands.QueryMsgByKey(),
        QueryCommands.QueryMsgByUniqueKey(),
        MessageCommands.SendMessage(),
        MessageCommands.ConsumeMessage(),
        OffsetCommands.ResetOffsetByTime(),
        OffsetCommands.ResetOffsetByTimeOld(),
        OffsetCommands.SkipAccumulatedMessage(),
        OffsetCommands.CloneGroupOffset(),
        OffsetCommands.GetConsumerStatus(),
        ConsumerStatusCommand.ConsumerStatus(),
    };
}
