using Gatehouse.Configuration;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Gatehouse.Redis;

/// <summary>
/// The process's one <see cref="ConnectionMultiplexer"/> (StackExchange.Redis wants one per process:
/// it multiplexes every caller over one socket and reconnects by itself). Connects at start with
/// <c>AbortOnConnectFail = false</c>, so a Redis that is down then does not stop the replica unless
/// <c>Gatehouse:Redis:RequiredAtStart</c> says so; until it connects, callers see
/// <see cref="IsConnected"/> false and apply their failure policy.
/// </summary>
internal sealed partial class RedisConnection : IHostedService, IAsyncDisposable
{
    private readonly ConfigurationOptions _configuration;
    private readonly ILogger<RedisConnection> _logger;
    private readonly bool _requiredAtStart;
    private readonly string _endpointText; // for logs and errors: the password is left out.
    private ConnectionMultiplexer? _multiplexer;
    private int _up = -1; // -1 unknown, 0 down, 1 up: so a transition is logged once.

    public RedisConnection(RedisEndpoint endpoint, IOptions<GatehouseOptions> options, ILogger<RedisConnection> logger)
        : this(endpoint, options.Value.Redis, logger)
    {
    }

    public RedisConnection(RedisEndpoint endpoint, RedisOptions redis, ILogger<RedisConnection> logger)
    {
        _configuration = endpoint.Configuration.Clone();
        _configuration.AbortOnConnectFail = false;
        _configuration.ConnectTimeout = redis.ConnectTimeoutMilliseconds;
        _configuration.ClientName ??= "gatehouse";

        // While disconnected, fail a command at once instead of queueing it: the caller then applies
        // its failure policy, rather than every call waiting out the timeout.
        _configuration.BacklogPolicy = BacklogPolicy.FailFast;
        _requiredAtStart = redis.RequiredAtStart;
        _logger = logger;
        _endpointText = _configuration.ToString(includePassword: false);
        KeyPrefix = redis.KeyPrefix;
    }

    /// <summary>Prefix of every key (<c>Gatehouse:Redis:KeyPrefix</c>).</summary>
    public string KeyPrefix { get; }

    /// <summary>True while a command can be sent now; false before the first connection and while Redis is unreachable.</summary>
    public bool IsConnected => _multiplexer?.IsConnected == true;

    /// <summary>The multiplexer; <c>null</c> before <see cref="StartAsync"/>.</summary>
    public IConnectionMultiplexer? Multiplexer => _multiplexer;

    /// <summary>Raised when the connection comes up (true) or goes down (false), once per transition.</summary>
    public event Action<bool>? ConnectionChanged;

    /// <summary>The database, or <c>null</c> while not connected (callers then apply their failure policy).</summary>
    public IDatabase? Database => IsConnected ? _multiplexer!.GetDatabase() : null;

    /// <summary>The full key for <paramref name="suffix"/>: <c>{KeyPrefix}{suffix}</c>.</summary>
    public RedisKey Key(string suffix) => KeyPrefix + suffix;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_multiplexer is not null)
        {
            return;
        }

        _multiplexer = await ConnectionMultiplexer.ConnectAsync(_configuration).WaitAsync(cancellationToken).ConfigureAwait(false);
        _multiplexer.ConnectionFailed += (_, e) => Transition(false, e.FailureType.ToString());
        _multiplexer.ConnectionRestored += (_, _) => Transition(_multiplexer.IsConnected, "restored");
        if (!_multiplexer.IsConnected && _requiredAtStart)
        {
            throw new GatehouseConfigurationException(
                $"Redis ({_endpointText}) is unreachable and Gatehouse:Redis:RequiredAtStart is true.");
        }

        Transition(_multiplexer.IsConnected, "start");
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_multiplexer is { } multiplexer)
        {
            await multiplexer.DisposeAsync().ConfigureAwait(false);
        }
    }

    private void Transition(bool up, string reason)
    {
        var now = up ? 1 : 0;
        if (Interlocked.Exchange(ref _up, now) == now)
        {
            return;
        }

        if (up)
        {
            LogUp(_logger, _endpointText);
        }
        else
        {
            LogDown(_logger, _endpointText, reason);
        }

        ConnectionChanged?.Invoke(up);
    }

    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Redis {Endpoint} is reachable: limits and budgets are shared across replicas.")]
    private static partial void LogUp(ILogger logger, string endpoint);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Warning, Message = "Redis {Endpoint} is unreachable ({Reason}): limits and budgets follow Gatehouse:Redis:*WhenUnreachable until it returns.")]
    private static partial void LogDown(ILogger logger, string endpoint, string reason);
}
