using System.Text;

namespace ExecutorGen.Generators;

/// <summary>Writes source text line by line at the current brace depth (four spaces per level).</summary>
internal sealed class IndentedWriter
{
    private readonly StringBuilder _builder = new();
    private int _depth;

    public void WriteLine(string line)
    {
        _builder.Append(' ', _depth * 4).Append(line).Append('\n');
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

    public override string ToString() => _builder.ToString();
}
