using AkkaMq.Remoting.Protocol;

namespace AkkaMq.Remoting.Tests.Protocol;

/// <summary>Frames written out from the layouts in the wire doc (sections 1.1–1.3).</summary>
internal static class GoldenFrames
{
    /// <summary>A SEND_MESSAGE_V2 request as Java 4.9.8 writes it: string values, keys a..n, body "Hello".</summary>
    public const string JsonSendRequestHeader =
        "{\"code\":310,\"extFields\":{\"a\":\"PG\",\"b\":\"TopicTest\",\"c\":\"TBW102\",\"d\":\"4\",\"e\":\"0\",\"f\":\"0\",\"g\":\"1700000000000\",\"h\":\"0\",\"j\":\"0\",\"k\":\"false\",\"n\":\"broker-a\"},\"flag\":0,\"language\":\"JAVA\",\"opaque\":1,\"serializeTypeCurrentRPC\":\"JSON\",\"version\":409}";

    /// <summary>The doc's example send response header (section 1.2), no body.</summary>
    public const string JsonSendResponseHeader =
        "{\"code\":0,\"extFields\":{\"msgId\":\"C0A8010100002A9F0000000000001A2B\",\"queueId\":\"1\",\"queueOffset\":\"17\",\"MSG_REGION\":\"DefaultRegion\",\"TRACE_ON\":\"true\"},\"flag\":1,\"language\":\"JAVA\",\"opaque\":42,\"serializeTypeCurrentRPC\":\"JSON\",\"version\":409}";

    public static byte[] JsonSendRequest => Frames.Json(JsonSendRequestHeader, "Hello"u8.ToArray());

    public static byte[] JsonSendResponse => Frames.Json(JsonSendResponseHeader);

    /// <summary>
    /// QUERY_CONSUMER_OFFSET (14) with a binary header, remark "hi", extFields topic=T and
    /// queueId=0, body "xy". Header = 17 fixed + 2 remark + 4 extLen + 26 ext = 49 bytes.
    /// </summary>
    public static byte[] BinaryRequest =>
    [
        0x00, 0x00, 0x00, 0x37,             // length = 4 + 49 + 2 = 55
        0x01, 0x00, 0x00, 0x31,             // serialize type 1, header length 49
        0x00, 0x0E,                         // code 14
        0x00,                               // language JAVA
        0x01, 0x99,                         // version 409
        0x00, 0x00, 0x00, 0x07,             // opaque 7
        0x00, 0x00, 0x00, 0x00,             // flag 0 (request)
        0x00, 0x00, 0x00, 0x02, (byte)'h', (byte)'i', // remark
        0x00, 0x00, 0x00, 0x1A,             // extLen 26
        0x00, 0x05, (byte)'t', (byte)'o', (byte)'p', (byte)'i', (byte)'c',
        0x00, 0x00, 0x00, 0x01, (byte)'T',
        0x00, 0x07, (byte)'q', (byte)'u', (byte)'e', (byte)'u', (byte)'e', (byte)'I', (byte)'d',
        0x00, 0x00, 0x00, 0x01, (byte)'0',
        (byte)'x', (byte)'y',               // body
    ];

    public static IEnumerable<object[]> All()
    {
        yield return ["json-request", JsonSendRequest];
        yield return ["json-response", JsonSendResponse];
        yield return ["binary-request", BinaryRequest];
    }

    public static byte[] ByName(string name) => name switch
    {
        "json-request" => JsonSendRequest,
        "json-response" => JsonSendResponse,
        _ => BinaryRequest,
    };

    public static IEnumerable<object[]> Names()
    {
        yield return ["json-request"];
        yield return ["json-response"];
        yield return ["binary-request"];
    }

    public static RemotingCommand Decode(string name) => Frames.DecodeSingle(ByName(name));
}
