namespace AkkaMq.Remoting.Protocol;

/// <summary>The bits of PULL_MESSAGE's <c>sysFlag</c> (Java PullSysFlag), set by consumers and read by the broker.</summary>
public static class PullSysFlag
{
    /// <summary>The request carries the group's <c>commitOffset</c> for the broker to store.</summary>
    public const int CommitOffset = 0x1;

    /// <summary>The broker may hold the request (long polling) for up to <c>suspendTimeoutMillis</c>.</summary>
    public const int Suspend = 0x2;

    /// <summary>The request carries its own subscription and expression type instead of the heartbeat's.</summary>
    public const int Subscription = 0x4;
}
