using AkkaMq.Remoting.Protocol;

namespace AkkaMq.Remoting.Tests.Protocol;

/// <summary>Header keys decode to the same text whether they are common send/pull keys or not, escaped or not, in either encoding.</summary>
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
}
