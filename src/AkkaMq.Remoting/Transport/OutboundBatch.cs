namespace AkkaMq.Remoting.Transport;

/// <summary>
/// Write coalescing across connections: while a thread is inside a scope, frames it queues on
/// any connection wait in that connection's queue, and each connection's writer is woken once
/// when the scope ends, so the frames of one burst leave in one socket write instead of one
/// write each. The broker opens a scope around answering the senders of one group commit, a
/// connection around dispatching the frames of one read.
/// <para>
/// A scope is synchronous: open and close it in the same method with no await in between (the
/// state is per thread). Scopes nest; the outermost one wakes the writers.
/// </para>
/// </summary>
public static class OutboundBatch
{
    [ThreadStatic]
    private static int t_depth;

    [ThreadStatic]
    private static List<RemotingConnection>? t_deferred;

    /// <summary>Opens a scope; dispose it (on the same thread) to wake the writers it held back.</summary>
    public static Scope Begin()
    {
        t_depth++;
        return default;
    }

    /// <summary>
    /// Called by a connection that just queued a frame: true when the calling thread is inside a
    /// scope and the connection's writer will be woken when the scope ends (by this thread, or
    /// by the thread whose scope already holds it back).
    /// </summary>
    internal static bool TryDefer(RemotingConnection connection)
    {
        if (t_depth == 0)
        {
            return false;
        }

        if (connection.TryMarkDeferred())
        {
            (t_deferred ??= []).Add(connection);
        }

        return true;
    }

    private static void End()
    {
        if (--t_depth > 0 || t_deferred is not { Count: > 0 } deferred)
        {
            return;
        }

        foreach (var connection in deferred)
        {
            connection.ReleaseDeferred();
        }

        deferred.Clear();
    }

    /// <summary>The open scope; ends it when disposed.</summary>
    public readonly struct Scope : IDisposable
    {
        public void Dispose() => End();
    }
}
