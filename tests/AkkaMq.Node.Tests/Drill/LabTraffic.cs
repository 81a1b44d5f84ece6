using System.Diagnostics;
using System.Net.Sockets;
using AkkaMq.Node.Commands.Drill;

namespace AkkaMq.Node.Tests.Drill;

/// <summary>
/// TCP traffic inside a <see cref="NetworkLab"/>. Code in this process cannot safely enter another network
/// namespace (setns applies to one thread, and the runtime moves work between threads), so listening and
/// connecting inside a host is done by a child process started through <see cref="NetworkLab.Wrap"/>:
/// <list type="bullet">
/// <item>the listener is a few lines of Perl using IO::Socket::INET, which ships in Debian's perl-base, an
/// essential package present on every Debian-based image including the .NET SDK ones; it starts in
/// milliseconds, unlike a second .NET program, and netcat, socat and python are not certain to be there;</item>
/// <item>connecting uses bash's /dev/tcp under coreutils' <c>timeout 1</c>, which bounds each attempt;</item>
/// <item>from the caller's namespace this process connects itself with a one-second limit.</item>
/// </list>
/// The listener greets each connection with the text of its LAB_GREETING environment variable and closes
/// it; a connection counts only when that greeting arrives, so the test knows which host answered.
/// </summary>
internal static class LabTraffic
{
    public const int Port = 7070;

    private static readonly TimeSpan AttemptLimit = TimeSpan.FromSeconds(1);

    private const string ListenerScript = """
        use strict;
        use IO::Socket::INET;
        my $server = IO::Socket::INET->new(LocalAddr => '0.0.0.0', LocalPort => $ARGV[0], Listen => 16, ReuseAddr => 1)
            or die "cannot listen on port $ARGV[0]: $!\n";
        $| = 1;
        print "listening\n";
        while (1) {
            my $client = $server->accept or next;
            print $client "$ENV{LAB_GREETING}\n";
            close $client;
        }
        """;

    // $0 and $1 are the address and port; the greeting line is printed without its newline.
    private const string ConnectScript = "exec 3<>/dev/tcp/$0/$1 && IFS= read -r line <&3 && printf '%s' \"$line\"";

    /// <summary>What the tests need on PATH, or null when all of it is there.</summary>
    public static string? MissingTool()
    {
        foreach (var tool in new[] { "perl", "bash", "timeout" })
        {
            if (SystemCommand.Find(tool) is null)
                return $"`{tool}` was not found, so no traffic can be made inside the lab";
        }
        return null;
    }

    public static string GreetingOf(int host) => $"hello from host {host}";

    /// <summary>Starts the listener inside <paramref name="host"/> and waits until it is listening.</summary>
    public static async Task<Process> StartListenerAsync(NetworkLab lab, int host)
    {
        var start = new ProcessStartInfo(SystemCommand.Find("perl")!)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            ArgumentList = { "-e", ListenerScript, Port.ToString() },
        };
        start.Environment["LAB_GREETING"] = GreetingOf(host);
        var process = Process.Start(lab.Wrap(host, start)) ?? throw new InvalidOperationException("listener did not start");
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var line = await process.StandardOutput.ReadLineAsync(deadline.Token);
        if (line != "listening")
        {
            var error = await process.StandardError.ReadToEndAsync(deadline.Token);
            process.Kill();
            throw new InvalidOperationException($"listener in host {host} did not start: {line} {error}");
        }
        return process;
    }

    /// <summary>Connects from inside host <paramref name="from"/>; returns the greeting, or why there was none.</summary>
    public static async Task<(bool Reached, string Detail)> ConnectFromHostAsync(NetworkLab lab, int from, string address)
    {
        var start = new ProcessStartInfo(SystemCommand.Find("timeout")!)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            ArgumentList = { AttemptLimit.TotalSeconds.ToString("0"), "bash", "-c", ConnectScript, address, Port.ToString() },
        };
        using var process = Process.Start(lab.Wrap(from, start)) ?? throw new InvalidOperationException("bash did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await process.WaitForExitAsync(guard.Token);
        var greeting = await output;
        return process.ExitCode == 0
            ? (true, greeting)
            : (false, $"exit {process.ExitCode}{(process.ExitCode == 124 ? " (timed out)" : "")}: {(await error).Trim()}");
    }

    /// <summary>Connects from this process's namespace; returns the greeting, or why there was none.</summary>
    public static async Task<(bool Reached, string Detail)> ConnectFromCallerAsync(string address)
    {
        using var limit = new CancellationTokenSource(AttemptLimit);
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(address, Port, limit.Token);
            using var reader = new StreamReader(client.GetStream());
            var line = await reader.ReadLineAsync(limit.Token);
            return (true, line ?? "");
        }
        catch (OperationCanceledException)
        {
            return (false, "timed out");
        }
        catch (SocketException e)
        {
            return (false, e.SocketErrorCode + ": " + e.Message);
        }
    }

    /// <summary>Runs <c>ip args</c> in this namespace and returns its output.</summary>
    public static Task<string> IpAsync(params string[] args) =>
        SystemCommand.RunCheckedAsync(SystemCommand.Find("ip")!, args);
}
