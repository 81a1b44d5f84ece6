using AkkaMq.Remoting.Protocol;

namespace AkkaMq.Remoting.Transport;

/// <summary>
/// Serves requests arriving on a connection. Calls for different requests on one connection may
/// run concurrently and may complete in any order. Return the response (opaque, response bit and
/// serialize type are filled in by the connection) or null to send nothing. One-way requests
/// never get a response, whatever is returned. An exception becomes a SYSTEM_ERROR response.
/// </summary>
public interface IRemotingRequestHandler
{
    ValueTask<RemotingCommand?> HandleAsync(RemotingConnection connection, RemotingCommand request, CancellationToken cancellationToken);
}
