using System.Text.Json;
using System.Text.Json.Serialization;

namespace Gatehouse.Budgets;

/// <summary>Source-generated JSON for the budget webhook's events (camelCase, like the API).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(BudgetAlert))]
internal sealed partial class BudgetJsonContext : JsonSerializerContext;
