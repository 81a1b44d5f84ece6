using System.Text;

namespace AkkaMq.Client;

/// <summary>Body of SEND_BATCH_MESSAGE: the messages as <see cref="BatchItemLayout"/> items back to back.</summary>
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
            total += BatchItemLayout.SizeOf(message.Body.Length, properties.Length);
        }

        var buffer = new byte[total];
        var span = buffer.AsSpan();
        foreach (var (properties, message) in encoded)
        {
            int size = BatchItemLayout.Write(span, message.Flag, message.Body, properties);
            span = span[size..];
        }

        return buffer;
    }
}
