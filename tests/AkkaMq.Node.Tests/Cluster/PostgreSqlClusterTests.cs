using AkkaMq.Cluster.Tests.Support;
using Npgsql;
using Xunit.Abstractions;

namespace AkkaMq.Node.Tests.Cluster;

/// <summary>The three-node cluster with its control state in PostgreSQL (control-state.kind = postgresql), as nodes on several hosts run.</summary>
[Trait("Category", "PostgreSQL")]
[Collection(MultiNodeCollection.Name)]
public sealed class PostgreSqlClusterTests(ITestOutputHelper output)
{
    [Fact]
    public async Task ControlStateInPostgreSql_RoutesReachEveryNameServer_AndTheFollowerHoldsTheMastersLog()
    {
        if (PostgresServer.RequireBinaries(output.WriteLine) is not { } bin)
        {
            return;
        }

        await using var server = await PostgresServer.StartAsync(bin);
        await using var cluster = new ClusterFixture("InPostgres", $"""
            kind = postgresql
            connection-string = "{server.ConnectionString}"
            """);
        await ClusterScenarios.StartThreeAsync(cluster);

        await ClusterScenarios.TopicCreatedThroughOneNodeIsRoutedByEveryNameServerAsync(cluster, "EveryNodePg");
        await ClusterScenarios.FollowerHoldsTheMastersLogAndServesItAsync(cluster, "ReplicatedPg");

        // The registry's and the Controller's events are in the server's journal.
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync();
        await using var query = new NpgsqlCommand("SELECT count(DISTINCT persistence_id), count(*) FROM journal", connection);
        await using var reader = await query.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.True(reader.GetInt64(0) >= 2 && reader.GetInt64(1) >= 4, $"journal holds {reader.GetInt64(1)} events of {reader.GetInt64(0)} persistent actors");
    }
}
