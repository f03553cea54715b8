using Gatehouse.Configuration;
using Gatehouse.Routing;

namespace Gatehouse.Budgets;

/// <summary>
/// The current <c>Gatehouse:Budgets</c> section. Follows the route table's reloads, which happen
/// only once the whole configuration is valid, so a broken edit keeps the previous settings.
/// </summary>
internal sealed class BudgetSettings
{
    private volatile BudgetOptions _current;

    public BudgetSettings(IConfiguration configuration, RouteTableProvider routes)
    {
        // The route table provider validated this configuration when it was built.
        _current = GatehouseOptionsBinder.Bind(configuration).Budgets;
        routes.Reloaded += _ => _current = GatehouseOptionsBinder.Bind(configuration).Budgets;
    }

    public BudgetOptions Current => _current;
}
