using Gatehouse.LoadTest;

// An open-model load generator for Gatehouse (see bench/README.md): `setup` creates virtual keys with
// limits and budgets through the management API, `run` sends chat calls at a fixed arrival rate over
// one or more replicas, `check` compares budgets and per-key successes with their caps afterwards.
// wrk and h2load keep a fixed number of connections busy (a closed model) and send one header set;
// this needs a fixed rate whatever the latency, and a different key on every call.
var arguments = CommandLine.Parse(args);
try
{
    return arguments.Command switch
    {
        "setup" => await KeySetup.RunAsync(arguments),
        "run" => await OpenModelRun.RunAsync(arguments),
        "check" => await LimitCheck.RunAsync(arguments),
        _ => CommandLine.Usage(),
    };
}
catch (CommandLineException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 2;
}
