using System.Globalization;

namespace AkkaMq.Remoting.Protocol;

/// <summary>
/// One RocketMQ remoting command: a request or a response (wire doc 1.2–1.4).
/// Mutable on purpose: a command is built by one owner, then handed to the codec or a
/// connection and not touched again.
/// </summary>
public sealed class RemotingCommand
{
    /// <summary>Flag bit 0: the command is a response.</summary>
    public const int ResponseFlag = 0x1;

    /// <summary>Flag bit 1: the request expects no response.</summary>
    public const int OnewayFlag = 0x2;

    private OrderedDictionary<string, string>? _extFields;
    private string? _unknownLanguageName;

    /// <summary>Request code or response code.</summary>
    public int Code { get; set; }

    public LanguageCode Language { get; set; } = LanguageCode.Java;

    /// <summary>
    /// The language as it appeared on the wire: the enum name, or the sender's own text when
    /// the name is not one we know (kept so connection listings can show it).
    /// </summary>
    public string LanguageName
    {
        get => _unknownLanguageName ?? LanguageCodeNames.ToName(Language);
        set
        {
            var bytes = System.Text.Encoding.UTF8.GetBytes(value);
            if (LanguageCodeNames.TryParse(bytes, out var code))
            {
                Language = code;
                _unknownLanguageName = null;
            }
            else
            {
                Language = LanguageCode.Other;
                _unknownLanguageName = value;
            }
        }
    }

    public int Version { get; set; } = RemotingVersion.Current;

    /// <summary>Request id; a response echoes the request's.</summary>
    public int Opaque { get; set; }

    public int Flag { get; set; }

    public string? Remark { get; set; }

    /// <summary>Custom header fields in insertion order; created on first use.</summary>
    public OrderedDictionary<string, string> ExtFields => _extFields ??= new OrderedDictionary<string, string>(StringComparer.Ordinal);

    /// <summary>True when at least one extField is present (does not allocate the map).</summary>
    public bool HasExtFields => _extFields is { Count: > 0 };

    public ReadOnlyMemory<byte> Body { get; set; }

    /// <summary>The header encoding this command arrived in, or will be written in.</summary>
    public SerializeType SerializeType { get; set; } = SerializeType.Json;

    public bool IsResponse => (Flag & ResponseFlag) != 0;

    public bool IsOneway => (Flag & OnewayFlag) != 0;

    /// <summary>The code as a <see cref="RequestCode"/> (meaningful for requests only).</summary>
    public RequestCode RequestCode => (RequestCode)Code;

    /// <summary>The code as a <see cref="ResponseCode"/> (meaningful for responses only).</summary>
    public ResponseCode ResponseCode => (ResponseCode)Code;

    internal OrderedDictionary<string, string>? ExtFieldsOrNull => _extFields;

    /// <summary>
    /// The map a header decoder fills, sized up front so it does not grow field by field: the
    /// send and pull requests carry a dozen fields or more, most other headers a handful.
    /// </summary>
    internal OrderedDictionary<string, string> ExtFieldsForDecoding() =>
        _extFields ??= new OrderedDictionary<string, string>(ExpectedExtFieldCount(Code), StringComparer.Ordinal);

    private static int ExpectedExtFieldCount(int code) => (RequestCode)code switch
    {
        RequestCode.SendMessage or RequestCode.SendMessageV2 or RequestCode.SendBatchMessage or RequestCode.PullMessage => 16,
        _ => 7,
    };

    internal string? UnknownLanguageName
    {
        get => _unknownLanguageName;
        set => _unknownLanguageName = value;
    }

    public void MarkResponse() => Flag |= ResponseFlag;

    public void MarkOneway() => Flag |= OnewayFlag;

    /// <summary>Returns the extField or null when absent.</summary>
    public string? GetExtField(string key) =>
        _extFields is not null && _extFields.TryGetValue(key, out var value) ? value : null;

    /// <summary>Builds a request; the connection assigns <see cref="Opaque"/> when it sends it.</summary>
    public static RemotingCommand CreateRequest(
        RequestCode code,
        OrderedDictionary<string, string>? extFields = null,
        ReadOnlyMemory<byte> body = default)
    {
        return CreateRequest((int)code, extFields, body);
    }

    public static RemotingCommand CreateRequest(
        int code,
        OrderedDictionary<string, string>? extFields = null,
        ReadOnlyMemory<byte> body = default)
    {
        var command = new RemotingCommand { Code = code, Body = body };
        command._extFields = extFields;
        return command;
    }

    /// <summary>A free-standing response; prefer <see cref="CreateResponse(ResponseCode, string?)"/> on the request.</summary>
    public static RemotingCommand CreateResponse(int code, string? remark = null) =>
        new() { Code = code, Remark = remark, Flag = ResponseFlag };

    /// <summary>
    /// A response to this request: same opaque, same serialize type, response bit set,
    /// version 409.
    /// </summary>
    public RemotingCommand CreateResponse(ResponseCode code, string? remark = null) =>
        new()
        {
            Code = (int)code,
            Remark = remark,
            Flag = ResponseFlag,
            Opaque = Opaque,
            SerializeType = SerializeType,
        };

    /// <summary>The generic answer to an unknown request code (Java's wording, leading space included).</summary>
    public RemotingCommand CreateRequestCodeNotSupportedResponse() =>
        CreateResponse(
            ResponseCode.RequestCodeNotSupported,
            " request type " + Code.ToString(CultureInfo.InvariantCulture) + " not supported");

    public override string ToString() =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"RemotingCommand [code={Code}, language={LanguageName}, version={Version}, opaque={Opaque}, flag(B)={Convert.ToString(Flag, 2)}, remark={Remark}, extFields={_extFields?.Count ?? 0}, body={Body.Length}B, serializeType={SerializeType}]");
}
