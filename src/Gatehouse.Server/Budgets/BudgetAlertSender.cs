using System.Net;
using System.Net.Http.Json;
using System.Threading.Channels;
using Gatehouse.Configuration;

namespace Gatehouse.Budgets;

/// <summary>
/// Logs each threshold alert and POSTs it to <c>Gatehouse:Budgets:WebhookUrl</c> in the background,
/// one at a time in the order they fired, with a few retries. The request path only queues: a slow
/// or failing receiver never delays or fails a call. The queue is bounded; when it is full, alerts
/// are still logged but not sent.
/// </summary>
internal sealed partial class BudgetAlertSender(
    IHttpClientFactory httpClients,
    BudgetSettings settings,
    BudgetSpendWriter spendWriter,
    TimeProvider timeProvider,
    ILogger<BudgetAlertSender> logger)
    : BackgroundService
{
    public const string HttpClientName = "gatehouse-budget-webhook";

    /// <summary>Waits before the 2nd, 3rd and 4th attempts.</summary>
    internal static readonly TimeSpan[] RetryDelays = [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(25)];

    private readonly Channel<BudgetAlert> _queue = Channel.CreateBounded<BudgetAlert>(new BoundedChannelOptions(1024)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
        SingleReader = true,
    });

    public void Publish(List<BudgetAlert> alerts)
    {
        // Fired thresholds are saved right away, so a restart does not fire them again.
        spendWriter.SaveSoon();
        foreach (var alert in alerts)
        {
            LogThresholdReached(alert.BudgetId, alert.Scope, alert.Subject, alert.Period, alert.Threshold, alert.SpentUsd, alert.LimitUsd);
            if (settings.Current.WebhookUrl is not null && !_queue.Writer.TryWrite(alert))
            {
                LogQueueFull(alert.BudgetId, alert.Threshold);
            }
        }
    }

    /// <summary>Sends one alert, retrying network failures, timeouts, 408, 429 and 5xx; true when the receiver accepted it.</summary>
    public async Task<bool> DeliverAsync(BudgetAlert alert, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var options = settings.Current;
            if (options.WebhookUrl is not { } url)
            {
                return false;
            }

            string failure;
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, url)
                {
                    Content = JsonContent.Create(alert, BudgetJsonContext.Default.BudgetAlert),
                };
                foreach (var (name, value) in options.WebhookHeaders)
                {
                    if (SecretReference.Resolve(value, Environment.GetEnvironmentVariable) is { } resolved)
                    {
                        request.Headers.TryAddWithoutValidation(name, resolved);
                    }
                }

                using var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return true;
                }

                failure = $"HTTP {(int)response.StatusCode}";
                if (!IsRetryable(response.StatusCode))
                {
                    LogDeliveryFailed(alert.BudgetId, alert.Threshold, attempt, failure);
                    return false;
                }
            }
            catch (HttpRequestException ex)
            {
                failure = ex.Message;
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                failure = "timed out";
            }

            LogDeliveryFailed(alert.BudgetId, alert.Threshold, attempt, failure);
            if (attempt > RetryDelays.Length)
            {
                return false;
            }

            await Task.Delay(RetryDelays[attempt - 1], timeProvider, cancellationToken);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var alert in _queue.Reader.ReadAllAsync(stoppingToken))
            {
                await DeliverAsync(alert, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: alerts not yet sent were logged when they fired.
        }
    }

    private static bool IsRetryable(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500;

    [LoggerMessage(EventId = 1706, Level = LogLevel.Warning, Message = "Budget {BudgetId} ({Scope} '{Subject}', {Period}) reached {Threshold}% of its limit: ${SpentUsd} of ${LimitUsd} spent.")]
    private partial void LogThresholdReached(string budgetId, string scope, string subject, string period, decimal threshold, decimal spentUsd, decimal limitUsd);

    [LoggerMessage(EventId = 1704, Level = LogLevel.Warning, Message = "Budget alert for {BudgetId} at {Threshold}% could not be delivered to the webhook (attempt {Attempt}): {Failure}.")]
    private partial void LogDeliveryFailed(string budgetId, decimal threshold, int attempt, string failure);

    [LoggerMessage(EventId = 1705, Level = LogLevel.Error, Message = "Budget alert queue is full; the alert for {BudgetId} at {Threshold}% is not sent to the webhook.")]
    private partial void LogQueueFull(string budgetId, decimal threshold);
}
