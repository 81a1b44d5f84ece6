using System.Globalization;

namespace AkkaMq.Remoting.Transport;

/// <summary>No response arrived in time.</summary>
public sealed class RemotingTimeoutException(string address, int requestCode, TimeSpan timeout)
    : Exception(string.Create(
        CultureInfo.InvariantCulture,
        $"wait response on the channel <{address}> timeout, {(long)timeout.TotalMilliseconds}(ms), request code {requestCode}"))
{
    public string Address { get; } = address;

    public int RequestCode { get; } = requestCode;
}

/// <summary>The connection could not be made, or closed before the response arrived.</summary>
public sealed class RemotingConnectionException : Exception
{
    public RemotingConnectionException(string message)
        : base(message)
    {
    }

    public RemotingConnectionException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
