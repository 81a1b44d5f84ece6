using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using AkkaMq.Remoting.Protocol;

namespace AkkaMq.Remoting.Tests.Protocol;

/// <summary>Builds frames and multi-segment buffers for codec tests.</summary>
internal static class Frames
{
    /// <summary>length (4 + header + body), header word (type &lt;&lt; 24 | headerLen), header, body.</summary>
    public static byte[] Build(SerializeType type, byte[] header, byte[]? body = null)
    {
        body ??= [];
        var frame = new byte[8 + header.Length + body.Length];
        BinaryPrimitives.WriteInt32BigEndian(frame, 4 + header.Length + body.Length);
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(4), ((int)type << 24) | header.Length);
        header.CopyTo(frame, 8);
        body.CopyTo(frame, 8 + header.Length);
        return frame;
    }

    public static byte[] Json(string header, byte[]? body = null) =>
        Build(SerializeType.Json, Encoding.UTF8.GetBytes(header), body);

    public static ReadOnlySequence<byte> Sequence(params ReadOnlyMemory<byte>[] parts)
    {
        if (parts.Length <= 1)
        {
            return parts.Length == 0 ? ReadOnlySequence<byte>.Empty : new ReadOnlySequence<byte>(parts[0]);
        }

        var first = new Segment(parts[0], 0);
        var last = first;
        for (int i = 1; i < parts.Length; i++)
        {
            last = last.Append(parts[i]);
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    public static ReadOnlySequence<byte> SplitAt(byte[] frame, int offset) =>
        Sequence(frame.AsMemory(0, offset), frame.AsMemory(offset));

    public static ReadOnlySequence<byte> OneBytePerSegment(byte[] frame)
    {
        var parts = new ReadOnlyMemory<byte>[frame.Length];
        for (int i = 0; i < frame.Length; i++)
        {
            parts[i] = frame.AsMemory(i, 1);
        }

        return Sequence(parts);
    }

    /// <summary>Decodes exactly one frame that must fill the buffer.</summary>
    public static RemotingCommand DecodeSingle(ReadOnlySequence<byte> buffer)
    {
        var result = FrameDecoder.TryReadFrame(ref buffer, FrameDecoder.DefaultMaxFrameLength, out var command);
        Assert.Equal(FrameReadResult.Frame, result);
        Assert.Equal(0, buffer.Length);
        return command!;
    }

    public static RemotingCommand DecodeSingle(byte[] frame) => DecodeSingle(new ReadOnlySequence<byte>(frame));

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
