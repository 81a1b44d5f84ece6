using AkkaMq.Remoting.Protocol;

namespace AkkaMq.Client;

/// <summary>A client-side failure: bad arguments, no route, no broker reachable.</summary>
public sealed class MQClientException : Exception
{
    public MQClientException(string message)
        : base(message)
    {
    }

    public MQClientException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public MQClientException(int responseCode, string? remark)
        : base("CODE: " + responseCode + "  DESC: " + remark)
    {
        ResponseCode = responseCode;
        Remark = remark;
    }

    /// <summary>The response code when the failure came from a server answer, else -1.</summary>
    public int ResponseCode { get; } = -1;

    public string? Remark { get; }
}

/// <summary>A broker or name server answered with an error code.</summary>
public sealed class MQBrokerException : Exception
{
    public MQBrokerException(int responseCode, string? remark, string? address = null)
        : base("CODE: " + responseCode + "  DESC: " + remark + (address is null ? string.Empty : "  BROKER: " + address))
    {
        ResponseCode = responseCode;
        Remark = remark;
        Address = address;
    }

    public int ResponseCode { get; }

    public string? Remark { get; }

    public string? Address { get; }

    public ResponseCode Code => (ResponseCode)ResponseCode;
}
