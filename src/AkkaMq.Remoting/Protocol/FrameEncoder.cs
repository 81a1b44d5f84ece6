using System.Buffers;
using System.Buffers.Binary;

namespace AkkaMq.Remoting.Protocol;

/// <summary>
/// Writes one frame (layout in <see cref="FrameDecoder"/>) in the command's
/// <see cref="RemotingCommand.SerializeType"/>, which for a response is the request's.
/// </summary>
public static class FrameEncoder
{
    private const int MaxHeaderLength = 0xFFFFFF;

    public static void Write(IBufferWriter<byte> writer, RemotingCommand command)
    {
        if (command.SerializeType == SerializeType.RocketMq)
        {
            WriteBinary(writer, command);
        }
        else
        {
            WriteJson(writer, command);
        }

        if (!command.Body.IsEmpty)
        {
            writer.Write(command.Body.Span);
        }
    }

    /// <summary>Encodes into a new array (tests and tools; the transport writes to its pipe).</summary>
    public static byte[] ToArray(RemotingCommand command)
    {
        var buffer = new ArrayBufferWriter<byte>();
        Write(buffer, command);
        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteJson(IBufferWriter<byte> writer, RemotingCommand command)
    {
        var header = JsonHeaderCodec.Encode(command);
        var span = writer.GetSpan(8 + header.Length);
        WritePrefix(span, SerializeType.Json, header.Length, command.Body.Length);
        header.CopyTo(span[8..]);
        writer.Advance(8 + header.Length);
    }

    private static void WriteBinary(IBufferWriter<byte> writer, RemotingCommand command)
    {
        int headerLength = BinaryHeaderCodec.GetLength(command);
        var span = writer.GetSpan(8 + headerLength);
        WritePrefix(span, SerializeType.RocketMq, headerLength, command.Body.Length);
        BinaryHeaderCodec.Encode(command, span.Slice(8, headerLength));
        writer.Advance(8 + headerLength);
    }

    private static void WritePrefix(Span<byte> span, SerializeType type, int headerLength, int bodyLength)
    {
        if (headerLength > MaxHeaderLength)
        {
            ThrowHeaderTooLong(headerLength);
        }

        BinaryPrimitives.WriteInt32BigEndian(span, 4 + headerLength + bodyLength);
        BinaryPrimitives.WriteInt32BigEndian(span[4..], ((int)type << 24) | headerLength);
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void ThrowHeaderTooLong(int length) =>
        throw new InvalidOperationException($"Header of {length} bytes does not fit the 24-bit header length.");
}
