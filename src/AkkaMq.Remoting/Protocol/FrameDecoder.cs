using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;

namespace AkkaMq.Remoting.Protocol;

/// <summary>
/// Resumable frame parser (wire doc 1.1). Frame layout, all big-endian:
/// <code>
/// int length        = 4 + headerLen + bodyLen (does not count itself)
/// int headerWord    high byte = serialize type (0 JSON, 1 ROCKETMQ), low 24 bits = headerLen
/// byte[headerLen]   header (JSON text or binary layout)
/// byte[rest]        body
/// </code>
/// "Not enough bytes yet" is a normal outcome and consumes nothing; a broken stream is reported
/// as <see cref="FrameReadStatus.Malformed"/>, never thrown.
/// </summary>
public static class FrameDecoder
{
    /// <summary>Java's default <c>com.rocketmq.remoting.frameMaxLength</c>: 16 MiB, length field included.</summary>
    public const int DefaultMaxFrameLength = 16 * 1024 * 1024;

    private const int PrefixLength = 8;

    /// <summary>
    /// Decodes one frame from the start of <paramref name="buffer"/>. On
    /// <see cref="FrameReadStatus.Frame"/> the buffer is advanced past it; otherwise it is unchanged.
    /// The command's body is copied out, so the caller may release the buffer.
    /// </summary>
    public static FrameReadResult TryReadFrame(ref ReadOnlySequence<byte> buffer, int maxFrameLength, out RemotingCommand? command) =>
        TryReadFrame(ref buffer, maxFrameLength, default, out command);

    /// <summary>
    /// Decodes one frame from the start of <paramref name="frames"/> without copying its body: the
    /// command's body is a slice of <paramref name="frames"/>, valid as long as the caller keeps
    /// that memory unchanged.
    /// </summary>
    public static FrameReadResult TryReadFrame(ReadOnlyMemory<byte> frames, int maxFrameLength, out RemotingCommand? command)
    {
        var buffer = new ReadOnlySequence<byte>(frames);
        return TryReadFrame(ref buffer, maxFrameLength, frames, out command);
    }

    private static FrameReadResult TryReadFrame(ref ReadOnlySequence<byte> buffer, int maxFrameLength, ReadOnlyMemory<byte> backing, out RemotingCommand? command)
    {
        command = null;
        if (buffer.Length < 4)
        {
            return FrameReadResult.NeedMoreData;
        }

        Span<byte> prefix = stackalloc byte[PrefixLength];
        int available = (int)Math.Min(buffer.Length, PrefixLength);
        buffer.Slice(0, available).CopyTo(prefix);

        int length = BinaryPrimitives.ReadInt32BigEndian(prefix);
        if (length < 4)
        {
            return Malformed("frame length {0} is below 4", length);
        }

        if ((long)length + 4 > maxFrameLength)
        {
            return Malformed2("frame length {0} exceeds the maximum {1}", (long)length + 4, maxFrameLength);
        }

        if (available < PrefixLength)
        {
            return FrameReadResult.NeedMoreData;
        }

        int headerWord = BinaryPrimitives.ReadInt32BigEndian(prefix[4..]);
        int serializeType = (headerWord >> 24) & 0xFF;
        int headerLength = headerWord & 0xFFFFFF;
        if (headerLength > length - 4)
        {
            return Malformed2("header length {0} exceeds frame length {1} - 4", headerLength, length);
        }

        if (serializeType > (int)SerializeType.RocketMq)
        {
            return Malformed("unknown serialize type {0}", serializeType);
        }

        if (buffer.Length < (long)length + 4)
        {
            return FrameReadResult.NeedMoreData;
        }

        var header = buffer.Slice(PrefixLength, headerLength);
        var result = DecodeHeader((SerializeType)serializeType, header, out var decoded);
        if (result.Status != FrameReadStatus.Frame)
        {
            return result;
        }

        int bodyLength = length - 4 - headerLength;
        if (bodyLength > 0)
        {
            decoded.Body = backing.IsEmpty
                ? buffer.Slice(PrefixLength + headerLength, bodyLength).ToArray()
                : backing.Slice(PrefixLength + headerLength, bodyLength);
        }

        buffer = buffer.Slice((long)length + 4);
        command = decoded;
        return FrameReadResult.Frame;
    }

    private static FrameReadResult DecodeHeader(SerializeType type, ReadOnlySequence<byte> header, out RemotingCommand command)
    {
        command = new RemotingCommand { SerializeType = type, Version = 0 };
        string? error = type == SerializeType.Json
            ? JsonHeaderCodec.TryDecode(header, command)
            : BinaryHeaderCodec.TryDecode(header, command);
        return error is null ? FrameReadResult.Frame : FrameReadResult.Malformed(error);
    }

    private static FrameReadResult Malformed(string format, long value) =>
        FrameReadResult.Malformed(string.Format(CultureInfo.InvariantCulture, format, value));

    private static FrameReadResult Malformed2(string format, long first, long second) =>
        FrameReadResult.Malformed(string.Format(CultureInfo.InvariantCulture, format, first, second));
}
