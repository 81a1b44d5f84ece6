using System.Text;

namespace AkkaMq.Remoting.Protocol;

/// <summary>
/// The extFields keys the hot requests and responses carry (send, pull, their responses), kept
/// as shared strings so decoding a header does not allocate its keys again for every message.
/// </summary>
internal static class ExtFieldKeys
{
    private const int MaxLength = 32;

    private static readonly string[] Known =
    [
        // SEND_MESSAGE_V2 / SEND_BATCH_MESSAGE one-letter keys.
        "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n",

        // SEND_MESSAGE and the send response.
        "producerGroup", "topic", "defaultTopic", "defaultTopicQueueNums", "queueId", "sysFlag",
        "bornTimestamp", "flag", "properties", "reconsumeTimes", "unitMode", "maxReconsumeTimes",
        "batch", "bname", "msgId", "queueOffset", "transactionId", "MSG_REGION", "TRACE_ON",

        // PULL_MESSAGE and the pull response.
        "consumerGroup", "maxMsgNums", "commitOffset", "suspendTimeoutMillis", "subscription",
        "subVersion", "expressionType", "suggestWhichBrokerId", "nextBeginOffset", "minOffset", "maxOffset",
    ];

    // Candidates by UTF-8 length: the lookup compares only keys of the right length.
    private static readonly (byte[] Utf8, string Key)[][] ByLength = Build();

    /// <summary>The shared string for a known key, or null.</summary>
    public static string? Find(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length is 0 or > MaxLength)
        {
            return null;
        }

        foreach (var (bytes, key) in ByLength[utf8.Length])
        {
            if (utf8.SequenceEqual(bytes))
            {
                return key;
            }
        }

        return null;
    }

    private static (byte[] Utf8, string Key)[][] Build()
    {
        var buckets = new List<(byte[], string)>[MaxLength + 1];
        for (int i = 0; i < buckets.Length; i++)
        {
            buckets[i] = [];
        }

        foreach (string key in Known)
        {
            byte[] bytes = Encoding.UTF8.GetBytes(key);
            buckets[bytes.Length].Add((bytes, key));
        }

        return Array.ConvertAll(buckets, bucket => bucket.ToArray());
    }
}
