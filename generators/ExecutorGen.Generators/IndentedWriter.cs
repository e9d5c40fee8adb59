using System.Collections.Generic;
using System.Text;

namespace ExecutorGen.Generators;

/// <summary>
/// Writes source text line by line at the current brace depth (four spaces per level), wrapping documentation
/// comments and long parameter or argument lists at <see cref="Width"/> columns, as a person would.
/// </summary>
internal sealed class IndentedWriter
{
    /// <summary>The column generated lines wrap at (a name longer than that still makes a longer line).</summary>
    public const int Width = 120;

    private const string DocPrefix = "/// ";

    private readonly StringBuilder _builder = new();
    private int _depth;

    private int Indentation => _depth * 4;

    public void WriteLine(string line)
    {
        _builder.Append(' ', Indentation).Append(line).Append('\n');
    }

    public void WriteLine() => _builder.Append('\n');

    public void OpenBrace(string header)
    {
        WriteLine(header);
        WriteLine("{");
        _depth++;
    }

    /// <summary>Closes a block; <paramref name="suffix"/> follows the brace (e.g. <c>;</c>).</summary>
    public void CloseBrace(string suffix = "")
    {
        _depth--;
        WriteLine("}" + suffix);
    }

    public void Indent() => _depth++;

    public void Unindent() => _depth--;

    /// <summary>
    /// Writes one documentation element (<c>&lt;summary&gt;…&lt;/summary&gt;</c>, <c>&lt;param …&gt;…&lt;/param&gt;</c>)
    /// as <c>///</c> lines, wrapped between words and never inside a tag; a long summary gets its tags on lines of
    /// their own.
    /// </summary>
    public void WriteDoc(string element)
    {
        if (Fits(DocPrefix + element))
        {
            WriteLine(DocPrefix + element);
            return;
        }
        const string open = "<summary>", close = "</summary>";
        if (element.StartsWith(open, System.StringComparison.Ordinal) && element.EndsWith(close, System.StringComparison.Ordinal))
        {
            WriteLine(DocPrefix + open);
            WriteWords(element.Substring(open.Length, element.Length - open.Length - close.Length));
            WriteLine(DocPrefix + close);
            return;
        }
        WriteWords(element);
    }

    /// <summary>
    /// Writes <c>{head}({items}){tail}</c>: on one line where it fits, else with the items on the next line (or one
    /// per line), indented a level. For declarations, calls and expression-bodied members alike.
    /// </summary>
    public void WriteList(string head, IReadOnlyList<string> items, string tail)
    {
        string joined = string.Join(", ", items);
        if (items.Count == 0 || Fits(head + "(" + joined + ")" + tail))
        {
            WriteLine(head + "(" + joined + ")" + tail);
            return;
        }
        WriteLine(head + "(");
        _depth++;
        if (Fits(joined + ")" + tail))
        {
            WriteLine(joined + ")" + tail);
        }
        else
        {
            for (int i = 0; i < items.Count - 1; i++)
                WriteLine(items[i] + ",");
            WriteLine(items[items.Count - 1] + ")" + tail);
        }
        _depth--;
    }

    /// <summary>
    /// Writes an expression-bodied member <c>{head}({parameters}) => {body};</c>, moving the body to a line of its own
    /// (indented a level) when the whole does not fit.
    /// </summary>
    public void WriteExpressionMember(string head, IReadOnlyList<string> parameters, string body) =>
        WriteExpressionMember(head, parameters, body, null);

    /// <summary>
    /// Writes <c>{head}({parameters}) => {call}({arguments});</c> like <see cref="WriteExpressionMember(string, IReadOnlyList{string}, string)"/>,
    /// wrapping the call's arguments too where its line is still too long.
    /// </summary>
    public void WriteExpressionMember(string head, IReadOnlyList<string> parameters, string call, IReadOnlyList<string>? arguments)
    {
        string joined = string.Join(", ", parameters);
        string body = arguments is null ? call : call + "(" + string.Join(", ", arguments) + ")";
        if (Fits(head + "(" + joined + ") => " + body + ";"))
        {
            WriteLine(head + "(" + joined + ") => " + body + ";");
            return;
        }
        WriteList(head, parameters, "");
        _depth++;
        if (arguments is null)
            WriteLine("=> " + body + ";");
        else
            WriteList("=> " + call, arguments, ";");
        _depth--;
    }

    public override string ToString() => _builder.ToString();

    private bool Fits(string line) => Indentation + line.Length <= Width;

    /// <summary>Writes text as <c>///</c> lines filled up to the width; a word is whatever lies between spaces outside tags.</summary>
    private void WriteWords(string text)
    {
        var line = new StringBuilder(DocPrefix);
        foreach (var word in Words(text))
        {
            if (line.Length > DocPrefix.Length && !Fits(line + " " + word))
            {
                WriteLine(line.ToString());
                line.Clear().Append(DocPrefix);
            }
            if (line.Length > DocPrefix.Length)
                line.Append(' ');
            line.Append(word);
        }
        if (line.Length > DocPrefix.Length)
            WriteLine(line.ToString());
    }

    private static IEnumerable<string> Words(string text)
    {
        int start = 0, tagDepth = 0;
        for (int i = 0; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '<':
                    tagDepth++;
                    break;
                case '>' when tagDepth > 0:
                    tagDepth--;
                    break;
                case ' ' when tagDepth == 0:
                    if (i > start)
                        yield return text.Substring(start, i - start);
                    start = i + 1;
                    break;
            }
        }
        if (start < text.Length)
            yield return text.Substring(start);
    }
}
