using Microsoft.Extensions.Hosting;

namespace Gatehouse.Storage;

/// <summary>Runs the migrations when the host starts, before the server accepts requests.</summary>
internal sealed class DatabaseMigrationHostedService(IDatabaseMigrator migrator) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => migrator.MigrateAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
