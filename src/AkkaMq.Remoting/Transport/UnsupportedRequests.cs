using AkkaMq.Remoting.Protocol;

namespace AkkaMq.Remoting.Transport;

/// <summary>
/// The answer to a request code a gateway does not serve: REQUEST_CODE_NOT_SUPPORTED (3) with the
/// remark of <see cref="UnsupportedRequestRemarks"/>, and one warning in the server's log per
/// (request code, client address) naming the code, the client and its language and version, so an
/// operator can tell what a client asked for.
/// </summary>
/// <remarks>
/// The client address is the connection's <c>ip:port</c>: a long-lived client repeating a request is
/// logged once, each new run of a tool (a new connection) once more. At most
/// <see cref="MaxRemembered"/> pairs are remembered; when that many are held, the memory is cleared
/// and starts again, so a pair is logged again at most once per that many new pairs. Thread-safe:
/// every connection's read loop calls <see cref="Answer"/>.
/// </remarks>
public sealed class UnsupportedRequests
{
    /// <summary>How many (code, address) pairs are remembered before the memory starts again.</summary>
    public const int MaxRemembered = 4096;

    private readonly object _gate = new();
    private readonly HashSet<(int Code, string Address)> _logged = [];
    private readonly int _maxRemembered;

    /// <param name="maxRemembered">The cap on remembered pairs; <see cref="MaxRemembered"/> unless a test needs a small one.</param>
    public UnsupportedRequests(int maxRemembered = MaxRemembered)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRemembered, 1);
        _maxRemembered = maxRemembered;
    }

    /// <summary>Builds the answer to <paramref name="request"/> and logs it when its pair is new.</summary>
    public RemotingCommand Answer(RemotingConnection connection, RemotingCommand request)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(request);
        var remark = UnsupportedRequestRemarks.For(request.Code);
        if (FirstTime(request.Code, connection.RemoteAddress))
        {
            Log.UnsupportedRequest(
                connection.Logger,
                RequestCodeNames.Of(request.Code),
                request.Code,
                connection.RemoteAddress,
                request.LanguageName,
                request.Version,
                UnsupportedRequestRemarks.InsteadOf(request.Code) ?? "no remark");
        }

        return request.CreateResponse(ResponseCode.RequestCodeNotSupported, remark);
    }

    private bool FirstTime(int code, string address)
    {
        lock (_gate)
        {
            if (_logged.Contains((code, address)))
            {
                return false;
            }

            if (_logged.Count >= _maxRemembered)
            {
                _logged.Clear();
            }

            _logged.Add((code, address));
            return true;
        }
    }
}
