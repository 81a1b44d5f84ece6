namespace AkkaMq.Codec;

/// <summary>RocketMQ's reserved consumer-group names, named once for broker and client.</summary>
public static class GroupNames
{
    /// <summary>The prefix of RocketMQ's own groups (e.g. <c>CID_RMQ_SYS_TRANS</c>), which no user group may take.</summary>
    public const string SystemGroupPrefix = "CID_RMQ_SYS_";

    public static bool IsSystemGroup(string group) => group.StartsWith(SystemGroupPrefix, StringComparison.Ordinal);
}
