using Gatehouse.Analytics;
using Gatehouse.Budgets;
using Gatehouse.Caching;
using Gatehouse.Degradation;
using Gatehouse.Executions;
using Gatehouse.Gateway;
using Gatehouse.Health;
using Gatehouse.Keys;
using Gatehouse.ModelCatalog;
using Gatehouse.Prompts;
using Gatehouse.Records;
using Gatehouse.Status;

namespace Gatehouse.Hosting;

/// <summary>Builds and starts a Gatehouse server; used by <c>Program</c> and by tests (which pass <c>--urls http://127.0.0.1:0</c>).</summary>
internal static class GatehouseApp
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Services.AddSingleton(builder.Configuration.AddGatehouseSources());
        builder.Services.AddGatehouse(builder.Configuration).UseConfiguredBackEnds();
        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages(static context => ErrorResponses.WriteStatusAsync(context.HttpContext));

        // After routing (which WebApplication runs first), before any endpoint binds its parameters:
        // the key first (an unauthenticated body is never read), then what the request may be.
        app.UseCallerAccess();
        app.UseApiRequestBinding();
        app.UseMiddleware<RequestLimits>();
        app.MapGatewayEndpoints();
        app.MapMessagesEndpoints();
        app.MapKeyEndpoints();
        app.MapRecordEndpoints();
        app.MapBudgetEndpoints();
        app.MapPromptEndpoints();
        app.MapExecutionEndpoints();
        app.MapAnalyticsEndpoints();
        app.MapStatusEndpoints();
        app.MapModelCatalogEndpoints();
        app.MapCacheEndpoints();
        app.MapDegradationEndpoints();
        app.MapHealthEndpoints();
        app.MapGet("/", static () => TypedResults.Text("Gatehouse is running. OpenAI-compatible API under /v1, management under /api.\n"))
            .ExcludeFromDescription();
        return app;
    }

    /// <summary>Validates configuration, migrates the database and loads keys, then starts listening.</summary>
    public static async Task StartAsync(WebApplication app, TextWriter console, CancellationToken cancellationToken = default)
    {
        app.Services.GetRequiredService<DataDirectory>().EnsureWritable();
        await app.Services.GetRequiredService<GatehouseInitializer>().InitializeAsync(console, cancellationToken);
        await app.StartAsync(cancellationToken);
    }
}
