using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace AkkaMq.Node.Commands.Drill;

/// <summary>
/// A private network of N hosts, each a Linux network namespace, joined through one bridge that lives in
/// its own namespace, plus one link from the calling process's namespace so clients here reach every host.
/// </summary>
/// <remarks>
/// Layout of a lab with id <c>amqlab-&lt;pid&gt;-&lt;hex&gt;</c> on subnet 10.231.X.0/24:
/// <list type="bullet">
/// <item>namespace <c>&lt;id&gt;-br</c> holds the bridge <c>br0</c>, one port <c>vh&lt;i&gt;</c> per host and the
/// port <c>vc</c> towards the caller;</item>
/// <item>namespace <c>&lt;id&gt;-h&lt;i&gt;</c> holds <c>lo</c> (up) and <c>eth0</c> = 10.231.X.(11+i)/24, the
/// peer of <c>vh&lt;i&gt;</c>;</item>
/// <item>the caller's namespace gets one veth end (<see cref="ClientInterface"/>) = 10.231.X.1/24, the peer of
/// <c>vc</c>; its connected route is all it needs, no sysctl of the caller's namespace is touched.</item>
/// </list>
/// Cutting a host sets its bridge port down, which drops every frame to and from it: other hosts and the
/// caller then see connection attempts time out.
/// </remarks>
public sealed class NetworkLab : IAsyncDisposable
{
    /// <summary>Every namespace of every lab starts with this, followed by the creating process id.</summary>
    public const string Prefix = "amqlab-";

    /// <summary>The reason <see cref="ProbeAsync"/> gives when the process lacks root rights.</summary>
    public const string NotRootReason = "not root";

    /// <summary>The most hosts one lab holds (addresses .11 to .210 of its /24).</summary>
    public const int MaxHosts = 200;

    private const string SubnetPrefix = "10.231.";
    private const int FirstHostOctet = 11;
    private static readonly HashSet<int> SubnetsInUse = [];

    private readonly string _ip;
    private readonly string _bridgeNamespace;
    private readonly string[] _hostNamespaces;
    private readonly int _subnet;
    private readonly List<string> _createdNamespaces = [];
    private readonly List<string> _cleanupFailures = [];
    private bool _clientLinkCreated;
    private int _disposed;

    private NetworkLab(string ip, string id, int hosts, int subnet)
    {
        _ip = ip;
        Id = id;
        Hosts = hosts;
        _subnet = subnet;
        _bridgeNamespace = id + "-br";
        _hostNamespaces = new string[hosts];
        for (var i = 0; i < hosts; i++)
            _hostNamespaces[i] = id + "-h" + i.ToString(CultureInfo.InvariantCulture);
        ClientInterface = "amqc" + Convert.ToHexStringLower(BitConverter.GetBytes(Random.Shared.Next()));
        ClientAddress = $"{SubnetPrefix}{subnet}.1";
    }

    /// <summary>The lab's unique name, <c>amqlab-&lt;pid&gt;-&lt;hex&gt;</c>; every namespace name starts with it.</summary>
    public string Id { get; }

    public int Hosts { get; }

    /// <summary>The address of the link end in the caller's namespace.</summary>
    public string ClientAddress { get; }

    /// <summary>The name of the link end in the caller's namespace.</summary>
    public string ClientInterface { get; }

    /// <summary>The namespace holding the bridge.</summary>
    public string BridgeNamespace => _bridgeNamespace;

    /// <summary>What <see cref="DisposeAsync"/> could not remove (empty when everything went).</summary>
    public IReadOnlyList<string> CleanupFailures => _cleanupFailures;

    /// <summary>The IPv4 address of host <paramref name="host"/> (0-based) inside its namespace.</summary>
    public string AddressOf(int host) =>
        $"{SubnetPrefix}{_subnet}.{(FirstHostOctet + CheckHost(host)).ToString(CultureInfo.InvariantCulture)}";

    public string NamespaceOf(int host) => _hostNamespaces[CheckHost(host)];

    /// <summary>
    /// Whether labs can be built here: Linux, root, <c>ip</c> present, and a namespace with a bridge and a veth
    /// pair can be made (and is removed again). The reason says what is missing.
    /// </summary>
    public static async Task<(bool Available, string Reason)> ProbeAsync(CancellationToken ct = default)
    {
        if (!OperatingSystem.IsLinux())
            return (false, "not Linux");
        if (!Environment.IsPrivilegedProcess)
            return (false, NotRootReason);
        var ip = SystemCommand.Find("ip");
        if (ip is null)
            return (false, "the `ip` command (iproute2) was not found on PATH, /usr/sbin or /sbin");
        var probe = $"{Prefix}{Environment.ProcessId}-probe{Random.Shared.Next(0x10000):x4}";
        try
        {
            await SystemCommand.RunCheckedAsync(ip, ["netns", "add", probe], ct);
            await SystemCommand.RunCheckedAsync(ip, ["-n", probe, "link", "add", "br0", "type", "bridge"], ct);
            await SystemCommand.RunCheckedAsync(ip, ["-n", probe, "link", "add", "v0", "type", "veth", "peer", "name", "v1"], ct);
            return (true, "network namespaces, bridges and veth pairs can be created");
        }
        catch (SystemCommandException e)
        {
            return (false, "cannot build a network namespace with a bridge and a veth pair: " + e.Message);
        }
        finally
        {
            await RunForCleanupAsync(ip, ["netns", "del", probe]);
        }
    }

    /// <summary>Builds a lab of <paramref name="hosts"/> hosts; on failure removes what it made and throws.</summary>
    public static async Task<NetworkLab> CreateAsync(int hosts, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(hosts, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(hosts, MaxHosts);
        var ip = SystemCommand.Find("ip")
            ?? throw new SystemCommandException("the `ip` command (iproute2) was not found on PATH, /usr/sbin or /sbin");
        var subnet = await ReserveSubnetAsync(ip, ct);
        var id = $"{Prefix}{Environment.ProcessId}-{Random.Shared.Next(0x1000000):x6}";
        var lab = new NetworkLab(ip, id, hosts, subnet);
        var built = false;
        try
        {
            await lab.BuildAsync(ct);
            built = true;
            return lab;
        }
        finally
        {
            if (!built)
                await lab.DisposeAsync();
        }
    }

    /// <summary>Cuts host <paramref name="host"/> off from every other host and from the caller.</summary>
    public Task IsolateAsync(int host, CancellationToken ct = default) => SetPortAsync(host, "down", ct);

    /// <summary>Undoes <see cref="IsolateAsync"/>.</summary>
    public Task HealAsync(int host, CancellationToken ct = default) => SetPortAsync(host, "up", ct);

    /// <summary>
    /// A copy of <paramref name="start"/> that runs the same program inside host <paramref name="host"/>
    /// (<c>ip netns exec &lt;ns&gt; &lt;file&gt; &lt;args...&gt;</c>) with the same environment, working
    /// directory, redirections and encodings. <c>ip netns exec</c> replaces itself with the program, so the
    /// started process is the program itself: its id, exit code and kill reach it directly.
    /// </summary>
    public ProcessStartInfo Wrap(int host, ProcessStartInfo start)
    {
        ArgumentNullException.ThrowIfNull(start);
        if (start.UseShellExecute)
            throw new ArgumentException("a process run inside a lab host cannot use shell execute", nameof(start));
        if (string.IsNullOrEmpty(start.FileName))
            throw new ArgumentException("the process to run has no file name", nameof(start));
        var ns = NamespaceOf(host);
        var wrapped = new ProcessStartInfo(_ip)
        {
            UseShellExecute = false,
            WorkingDirectory = start.WorkingDirectory,
            RedirectStandardInput = start.RedirectStandardInput,
            RedirectStandardOutput = start.RedirectStandardOutput,
            RedirectStandardError = start.RedirectStandardError,
            StandardInputEncoding = start.StandardInputEncoding,
            StandardOutputEncoding = start.StandardOutputEncoding,
            StandardErrorEncoding = start.StandardErrorEncoding,
            CreateNoWindow = start.CreateNoWindow,
        };
        wrapped.Environment.Clear();
        foreach (var (key, value) in start.Environment)
            wrapped.Environment[key] = value;
        if (start.ArgumentList.Count == 0 && !string.IsNullOrEmpty(start.Arguments))
        {
            // The caller gave one argument string; prefix ours, quoted by the same rules it is split by.
            wrapped.Arguments = $"netns exec {Quote(ns)} {Quote(start.FileName)} {start.Arguments}";
            return wrapped;
        }
        wrapped.ArgumentList.Add("netns");
        wrapped.ArgumentList.Add("exec");
        wrapped.ArgumentList.Add(ns);
        wrapped.ArgumentList.Add(start.FileName);
        foreach (var arg in start.ArgumentList)
            wrapped.ArgumentList.Add(arg);
        return wrapped;
    }

    /// <summary>
    /// Deletes the caller's link end and every namespace the lab made (the bridge, its ports and the hosts'
    /// links go with them), killing processes still running inside them. Never throws: what could not be
    /// removed is listed in <see cref="CleanupFailures"/>. Calling it again does nothing.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
            return;
        if (_clientLinkCreated)
            await RemoveAsync(["link", "del", ClientInterface], () => Directory.Exists("/sys/class/net/" + ClientInterface));
        foreach (var ns in _createdNamespaces.AsEnumerable().Reverse())
        {
            foreach (var failure in await RemoveNamespaceAsync(_ip, ns))
                _cleanupFailures.Add(failure);
        }
        lock (SubnetsInUse)
            SubnetsInUse.Remove(_subnet);
    }

    /// <summary>
    /// Deletes the namespaces of labs whose creating process is gone (their names carry its id), with any
    /// process still inside. Returns the names removed.
    /// </summary>
    public static async Task<IReadOnlyList<string>> RemoveLeftoversAsync(CancellationToken ct = default)
    {
        var ip = SystemCommand.Find("ip");
        if (ip is null || !OperatingSystem.IsLinux())
            return [];
        var removed = new List<string>();
        var listing = await SystemCommand.RunCheckedAsync(ip, ["netns", "list"], ct);
        foreach (var line in listing.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var name = line.Split(' ')[0];
            if (!TryCreatorOf(name, out var pid) || pid == Environment.ProcessId || Directory.Exists("/proc/" + pid))
                continue;
            var failures = await RemoveNamespaceAsync(ip, name);
            if (failures.Count > 0)
                throw new SystemCommandException(string.Join("; ", failures));
            removed.Add(name);
        }
        return removed;
    }

    /// <summary>Reads the creator's process id out of a lab namespace name (<c>amqlab-&lt;pid&gt;-...</c>).</summary>
    internal static bool TryCreatorOf(string name, out int pid)
    {
        pid = 0;
        if (!name.StartsWith(Prefix, StringComparison.Ordinal))
            return false;
        var rest = name.AsSpan(Prefix.Length);
        var dash = rest.IndexOf('-');
        return dash > 0 && int.TryParse(rest[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out pid);
    }

    private async Task BuildAsync(CancellationToken ct)
    {
        await AddNamespaceAsync(_bridgeNamespace, ct);
        await IpAsync(ct, "-n", _bridgeNamespace, "link", "add", "br0", "type", "bridge");
        await IpAsync(ct, "-n", _bridgeNamespace, "link", "set", "br0", "up");
        for (var i = 0; i < Hosts; i++)
        {
            var ns = _hostNamespaces[i];
            var port = "vh" + i.ToString(CultureInfo.InvariantCulture);
            await AddNamespaceAsync(ns, ct);
            await IpAsync(ct, "-n", ns, "link", "set", "lo", "up");
            await IpAsync(ct, "-n", _bridgeNamespace, "link", "add", port, "type", "veth", "peer", "name", "eth0", "netns", ns);
            await IpAsync(ct, "-n", _bridgeNamespace, "link", "set", port, "master", "br0", "up");
            await IpAsync(ct, "-n", ns, "addr", "add", AddressOf(i) + "/24", "dev", "eth0");
            await IpAsync(ct, "-n", ns, "link", "set", "eth0", "up");
        }
        // The caller's end is made here and its peer sent into the bridge namespace, so the only change to
        // the caller's namespace is this one interface and its connected route.
        await IpAsync(ct, "link", "add", ClientInterface, "type", "veth", "peer", "name", "vc", "netns", _bridgeNamespace);
        _clientLinkCreated = true;
        await IpAsync(ct, "-n", _bridgeNamespace, "link", "set", "vc", "master", "br0", "up");
        await IpAsync(ct, "addr", "add", ClientAddress + "/24", "dev", ClientInterface);
        await IpAsync(ct, "link", "set", ClientInterface, "up");
    }

    private async Task AddNamespaceAsync(string ns, CancellationToken ct)
    {
        await IpAsync(ct, "netns", "add", ns);
        _createdNamespaces.Add(ns);
    }

    private Task SetPortAsync(int host, string state, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
        var port = "vh" + CheckHost(host).ToString(CultureInfo.InvariantCulture);
        return IpAsync(ct, "-n", _bridgeNamespace, "link", "set", port, state);
    }

    private Task<string> IpAsync(CancellationToken ct, params string[] args) => SystemCommand.RunCheckedAsync(_ip, args, ct);

    private int CheckHost(int host)
    {
        if ((uint)host >= (uint)Hosts)
            throw new ArgumentOutOfRangeException(nameof(host), host, $"the lab has hosts 0 to {Hosts - 1}");
        return host;
    }

    /// <summary>
    /// Picks X of 10.231.X.0/24 at random, skipping any X a route or address of the caller's namespace already
    /// uses (other labs included, through their client links) or a lab of this process holds.
    /// </summary>
    private static async Task<int> ReserveSubnetAsync(string ip, CancellationToken ct)
    {
        var routes = await SystemCommand.RunCheckedAsync(ip, ["-4", "route", "show", "table", "all"], ct);
        var addresses = await SystemCommand.RunCheckedAsync(ip, ["-4", "-o", "addr", "show"], ct);
        for (var attempt = 0; attempt < 64; attempt++)
        {
            var x = Random.Shared.Next(1, 255);
            var needle = $"{SubnetPrefix}{x}.";
            if (routes.Contains(needle, StringComparison.Ordinal) || addresses.Contains(needle, StringComparison.Ordinal))
                continue;
            lock (SubnetsInUse)
            {
                if (SubnetsInUse.Add(x))
                    return x;
            }
        }
        throw new SystemCommandException("no free 10.231.X.0/24 subnet found after 64 attempts");
    }

    private async Task RemoveAsync(string[] args, Func<bool> stillThere)
    {
        var outcome = await RunForCleanupAsync(_ip, args);
        if (outcome.ExitCode != 0 && stillThere())
            _cleanupFailures.Add(SystemCommand.Failed(_ip, args, outcome).Message);
    }

    /// <summary>Kills what still runs inside <paramref name="ns"/>, then deletes it; returns what failed.</summary>
    private static async Task<List<string>> RemoveNamespaceAsync(string ip, string ns)
    {
        var failures = new List<string>();
        var pids = await RunForCleanupAsync(ip, ["netns", "pids", ns]);
        if (pids.ExitCode == 0)
        {
            foreach (var line in pids.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (int.TryParse(line, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && !TryKill(pid, out var why))
                    failures.Add($"could not kill process {pid} inside {ns}: {why}");
            }
        }
        string[] delete = ["netns", "del", ns];
        var outcome = await RunForCleanupAsync(ip, delete);
        if (outcome.ExitCode != 0 && NamespaceExists(ns))
            failures.Add(SystemCommand.Failed(ip, delete, outcome).Message);
        return failures;
    }

    private static async Task<CommandOutcome> RunForCleanupAsync(string ip, string[] args)
    {
        try
        {
            return await SystemCommand.RunAsync(ip, args, CancellationToken.None);
        }
        catch (Exception e) when (e is SystemCommandException or System.ComponentModel.Win32Exception)
        {
            return new CommandOutcome(-1, "", e.Message);
        }
    }

    private static bool TryKill(int pid, out string why)
    {
        why = "";
        try
        {
            using var process = Process.GetProcessById(pid);
            process.Kill(entireProcessTree: true);
            return true;
        }
        catch (ArgumentException)
        {
            return true; // it exited between the listing and the kill
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            why = e.Message;
            return false;
        }
    }

    private static bool NamespaceExists(string ns) =>
        File.Exists("/run/netns/" + ns) || File.Exists("/var/run/netns/" + ns);

    /// <summary>Quotes one argument so the platform's argument-string splitting gives it back unchanged.</summary>
    private static string Quote(string arg)
    {
        if (arg.Length > 0 && arg.AsSpan().IndexOfAny(" \t\n\"\\'") < 0)
            return arg;
        var quoted = new StringBuilder("\"");
        var backslashes = 0;
        foreach (var c in arg)
        {
            if (c == '\\')
            {
                backslashes++;
                continue;
            }
            quoted.Append('\\', c == '"' ? backslashes * 2 + 1 : backslashes).Append(c);
            backslashes = 0;
        }
        return quoted.Append('\\', backslashes * 2).Append('"').ToString();
    }
}
