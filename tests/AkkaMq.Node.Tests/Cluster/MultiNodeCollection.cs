namespace AkkaMq.Node.Tests.Cluster;

/// <summary>
/// The multi-node cluster tests run one after another (each starts up to three nodes in this
/// process); they still run alongside other test classes.
/// </summary>
[CollectionDefinition(Name)]
public sealed class MultiNodeCollection
{
    public const string Name = "Multi-node cluster";
}
