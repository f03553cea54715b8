using BenchmarkDotNet.Running;
using Gatehouse.Benchmarks.Analytics;
using Gatehouse.Benchmarks.Tools;

namespace Gatehouse.Benchmarks;

internal static class Program
{
    public static int Main(string[] args)
    {
        // "tool-selection": the selector's quality over the data set (a report, not a BenchmarkDotNet run).
        if (args is ["tool-selection", ..])
        {
            return ToolSelectionCommand.Run(args[1..]);
        }

        // "analytics": the analytics report's query time over millions of generated request records.
        if (args is ["analytics", ..])
        {
            return AnalyticsCommand.RunAsync(args[1..]).GetAwaiter().GetResult();
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
