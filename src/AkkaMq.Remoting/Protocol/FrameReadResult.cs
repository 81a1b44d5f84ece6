namespace AkkaMq.Remoting.Protocol;

public enum FrameReadStatus
{
    /// <summary>The buffer holds no complete frame yet; nothing was consumed.</summary>
    NeedMoreData,

    /// <summary>One frame was decoded and consumed.</summary>
    Frame,

    /// <summary>The stream is broken; the connection must be closed (see <see cref="FrameReadResult.Reason"/>).</summary>
    Malformed,
}

/// <summary>Outcome of <see cref="FrameDecoder.TryReadFrame"/>; <see cref="Reason"/> is set only when malformed.</summary>
public readonly record struct FrameReadResult(FrameReadStatus Status, string? Reason)
{
    public static FrameReadResult NeedMoreData => new(FrameReadStatus.NeedMoreData, null);

    public static FrameReadResult Frame => new(FrameReadStatus.Frame, null);

    public static FrameReadResult Malformed(string reason) => new(FrameReadStatus.Malformed, reason);
}
