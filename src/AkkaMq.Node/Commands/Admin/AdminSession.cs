using System.CommandLine;
using AkkaMq.Client;
using AkkaMq.Remoting.Transport;

namespace AkkaMq.Node.Commands.Admin;

/// <summary>
/// One admin command's run: an <see cref="AdminClient"/> for the name servers given with -n,
/// and the mapping of failures to one clear line on stderr and exit code 1.
/// </summary>
internal sealed class AdminSession
{
    private AdminSession(ParseResult parse, string nameServers)
    {
        Parse = parse;
        Output = parse.InvocationConfiguration.Output;
        // One client instance per run: runs in one process (tests, scripts) must not share another's name servers.
        Options = new ClientOptions { NameServerAddresses = nameServers, InstanceName = "akkamq-admin-" + Environment.ProcessId + "-" + Guid.NewGuid().ToString("N")[..8] };
    }

    public ParseResult Parse { get; }

    public TextWriter Output { get; }

    public ClientOptions Options { get; }

    /// <summary>Sets <paramref name="command"/> to run <paramref name="body"/> with an admin client.</summary>
    public static void Handle(Command command, Option<string> nameServer, Func<AdminSession, AdminClient, CancellationToken, Task> body)
    {
        command.SetAction(async (parse, cancellation) =>
        {
            var session = new AdminSession(parse, parse.GetValue(nameServer)!);
            var error = parse.InvocationConfiguration.Error;
            try
            {
                await using var admin = new AdminClient(session.Options);
                await body(session, admin, cancellation).ConfigureAwait(false);
                return 0;
            }
            catch (Exception e) when (e is MQClientException or MQBrokerException or RemotingTimeoutException or RemotingConnectionException or AdminCommandException or ArgumentException)
            {
                await error.WriteLineAsync($"akkamq admin {command.Name}: {e.Message}").ConfigureAwait(false);
                return 1;
            }
        });
    }
}

/// <summary>An admin command cannot do what was asked (unknown topic, no broker); the message says why.</summary>
internal sealed class AdminCommandException(string message) : Exception(message);
