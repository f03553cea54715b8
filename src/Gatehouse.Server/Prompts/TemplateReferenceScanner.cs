namespace Gatehouse.Prompts;

/// <summary>
/// Finds what a template refers to that its version does not declare — a misspelt
/// <c>{{custmer}}</c>, a helper Gatehouse does not have, a partial — so the version is refused
/// when it is saved instead of rendering an empty string later. Handlebars.Net has no public syntax
/// tree, so this reads the mustaches itself; it runs only on templates that compiled.
/// </summary>
/// <remarks>
/// Inside <c>{{#each}}</c>, <c>{{#with}}</c> and sections (<c>{{#items}}</c>) names refer to the
/// current item, which cannot be checked from declarations, so only names outside them are
/// checked (and the value each block opens on). <c>@data</c>, <c>this</c>, <c>../</c> and literals are never variables.
/// </remarks>
internal static class TemplateReferenceScanner
{
    private static readonly HashSet<string> s_literals = new(StringComparer.Ordinal) { "true", "false", "null", "undefined", "this", "else" };

    /// <summary>One message per problem, in the order they appear; empty when everything is declared.</summary>
    public static IReadOnlyList<string> Problems(string template, IReadOnlySet<string> declared)
    {
        var problems = new List<string>();
        var undeclared = new List<string>();
        var blocks = new Stack<bool>(); // true = the block changes the context (names inside are relative)
        var position = 0;
        while (position < template.Length)
        {
            var open = template.IndexOf("{{", position, StringComparison.Ordinal);
            if (open < 0)
            {
                break;
            }

            var escaped = open > 0 && template[open - 1] == '\\';
            var (inner, next) = ReadMustache(template, open);
            if (inner is null)
            {
                break;
            }

            position = next;
            if (escaped || inner.Length == 0 || inner[0] == '!')
            {
                continue;
            }

            var checkable = !blocks.Contains(true);
            switch (inner[0])
            {
                case '>':
                    problems.Add($"'{{{{{inner}}}}}' uses a partial; prompts have no partials.");
                    break;
                case '#' when inner.Length > 1 && inner[1] is '>' or '*':
                    problems.Add($"'{{{{{inner}}}}}' uses a partial block or decorator; prompts have neither.");
                    break;
                case '#':
                {
                    var tokens = Tokenize(inner[1..]);
                    var helper = tokens.Count > 0 ? tokens[0] : "";
                    if (TemplateEngine.BuiltInHelpers.Contains(helper))
                    {
                        CheckArguments(tokens, 1, checkable, declared, undeclared, problems);
                        blocks.Push(helper is "each" or "with");
                    }
                    else
                    {
                        // {{#items}}…{{/items}}: a section over a variable, which changes the context like #each.
                        CheckArguments(tokens, 0, checkable, declared, undeclared, problems);
                        blocks.Push(true);
                    }

                    break;
                }

                case '^' when inner.Length > 1:
                    CheckArguments(Tokenize(inner[1..]), 0, checkable, declared, undeclared, problems);
                    blocks.Push(false);
                    break;
                case '/':
                    if (blocks.Count > 0)
                    {
                        blocks.Pop();
                    }

                    break;
                default:
                {
                    var tokens = Tokenize(inner);
                    if (tokens.Count == 0 || tokens[0] is "else" or "^")
                    {
                        // {{else}} / {{else if x}}: the value of the chained helper is checked like a block's.
                        CheckArguments(tokens, 2, checkable, declared, undeclared, problems);
                    }
                    else if (tokens.Count > 1)
                    {
                        if (!TemplateEngine.BuiltInHelpers.Contains(tokens[0]))
                        {
                            problems.Add($"'{{{{{inner}}}}}' calls '{tokens[0]}', which is not a helper (there are: {string.Join(", ", TemplateEngine.BuiltInHelpers)}).");
                        }

                        CheckArguments(tokens, 1, checkable, declared, undeclared, problems);
                    }
                    else
                    {
                        CheckArguments(tokens, 0, checkable, declared, undeclared, problems);
                    }

                    break;
                }
            }
        }

        foreach (var name in undeclared)
        {
            problems.Add(declared.Count == 0
                ? $"The template refers to '{name}', but the version declares no variables."
                : $"The template refers to '{name}', which is not a declared variable (declared: {string.Join(", ", declared.Order(StringComparer.Ordinal))}).");
        }

        return problems;
    }

    /// <summary>The text between the braces (whitespace-control <c>~</c> removed) and where scanning goes on; null inner when the mustache never closes.</summary>
    private static (string? Inner, int Next) ReadMustache(string template, int open)
    {
        if (template.AsSpan(open).StartsWith("{{!--"))
        {
            var commentEnd = template.IndexOf("--}}", open + 5, StringComparison.Ordinal);
            return commentEnd < 0 ? (null, template.Length) : ("!", commentEnd + 4);
        }

        var triple = open + 2 < template.Length && template[open + 2] == '{';
        var close = triple ? "}}}" : "}}";
        var start = open + (triple ? 3 : 2);
        var end = template.IndexOf(close, start, StringComparison.Ordinal);
        if (end < 0)
        {
            return (null, template.Length);
        }

        var inner = template[start..end].Trim().Trim('~').Trim();
        if (inner.StartsWith('&'))
        {
            inner = inner[1..].Trim();
        }

        return (inner, end + close.Length);
    }

    private static void CheckArguments(List<string> tokens, int from, bool checkable, IReadOnlySet<string> declared, List<string> undeclared, List<string> problems)
    {
        for (var i = from; i < tokens.Count; i++)
        {
            var token = tokens[i];
            if (token == "as")
            {
                break; // block parameters: {{#each items as |item index|}}
            }

            var equals = token.IndexOf('=', StringComparison.Ordinal);
            if (equals >= 0)
            {
                token = token[(equals + 1)..];
            }

            if (token.StartsWith('('))
            {
                // A subexpression: (lookup a b). Its helper must exist; its arguments are checked as ours.
                var helper = token[1..];
                if (!TemplateEngine.BuiltInHelpers.Contains(helper))
                {
                    problems.Add($"The subexpression '({helper} …)' calls '{helper}', which is not a helper.");
                }

                continue;
            }

            if (!checkable || Head(token) is not { } head || declared.Contains(head) || undeclared.Contains(head))
            {
                continue;
            }

            undeclared.Add(head);
        }
    }

    /// <summary>The variable a path starts with (<c>customer</c> of <c>customer.name</c>); null for literals, <c>@data</c>, <c>this</c> and <c>../</c>.</summary>
    private static string? Head(string token)
    {
        token = token.TrimEnd(')');
        if (token.Length == 0 || token[0] is '@' or '"' or '\'' or '.' or '-' || char.IsAsciiDigit(token[0]))
        {
            return null;
        }

        var end = token.IndexOfAny(['.', '/']);
        var head = (end < 0 ? token : token[..end]).Trim('[', ']');
        return head.Length == 0 || s_literals.Contains(head) ? null : head;
    }

    /// <summary>Splits on whitespace, keeping quoted strings whole and opening parentheses on the token they open.</summary>
    private static List<string> Tokenize(string expression)
    {
        var tokens = new List<string>();
        var i = 0;
        while (i < expression.Length)
        {
            if (char.IsWhiteSpace(expression[i]) || expression[i] == ')')
            {
                i++;
                continue;
            }

            var start = i;
            if (expression[i] is '"' or '\'')
            {
                var quote = expression[i];
                i = expression.IndexOf(quote, i + 1);
                i = i < 0 ? expression.Length : i + 1;
            }
            else if (expression[i] == '[')
            {
                var close = expression.IndexOf(']', i);
                i = close < 0 ? expression.Length : close + 1;
                while (i < expression.Length && !char.IsWhiteSpace(expression[i]) && expression[i] != ')')
                {
                    i++;
                }
            }
            else
            {
                i++;
                while (i < expression.Length && !char.IsWhiteSpace(expression[i]) && expression[i] is not ')' and not '(')
                {
                    i++;
                }
            }

            tokens.Add(expression[start..i]);
        }

        return tokens;
    }
}
