using System.Buffers.Binary;

namespace AkkaMq.Codec;

/// <summary>
/// An item of a SEND_BATCH_MESSAGE body (wire doc 4.4), defined once for the client that writes
/// it and the broker that splits it. Items lie back to back, all integers big-endian:
/// <code>
///  0  4  TOTALSIZE      the item's own length, these 4 bytes included
///  4  4  MAGICCODE      0 from every client (Java, C++, Go)
///  8  4  BODYCRC        0; the store computes its own
/// 12  4  FLAG           the user flag
/// 16  4  BODYLEN, then the body
///     2  PROPERTIESLEN (short), then the UTF-8 property string
/// </code>
/// so TOTALSIZE = 22 + BODYLEN + PROPERTIESLEN.
/// </summary>
public static class BatchItemLayout
{
    public const int MagicOffset = 4;
    public const int BodyCrcOffset = 8;
    public const int FlagOffset = 12;
    public const int BodyLengthOffset = 16;
    public const int BodyOffset = 20;

    /// <summary>An item with an empty body and no properties.</summary>
    public const int MinSize = BodyOffset + 2;

    public static int SizeOf(int bodyLength, int propertiesLength) => MinSize + bodyLength + propertiesLength;

    /// <summary>Writes one item at the start of <paramref name="dest"/>; returns its size.</summary>
    public static int Write(Span<byte> dest, int flag, ReadOnlySpan<byte> body, ReadOnlySpan<byte> properties)
    {
        int size = SizeOf(body.Length, properties.Length);
        BinaryPrimitives.WriteInt32BigEndian(dest, size);
        BinaryPrimitives.WriteInt32BigEndian(dest.Slice(MagicOffset), 0);
        BinaryPrimitives.WriteInt32BigEndian(dest.Slice(BodyCrcOffset), 0);
        BinaryPrimitives.WriteInt32BigEndian(dest.Slice(FlagOffset), flag);
        BinaryPrimitives.WriteInt32BigEndian(dest.Slice(BodyLengthOffset), body.Length);
        body.CopyTo(dest.Slice(BodyOffset));
        int at = BodyOffset + body.Length;
        BinaryPrimitives.WriteInt16BigEndian(dest.Slice(at), (short)properties.Length);
        properties.CopyTo(dest.Slice(at + 2));
        return size;
    }
}
