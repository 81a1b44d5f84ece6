using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using AkkaMq.Store;

namespace AkkaMq.Broker;

/// <summary>
/// The body of a batch send: <see cref="BatchItemLayout"/> items back to back. RocketMQ walks the
/// items trusting their length fields; here every disagreement refuses the whole batch with a
/// remark naming the item and the field, and nothing of it is stored.
/// </summary>
internal static class BatchBody
{
    /// <summary>
    /// Splits <paramref name="body"/> into records sharing <paramref name="template"/>'s topic,
    /// queue, hosts and born time; each item's properties get the header's properties and
    /// CLUSTER appended. False with <paramref name="problem"/> set when the body is malformed.
    /// </summary>
    public static bool TryDecode(
        ReadOnlyMemory<byte> body, MessageToStore template, string? headerProperties, string cluster,
        out List<MessageToStore> items, out string? problem)
    {
        items = [];
        problem = null;
        var span = body.Span;
        if (span.IsEmpty)
        {
            problem = "the batch holds no messages";
            return false;
        }

        int position = 0;
        while (position < span.Length)
        {
            if (CheckItem(span[position..], out int bodyLength, out int propsLength) is { } itemProblem)
            {
                problem = Where(items.Count, position) + itemProblem;
                return false;
            }

            int bodyStart = position + BatchItemLayout.BodyOffset;
            string props = ForStore(Encoding.UTF8.GetString(span.Slice(bodyStart + bodyLength + 2, propsLength)), headerProperties, cluster);
            int propsBytes = Encoding.UTF8.GetByteCount(props);
            if (propsBytes > MessageRecordLayout.MaxPropertiesLength)
            {
                problem = Where(items.Count, position) + Invariant($"its properties with the batch's and CLUSTER come to {propsBytes} bytes, over {MessageRecordLayout.MaxPropertiesLength}");
                return false;
            }

            items.Add(template with
            {
                Flag = BinaryPrimitives.ReadInt32BigEndian(span[(position + BatchItemLayout.FlagOffset)..]),
                Body = body.Slice(bodyStart, bodyLength),
                Properties = props,
            });
            position = bodyStart + bodyLength + 2 + propsLength;
        }

        return true;
    }

    /// <summary>Null when the item at the start of <paramref name="rest"/> is whole and its length fields agree.</summary>
    private static string? CheckItem(ReadOnlySpan<byte> rest, out int bodyLength, out int propsLength)
    {
        bodyLength = propsLength = 0;
        if (rest.Length < BatchItemLayout.MinSize)
        {
            return Invariant($"truncated: {rest.Length} bytes left, an item takes at least {BatchItemLayout.MinSize}");
        }

        int total = BinaryPrimitives.ReadInt32BigEndian(rest);
        int magic = BinaryPrimitives.ReadInt32BigEndian(rest[BatchItemLayout.MagicOffset..]);
        bodyLength = BinaryPrimitives.ReadInt32BigEndian(rest[BatchItemLayout.BodyLengthOffset..]);
        if (magic != 0)
        {
            return Invariant($"MAGICCODE is {magic}, clients write 0");
        }

        if (total < BatchItemLayout.MinSize)
        {
            return Invariant($"TOTALSIZE {total} is below the {BatchItemLayout.MinSize} bytes of an empty item");
        }

        if (total > rest.Length)
        {
            return Invariant($"truncated: TOTALSIZE {total} but only {rest.Length} bytes left");
        }

        if (bodyLength < 0 || bodyLength > total - BatchItemLayout.MinSize)
        {
            return Invariant($"BODYLEN {bodyLength} does not fit in TOTALSIZE {total}");
        }

        propsLength = BinaryPrimitives.ReadInt16BigEndian(rest[(BatchItemLayout.BodyOffset + bodyLength)..]);
        if (propsLength < 0)
        {
            return Invariant($"PROPERTIESLEN {propsLength} is negative (properties over {short.MaxValue} bytes)");
        }

        int expected = BatchItemLayout.SizeOf(bodyLength, propsLength);
        return expected == total
            ? null
            : Invariant($"TOTALSIZE {total} disagrees with BODYLEN {bodyLength} and PROPERTIESLEN {propsLength}, which make {expected}");
    }

    private static string ForStore(string itemProperties, string? headerProperties, string cluster) =>
        MessageProperties.ForStore(MessageProperties.Join(itemProperties, headerProperties), cluster);

    private static string Where(int index, int position) => Invariant($"item {index + 1} (at byte {position}): ");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
