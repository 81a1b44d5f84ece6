using System.CommandLine;
using AkkaMq.Client;

namespace AkkaMq.Node.Commands.Admin;

/// <summary>RocketMQ 5's controller commands; every AkkaMq nameserver answers for the Controller.</summary>
internal static class ControllerCommands
{
    /// <summary><c>getControllerMetaData -a</c>: where the Controller runs and the nodes that may host it.</summary>
    public static Command GetControllerMetaData()
    {
        var ns = AdminOptions.NameServer();
        var address = new Option<string>("-a", "--controllerAddress") { Description = "The address of controller (any nameserver of the cluster).", Required = true };
        var command = new Command("getControllerMetaData", "Get controller cluster's metadata.") { ns, address };
        AdminSession.Handle(command, ns, async (session, admin, ct) =>
        {
            var metadata = await admin.GetControllerMetadataAsync(session.Parse.GetValue(address)!.Trim(), ct).ConfigureAwait(false);
            await PrintAsync(session.Output, metadata).ConfigureAwait(false);
        });
        return command;
    }

    /// <summary>RocketMQ 5's GetControllerMetaDataSubCommand layout.</summary>
    internal static async Task PrintAsync(TextWriter output, ControllerMetadata metadata)
    {
        await output.WriteAsync($"\n#ControllerGroup\t{metadata.Group}").ConfigureAwait(false);
        await output.WriteAsync($"\n#ControllerLeaderId\t{metadata.ControllerLeaderId ?? "null"}").ConfigureAwait(false);
        await output.WriteAsync($"\n#ControllerLeaderAddress\t{metadata.ControllerLeaderAddress ?? "null"}").ConfigureAwait(false);
        foreach (var peer in metadata.Peers)
        {
            await output.WriteAsync($"\n#Peer:\t{peer}").ConfigureAwait(false);
        }

        await output.WriteAsync("\n").ConfigureAwait(false);
    }
}
