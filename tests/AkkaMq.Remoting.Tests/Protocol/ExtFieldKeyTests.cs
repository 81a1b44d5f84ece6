using AkkaMq.Remoting.Protocol;

namespace AkkaMq.Remoting.Tests.Protocol;

/// <summary>Header keys and values decode to the same text whether they are common ones or not, escaped or not, in either encoding.</summary>
public sealed class ExtFieldKeyTests
{
    [Fact]
    public void KnownUnknownAndEscapedKeys_AllDecodeToTheirText()
    {
        var frame = Frames.Json(
            """{"code":310,"extFields":{"a":"group","topic":"T","\u0062":"escaped b","queueIdX":"1","ab":"2","MSG_REGION":"r"}}""");

        var command = Frames.DecodeSingle(new System.Buffers.ReadOnlySequence<byte>(frame));

        Assert.Equal(
            [("a", "group"), ("topic", "T"), ("b", "escaped b"), ("queueIdX", "1"), ("ab", "2"), ("MSG_REGION", "r")],
            command.ExtFields.Select(e => (e.Key, e.Value)).ToArray());
    }

    [Fact]
    public void KnownKeys_SurviveABinaryRoundTrip_SplitAcrossSegments()
    {
        var original = RemotingCommand.CreateRequest(RequestCode.SendMessageV2);
        original.SerializeType = SerializeType.RocketMq;
        original.ExtFields["a"] = "group";
        original.ExtFields["nextBeginOffset"] = "42";
        original.ExtFields["notAKnownKey"] = "x";
        byte[] frame = FrameEncoder.ToArray(original);

        for (int split = 1; split < frame.Length; split++)
        {
            var command = Frames.DecodeSingle(Frames.SplitAt(frame, split));
            Assert.Equal(
                [("a", "group"), ("nextBeginOffset", "42"), ("notAKnownKey", "x")],
                command.ExtFields.Select(e => (e.Key, e.Value)).ToArray());
        }
    }

    // Values the decoder shares (small numbers, -1, booleans) next to look-alikes it must leave exactly as sent.
    private static readonly (string Key, string Value)[] Values =
    [
        ("a", "0"), ("b", "7"), ("c", "42"), ("d", "99"), ("e", "-1"), ("f", "true"), ("g", "false"),
        ("h", "05"), ("i", "100"), ("j", "-2"), ("k", "True"), ("l", "falsey"), ("m", "1a"), ("n", "00"),
        ("defaultTopic", "TBW102"), ("topic", "TBW1020"), ("x", "tbw102"),
    ];

    [Fact]
    public void CommonAndLookAlikeValues_DecodeToTheirExactText_FromJsonStringsAndNumbers()
    {
        var fields = string.Join(",", Values.Select(v => $"\"{v.Key}\":\"{v.Value}\""));
        var command = Frames.DecodeSingle(new System.Buffers.ReadOnlySequence<byte>(
            Frames.Json("{\"code\":310,\"extFields\":{" + fields + ",\"queueId\":3,\"sysFlag\":-1,\"unitMode\":false,\"bornTimestamp\":1700000000000,\"flag\":\"\\u0030\"}}")));

        Assert.Equal(
            Values.Concat([("queueId", "3"), ("sysFlag", "-1"), ("unitMode", "false"), ("bornTimestamp", "1700000000000"), ("flag", "0")]).ToArray(),
            command.ExtFields.Select(e => (e.Key, e.Value)).ToArray());
    }

    [Fact]
    public void CommonAndLookAlikeValues_SurviveABinaryRoundTrip_SplitAcrossSegments()
    {
        var original = RemotingCommand.CreateRequest(RequestCode.SendMessageV2);
        original.SerializeType = SerializeType.RocketMq;
        foreach (var (key, value) in Values)
        {
            original.ExtFields[key] = value;
        }

        byte[] frame = FrameEncoder.ToArray(original);
        for (int split = 1; split < frame.Length; split++)
        {
            var command = Frames.DecodeSingle(Frames.SplitAt(frame, split));
            Assert.Equal(Values, command.ExtFields.Select(e => (e.Key, e.Value)).ToArray());
        }
    }
}
