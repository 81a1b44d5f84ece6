using System.Text;
using AkkaMq.Remoting.Protocol;

namespace AkkaMq.Remoting.Tests.Protocol;

public sealed class FrameGoldenTests
{
    [Fact]
    public void JsonRequest_DecodesEveryField()
    {
        var command = Frames.DecodeSingle(GoldenFrames.JsonSendRequest);

        Assert.Equal(310, command.Code);
        Assert.Equal(RequestCode.SendMessageV2, command.RequestCode);
        Assert.Equal(LanguageCode.Java, command.Language);
        Assert.Equal(409, command.Version);
        Assert.Equal(1, command.Opaque);
        Assert.Equal(0, command.Flag);
        Assert.False(command.IsResponse);
        Assert.False(command.IsOneway);
        Assert.Null(command.Remark);
        Assert.Equal(SerializeType.Json, command.SerializeType);
        Assert.Equal(["a", "b", "c", "d", "e", "f", "g", "h", "j", "k", "n"], command.ExtFields.Keys);
        Assert.Equal("TopicTest", command.ExtFields["b"]);
        Assert.Equal("1700000000000", command.ExtFields["g"]);
        Assert.Equal("false", command.ExtFields["k"]);
        Assert.Equal("Hello", Encoding.UTF8.GetString(command.Body.Span));
    }

    [Fact]
    public void JsonResponse_DecodesEveryField()
    {
        var command = Frames.DecodeSingle(GoldenFrames.JsonSendResponse);

        Assert.Equal(ResponseCode.Success, command.ResponseCode);
        Assert.True(command.IsResponse);
        Assert.Equal(42, command.Opaque);
        Assert.Equal(409, command.Version);
        Assert.Equal(LanguageCode.Java, command.Language);
        Assert.Equal(["msgId", "queueId", "queueOffset", "MSG_REGION", "TRACE_ON"], command.ExtFields.Keys);
        Assert.Equal("C0A8010100002A9F0000000000001A2B", command.ExtFields["msgId"]);
        Assert.Equal("17", command.ExtFields["queueOffset"]);
        Assert.True(command.Body.IsEmpty);
    }

    [Fact]
    public void BinaryRequest_DecodesEveryField()
    {
        var command = Frames.DecodeSingle(GoldenFrames.BinaryRequest);

        Assert.Equal(RequestCode.QueryConsumerOffset, command.RequestCode);
        Assert.Equal(SerializeType.RocketMq, command.SerializeType);
        Assert.Equal(LanguageCode.Java, command.Language);
        Assert.Equal(409, command.Version);
        Assert.Equal(7, command.Opaque);
        Assert.Equal(0, command.Flag);
        Assert.Equal("hi", command.Remark);
        Assert.Equal(["topic", "queueId"], command.ExtFields.Keys);
        Assert.Equal("T", command.ExtFields["topic"]);
        Assert.Equal("0", command.ExtFields["queueId"]);
        Assert.Equal("xy", Encoding.UTF8.GetString(command.Body.Span));
    }

    [Theory]
    [MemberData(nameof(GoldenFrames.All), MemberType = typeof(GoldenFrames))]
    public void Golden_ReEncodesByteForByte(string name, byte[] golden)
    {
        var command = Frames.DecodeSingle(golden);

        var encoded = FrameEncoder.ToArray(command);

        Assert.True(golden.AsSpan().SequenceEqual(encoded), name + ": " + Encoding.UTF8.GetString(encoded));
    }

    [Fact]
    public void Response_KeepsRequestSerializeTypeAndOpaque()
    {
        var request = Frames.DecodeSingle(GoldenFrames.BinaryRequest);

        var response = request.CreateResponse(ResponseCode.QueryNotFound, "none");
        var decoded = Frames.DecodeSingle(FrameEncoder.ToArray(response));

        Assert.Equal(SerializeType.RocketMq, decoded.SerializeType);
        Assert.Equal(7, decoded.Opaque);
        Assert.True(decoded.IsResponse);
        Assert.Equal(22, decoded.Code);
        Assert.Equal("none", decoded.Remark);
        Assert.Equal(RemotingVersion.V4_9_8, decoded.Version);
    }

    [Fact]
    public void UnknownCode_ResponseHasJavaRemark()
    {
        var request = RemotingCommand.CreateRequest(999);

        var response = request.CreateRequestCodeNotSupportedResponse();

        Assert.Equal(ResponseCode.RequestCodeNotSupported, response.ResponseCode);
        Assert.Equal(" request type 999 not supported", response.Remark);
    }

    [Fact]
    public void JsonHeader_AcceptsScalarsOfAnyTypeInExtFields()
    {
        const string header = "{\"code\":310,\"language\":\"JAVA\",\"opaque\":5,\"version\":121,\"flag\":0,\"extFields\":{\"d\":4,\"g\":1700000000000,\"k\":false,\"x\":null,\"y\":1.5,\"s\":\"text\"},\"unknownKey\":{\"nested\":[1,2]},\"serializeTypeCurrentRPC\":\"JSON\"}\n";

        var command = Frames.DecodeSingle(Frames.Json(header));

        Assert.Equal("4", command.ExtFields["d"]);
        Assert.Equal("1700000000000", command.ExtFields["g"]);
        Assert.Equal("false", command.ExtFields["k"]);
        Assert.Equal("1.5", command.ExtFields["y"]);
        Assert.Equal("text", command.ExtFields["s"]);
        Assert.False(command.ExtFields.ContainsKey("x"));
        Assert.Equal(121, command.Version);
    }

    [Fact]
    public void JsonHeader_KeepsUnknownLanguageName()
    {
        var command = Frames.DecodeSingle(Frames.Json("{\"code\":34,\"language\":\"COBOL\",\"opaque\":1,\"version\":1}"));

        Assert.Equal(LanguageCode.Other, command.Language);
        Assert.Equal("COBOL", command.LanguageName);
        Assert.Contains("\"language\":\"COBOL\"", Encoding.UTF8.GetString(FrameEncoder.ToArray(command)));
    }

    [Fact]
    public void JsonHeader_RoundTripsControlAndNonAsciiCharacters()
    {
        var request = RemotingCommand.CreateRequest(RequestCode.SendMessageV2);
        request.ExtFields["i"] = "TAGS\u0001TagA\u0002KEYS\u0001k1 k2\u0002";
        request.Remark = "ünïcødé \"quoted\" \\ <tag>";

        var decoded = Frames.DecodeSingle(FrameEncoder.ToArray(request));

        Assert.Equal(request.ExtFields["i"], decoded.ExtFields["i"]);
        Assert.Equal(request.Remark, decoded.Remark);
    }

    [Fact]
    public void BinaryHeader_DropsEntriesWithEmptyKeyOrValue()
    {
        var request = RemotingCommand.CreateRequest(RequestCode.HeartBeat);
        request.SerializeType = SerializeType.RocketMq;
        request.ExtFields["empty"] = string.Empty;
        request.ExtFields["kept"] = "v";

        var decoded = Frames.DecodeSingle(FrameEncoder.ToArray(request));

        Assert.Equal(["kept"], decoded.ExtFields.Keys);
    }

    [Fact]
    public void Decoder_ReadsBackToBackFramesOneAtATime()
    {
        var both = GoldenFrames.JsonSendRequest.Concat(GoldenFrames.BinaryRequest).ToArray();
        var buffer = new System.Buffers.ReadOnlySequence<byte>(both);

        Assert.Equal(FrameReadResult.Frame, FrameDecoder.TryReadFrame(ref buffer, 1 << 20, out var first));
        Assert.Equal(FrameReadResult.Frame, FrameDecoder.TryReadFrame(ref buffer, 1 << 20, out var second));
        Assert.Equal(FrameReadResult.NeedMoreData, FrameDecoder.TryReadFrame(ref buffer, 1 << 20, out _));

        Assert.Equal(310, first!.Code);
        Assert.Equal(14, second!.Code);
    }
}
