using System.Buffers.Binary;
using System.Text;

namespace AkkaMq.Client;

/// <summary>
/// Body of SEND_BATCH_MESSAGE (wire doc 4.4). Items back to back, each: TOTALSIZE int,
/// MAGICCODE int (0), BODYCRC int (0), FLAG int, BODYLEN int + body, PROPERTIESLEN short +
/// properties.
/// </summary>
public static class MessageBatch
{
    public static byte[] Encode(IReadOnlyList<Message> messages)
    {
        var encoded = new List<(byte[] Properties, Message Message)>(messages.Count);
        int total = 0;
        foreach (var message in messages)
        {
            var properties = Encoding.UTF8.GetBytes(MessageProperties.Encode(message.Properties));
            if (properties.Length > short.MaxValue)
            {
                throw new MQClientException("The properties of a batch item are longer than 32767 bytes.");
            }

            encoded.Add((properties, message));
            total += 4 + 4 + 4 + 4 + 4 + message.Body.Length + 2 + properties.Length;
        }

        var buffer = new byte[total];
        var span = buffer.AsSpan();
        foreach (var (properties, message) in encoded)
        {
            int size = 4 + 4 + 4 + 4 + 4 + message.Body.Length + 2 + properties.Length;
            BinaryPrimitives.WriteInt32BigEndian(span, size);
            BinaryPrimitives.WriteInt32BigEndian(span[4..], 0);
            BinaryPrimitives.WriteInt32BigEndian(span[8..], 0);
            BinaryPrimitives.WriteInt32BigEndian(span[12..], message.Flag);
            BinaryPrimitives.WriteInt32BigEndian(span[16..], message.Body.Length);
            message.Body.CopyTo(span[20..]);
            int at = 20 + message.Body.Length;
            BinaryPrimitives.WriteInt16BigEndian(span[at..], (short)properties.Length);
            properties.CopyTo(span[(at + 2)..]);
            span = span[size..];
        }

        return buffer;
    }
}
