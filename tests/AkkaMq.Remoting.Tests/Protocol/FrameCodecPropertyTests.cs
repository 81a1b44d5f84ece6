using AkkaMq.Remoting.Protocol;
using FsCheck;
using FsCheck.Fluent;

namespace AkkaMq.Remoting.Tests.Protocol;

/// <summary>FsCheck properties over arbitrary commands (including lone surrogates and control characters).</summary>
public sealed class FrameCodecPropertyTests
{
    [Fact]
    public void EncodeDecodeEncode_IsStable_AtAnySplit()
    {
        Prop.ForAll<Tuple<int, int, bool, byte>, Tuple<string?, string[]>, byte[]>((numbers, strings, body) =>
        {
            var (code, opaque, binary, split) = numbers;
            var (remark, texts) = strings;
            var command = RemotingCommand.CreateRequest(code & 0x7FFF, body: body);
            command.Opaque = opaque;
            command.Remark = remark;
            command.SerializeType = binary ? SerializeType.RocketMq : SerializeType.Json;
            for (int i = 0; i < texts.Length; i++)
            {
                command.ExtFields["k" + i] = texts[i] ?? string.Empty;
            }

            var frame = FrameEncoder.ToArray(command);
            var decoded = Frames.DecodeSingle(Frames.SplitAt(frame, split % (frame.Length + 1)));
            var again = FrameEncoder.ToArray(decoded);
            var third = FrameEncoder.ToArray(Frames.DecodeSingle(again));

            return again.AsSpan().SequenceEqual(third) && decoded.Opaque == opaque && decoded.Body.Length == body.Length;
        }).QuickCheckThrowOnFailure();
    }

    [Theory]
    [InlineData(SerializeType.Json)]
    [InlineData(SerializeType.RocketMq)]
    public void LoneSurrogates_AreEncodedAsReplacementCharacters(SerializeType type)
    {
        var command = RemotingCommand.CreateRequest(1);
        command.SerializeType = type;
        command.Remark = "bad \uD800 remark";
        command.ExtFields["key\uDC00"] = "value \uD83D";

        var decoded = Frames.DecodeSingle(FrameEncoder.ToArray(command));

        Assert.Equal("bad \uFFFD remark", decoded.Remark);
        Assert.Equal("value \uFFFD", decoded.ExtFields["key\uFFFD"]);
    }
}
