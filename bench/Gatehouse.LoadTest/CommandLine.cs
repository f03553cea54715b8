namespace Gatehouse.LoadTest;

/// <summary>A command and its <c>--name value</c> options; nothing clever, so the scripts read plainly.</summary>
internal sealed class CommandLine
{
    private readonly Dictionary<string, string> _options;

    private CommandLine(string command, Dictionary<string, string> options)
    {
        Command = command;
        _options = options;
    }

    public string Command { get; }

    public static CommandLine Parse(string[] args)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 1; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                throw new CommandLineException($"Expected '--name value', got '{args[i]}'.");
            }

            options[args[i][2..]] = args[++i];
        }

        return new CommandLine(args.Length > 0 ? args[0] : "", options);
    }

    public string Text(string name) => _options.TryGetValue(name, out var value) ? value : throw new CommandLineException($"--{name} is required.");

    public string Text(string name, string fallback) => _options.GetValueOrDefault(name, fallback);

    public int Number(string name, int fallback) =>
        !_options.TryGetValue(name, out var value) ? fallback
        : int.TryParse(value, out var number) && number >= 0 ? number
        : throw new CommandLineException($"--{name} must be a whole number, got '{value}'.");

    public decimal Amount(string name, decimal fallback) =>
        !_options.TryGetValue(name, out var value) ? fallback
        : decimal.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out var amount) && amount >= 0 ? amount
        : throw new CommandLineException($"--{name} must be a number, got '{value}'.");

    public static int Usage()
    {
        Console.Error.WriteLine("""
            usage:
              setup --api URL --master KEY --keys N [--rpm N] [--tpm N] [--budget USD] (0: none) [--parallel N] --out FILE
              run   --targets URL[,URL...] --keys FILE --rate CALLS_PER_S --duration S [--warmup S] [--model NAME]
                    [--max-in-flight N] [--out FILE.json]
              check --api URL --master KEY --keys FILE --run FILE.json
            """);
        return 2;
    }
}

internal sealed class CommandLineException(string message) : Exception(message);
