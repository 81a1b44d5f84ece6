namespace AkkaMq.Remoting.Protocol.Headers;

/// <summary>A typed custom header; <see cref="Table"/> is its single wire mapping.</summary>
public interface ICommandHeader<TSelf>
    where TSelf : class, ICommandHeader<TSelf>, new()
{
    static abstract HeaderTable<TSelf> Table { get; }
}

/// <summary>Thrown by <see cref="CommandHeader.Decode{T}"/> when a request's header is unusable; the message is the response remark.</summary>
public sealed class RemotingCommandException(string message) : Exception(message);

/// <summary>Moves typed headers in and out of a command's extFields.</summary>
public static class CommandHeader
{
    /// <summary>Decodes; on failure <paramref name="error"/> is the remark for a SYSTEM_ERROR response.</summary>
    public static bool TryDecode<T>(RemotingCommand command, out T header, out string? error, HeaderKeyStyle style = HeaderKeyStyle.Full)
        where T : class, ICommandHeader<T>, new()
    {
        var fields = command.HasExtFields ? command.ExtFields : null;
        return T.Table.TryDecode(fields, style, out header, out error);
    }

    public static T Decode<T>(RemotingCommand command, HeaderKeyStyle style = HeaderKeyStyle.Full)
        where T : class, ICommandHeader<T>, new()
    {
        if (!TryDecode<T>(command, out var header, out var error, style))
        {
            ThrowInvalid(error!);
        }

        return header;
    }

    /// <summary>Writes the header's non-null fields into the command's extFields.</summary>
    public static void Encode<T>(T header, RemotingCommand command, HeaderKeyStyle style = HeaderKeyStyle.Full)
        where T : class, ICommandHeader<T>, new()
    {
        T.Table.Encode(header, command.ExtFields, style);
    }

    /// <summary>A request carrying <paramref name="header"/>.</summary>
    public static RemotingCommand CreateRequest<T>(RequestCode code, T header, ReadOnlyMemory<byte> body = default, HeaderKeyStyle style = HeaderKeyStyle.Full)
        where T : class, ICommandHeader<T>, new()
    {
        var request = RemotingCommand.CreateRequest(code, null, body);
        Encode(header, request, style);
        return request;
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void ThrowInvalid(string error) => throw new RemotingCommandException(error);
}
