namespace AkkaMq.Remoting.Protocol.Headers;

/// <summary>
/// CONTROLLER_ELECT_MASTER (1002, RocketMQ 5) request: RocketMQ's ElectMasterRequestHeader. <see cref="BrokerId"/>
/// is the member to make master (-1: the controller chooses); an operator's request sets <see cref="DesignateElect"/>.
/// </summary>
public sealed class ElectMasterRequestHeader : ICommandHeader<ElectMasterRequestHeader>
{
    public string ClusterName { get; set; } = string.Empty;

    public string BrokerName { get; set; } = string.Empty;

    public long BrokerId { get; set; } = -1;

    public bool DesignateElect { get; set; }

    public long? InvokeTime { get; set; }

    public static HeaderTable<ElectMasterRequestHeader> Table { get; } = new HeaderTable<ElectMasterRequestHeader>()
        .String("clusterName", static h => h.ClusterName, static (h, v) => h.ClusterName = v)
        .String("brokerName", static h => h.BrokerName, static (h, v) => h.BrokerName = v, required: true)
        .Int64("brokerId", static h => h.BrokerId, static (h, v) => h.BrokerId = v, required: true)
        .Boolean("designateElect", static h => h.DesignateElect, static (h, v) => h.DesignateElect = v)
        .Int64("invokeTime", static h => h.InvokeTime, static (h, v) => h.InvokeTime = v);
}

/// <summary>CONTROLLER_ELECT_MASTER (1002) response: RocketMQ 5's ElectMasterResponseHeader, the group's master after the election.</summary>
public sealed class ElectMasterResponseHeader : ICommandHeader<ElectMasterResponseHeader>
{
    public long? MasterBrokerId { get; set; }

    public string? MasterAddress { get; set; }

    public int? MasterEpoch { get; set; }

    public int? SyncStateSetEpoch { get; set; }

    public static HeaderTable<ElectMasterResponseHeader> Table { get; } = new HeaderTable<ElectMasterResponseHeader>()
        .Int64("masterBrokerId", static h => h.MasterBrokerId, static (h, v) => h.MasterBrokerId = v)
        .String("masterAddress", static h => h.MasterAddress, static (h, v) => h.MasterAddress = v)
        .Int32("masterEpoch", static h => h.MasterEpoch, static (h, v) => h.MasterEpoch = v)
        .Int32("syncStateSetEpoch", static h => h.SyncStateSetEpoch, static (h, v) => h.SyncStateSetEpoch = v);
}
