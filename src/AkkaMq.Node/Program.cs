namespace AkkaMq.Node;

internal static class Program
{
    public static Task<int> Main(string[] args) => Cli.InvokeAsync(args, Console.Out, Console.Error);
}
