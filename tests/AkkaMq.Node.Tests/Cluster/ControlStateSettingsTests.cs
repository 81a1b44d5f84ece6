using AkkaMq.Cluster.Coordination;
using AkkaMq.Node.Configuration;
using AkkaMq.Node.Hosting;

namespace AkkaMq.Node.Tests.Cluster;

/// <summary><c>akkamq.control-state</c>: where the control plane's journal lives, as a user writes it.</summary>
public sealed class ControlStateSettingsTests
{
    [Fact]
    public void Default_IsSqliteInTheStoresControlDirectory()
    {
        using var temp = new TempDir();
        var store = Path.Combine(temp.Path, "store");
        var settings = NodeConfigLoader.Load(temp.Write("node.conf", $"akkamq.broker.store.dir = \"{store}\"\n"));

        Assert.Equal(new ControlStateSettings("sqlite", "", ""), settings.ControlState);
        var config = NodeHost.SystemConfig(settings, Akka.Configuration.Config.Empty);
        Assert.Equal("SQLite.MS", config.GetString("akka.persistence.journal.sql.provider-name"));
        Assert.Contains(Path.Combine(store, "control", ControlStatePersistence.JournalFileName), config.GetString("akka.persistence.journal.sql.connection-string"));
    }

    [Fact]
    public void SqlitePath_AndPostgreSql_AreUsed()
    {
        using var temp = new TempDir();
        var shared = Path.Combine(temp.Path, "shared-control");
        var sqlite = NodeConfigLoader.Load(temp.Write("a.conf", $"akkamq.control-state.path = \"{shared}\"\n"));
        Assert.Contains(Path.Combine(shared, ControlStatePersistence.JournalFileName),
            NodeHost.SystemConfig(sqlite, Akka.Configuration.Config.Empty).GetString("akka.persistence.journal.sql.connection-string"));

        var pg = NodeConfigLoader.Load(temp.Write("b.conf", """
            akkamq.control-state { kind = postgresql, connection-string = "Host=db;Database=akkamq;Username=u" }
            """));
        var config = NodeHost.SystemConfig(pg, Akka.Configuration.Config.Empty);
        Assert.Equal("PostgreSQL.15", config.GetString("akka.persistence.journal.sql.provider-name"));
        Assert.Equal("PostgreSQL.15", config.GetString("akka.persistence.snapshot-store.sql.provider-name"));
        Assert.Equal("Host=db;Database=akkamq;Username=u", config.GetString("akka.persistence.journal.sql.connection-string"));
    }

    [Theory]
    [InlineData("akkamq.control-state.kind = mysql", "akkamq.control-state.kind", "expected sqlite or postgresql, got 'mysql'")]
    [InlineData("akkamq.control-state.kind = postgresql", "akkamq.control-state.connection-string", "required when control-state.kind = postgresql")]
    public async Task BadControlState_StopsStartUp_NamingTheKey(string line, string key, string why)
    {
        using var temp = new TempDir();
        var file = temp.Write("node.conf", "# a node\n" + line + "\n");

        var result = await CliRun.InvokeAsync("config", "--config", file);

        Assert.Equal(Cli.BadConfigExitCode, result.ExitCode);
        Assert.Contains(key, result.Error);
        Assert.Contains(why, result.Error);
    }
}
