namespace AkkaMq.Remoting.Protocol;

/// <summary>
/// MQVersion ordinals (wire doc 1.6). The header's <c>version</c> is the ordinal of the
/// sender's release; AkkaMq answers every request as <see cref="V4_9_8"/>.
/// </summary>
public static class RemotingVersion
{
    public const int V3_4_9 = 121;
    public const int V4_0_0 = 213;
    public const int V4_1_0_Snapshot = 232;
    public const int V4_3_0 = 273;
    public const int V4_4_0 = 293;
    public const int V4_5_0 = 313;
    public const int V4_6_0 = 333;
    public const int V4_7_0 = 353;
    public const int V4_8_0 = 373;
    public const int V4_9_0 = 393;
    public const int V4_9_3 = 399;
    public const int V4_9_4 = 401;
    public const int V4_9_7 = 407;
    public const int V4_9_8 = 409;
    public const int V5_0_0 = 413;

    /// <summary>The version AkkaMq puts on every command it sends.</summary>
    public const int Current = V4_9_8;
}
