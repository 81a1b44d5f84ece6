using AkkaMq.Cluster.Routing;
using AkkaMq.Cluster.Tests.Support;

namespace AkkaMq.Cluster.Tests.Routing;

public sealed class BrokerWritePermTests : RegistryTestKit
{
    [Fact]
    public void Wipe_ClearsTheWriteBitOfTheGroupsTopicsOnly_AndAddGivesReadAndWriteBack()
    {
        var (registry, _) = StartRecovered();
        Accepted(registry, new RegisterBrokerMember("C", "broker-a", 0, "10.0.0.1:10911"));
        Accepted(registry, new RegisterBrokerMember("C", "broker-b", 0, "10.0.0.2:10911"));
        Accepted(registry, new UpsertTopic("broker-a", new TopicConfig("Orders", 4, 4, Perm.ReadWrite)));
        Accepted(registry, new UpsertTopic("broker-a", new TopicConfig("TBW102", 8, 8, Perm.ReadWrite | Perm.Inherit)));
        Accepted(registry, new UpsertTopic("broker-a", new TopicConfig("ReadOnly", 4, 4, Perm.Read)));
        Accepted(registry, new UpsertTopic("broker-b", new TopicConfig("Orders", 4, 4, Perm.ReadWrite)));

        var wiped = Accepted(registry, new ChangeBrokerWritePerm("broker-a", Writable: false));

        Assert.Equal(Perm.Read, wiped.FindTopic("Orders", "broker-a")!.Perm);
        Assert.Equal(Perm.Read | Perm.Inherit, wiped.FindTopic("TBW102", "broker-a")!.Perm);
        Assert.Equal(Perm.ReadWrite, wiped.FindTopic("Orders", "broker-b")!.Perm);
        Assert.Equal(3, wiped.CountTopicsOf("broker-a"));

        var added = Accepted(registry, new ChangeBrokerWritePerm("broker-a", Writable: true));

        Assert.Equal(Perm.ReadWrite, added.FindTopic("Orders", "broker-a")!.Perm);
        Assert.Equal(Perm.ReadWrite | Perm.Inherit, added.FindTopic("TBW102", "broker-a")!.Perm);
        Assert.Equal(Perm.ReadWrite, added.FindTopic("ReadOnly", "broker-a")!.Perm);
    }

    [Fact]
    public void Wipe_IsStored_AndSurvivesARestart()
    {
        var (registry, _) = StartRecovered();
        Accepted(registry, new RegisterBrokerMember("C", "broker-a", 0, "10.0.0.1:10911"));
        Accepted(registry, new UpsertTopic("broker-a", new TopicConfig("Orders", 4, 4, Perm.ReadWrite)));
        Accepted(registry, new ChangeBrokerWritePerm("broker-a", Writable: false));
        var rows = JournalRows;

        // A second wipe changes nothing and stores nothing.
        Accepted(registry, new ChangeBrokerWritePerm("broker-a", Writable: false));
        Assert.Equal(rows, JournalRows);
        StopRegistry(registry);

        var (_, feed) = StartRecovered();
        Assert.Equal(Perm.Read, feed.Current.FindTopic("Orders", "broker-a")!.Perm);
    }

    [Fact]
    public void UnknownGroup_IsRejected_AndStoresNothing()
    {
        var (registry, _) = StartRecovered();

        var result = Change(registry, new ChangeBrokerWritePerm("broker-x", Writable: false));

        Assert.Equal("broker group broker-x is not registered", result.Rejection);
        Assert.Equal(0, JournalRows);
    }
}
