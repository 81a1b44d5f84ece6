using AkkaMq.Remoting.Protocol;

namespace AkkaMq.Client;

/// <summary>RocketMQ 5's controller metadata (getControllerMetaData), the fields of its GetMetaDataResponseHeader.</summary>
public sealed record ControllerMetadata(string Group, string? ControllerLeaderId, string? ControllerLeaderAddress, bool IsLeader, IReadOnlyList<string> Peers);

/// <summary>RocketMQ 5's CONTROLLER_GET_METADATA_INFO.</summary>
public sealed partial class AdminClient
{
    /// <summary>RocketMQ 5's RequestCode.CONTROLLER_GET_METADATA_INFO.</summary>
    public const int ControllerGetMetadataInfoCode = 1005;

    /// <summary>Where the Controller runs, asked of <paramref name="controllerAddress"/> (any AkkaMq nameserver answers).</summary>
    public async Task<ControllerMetadata> GetControllerMetadataAsync(string controllerAddress, CancellationToken cancellationToken = default)
    {
        var response = await InvokeBrokerAsync(controllerAddress, RemotingCommand.CreateRequest(ControllerGetMetadataInfoCode), cancellationToken).ConfigureAwait(false);
        string? Field(string name) => response.ExtFields.TryGetValue(name, out var value) && value.Length > 0 ? value : null;
        var peers = Field("peers")?.Split(';', StringSplitOptions.RemoveEmptyEntries) ?? [];
        return new ControllerMetadata(Field("group") ?? string.Empty, Field("controllerLeaderId"), Field("controllerLeaderAddress"),
            string.Equals(Field("isLeader"), "true", StringComparison.OrdinalIgnoreCase), peers);
    }
}
