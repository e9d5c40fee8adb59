using System.Globalization;
using System.Security;
using System.Text;

namespace ExecutorGen.Benchmarks.Chart;

/// <summary>A minimal SVG writer: rectangles, lines and text, numbers in invariant culture.</summary>
public sealed class Svg(double width, double height)
{
    private readonly StringBuilder _body = new();

    /// <summary>A filled rectangle with a tooltip.</summary>
    public void Rect(double x, double y, double w, double h, string fill, string title) =>
        _body.Append(CultureInfo.InvariantCulture, $"""<rect x="{x:0.#}" y="{y:0.#}" width="{w:0.#}" height="{h:0.#}" fill="{fill}"><title>{SecurityElement.Escape(title)}</title></rect>""").Append('\n');

    /// <summary>A line.</summary>
    public void Line(double x1, double y1, double x2, double y2, string stroke, double strokeWidth = 1) =>
        _body.Append(CultureInfo.InvariantCulture, $"""<line x1="{x1:0.#}" y1="{y1:0.#}" x2="{x2:0.#}" y2="{y2:0.#}" stroke="{stroke}" stroke-width="{strokeWidth:0.#}"/>""").Append('\n');

    /// <summary>Text; <paramref name="anchor"/> is start, middle or end; <paramref name="rotate"/> in degrees about the anchor point.</summary>
    public void Text(double x, double y, string text, double size = 12, string anchor = "start", string weight = "normal", double rotate = 0)
    {
        string transform = rotate == 0 ? "" : string.Create(CultureInfo.InvariantCulture, $""" transform="rotate({rotate:0.#} {x:0.#} {y:0.#})" """);
        _body.Append(CultureInfo.InvariantCulture, $"""<text x="{x:0.#}" y="{y:0.#}" font-size="{size:0.#}" text-anchor="{anchor}" font-weight="{weight}"{transform}>{SecurityElement.Escape(text)}</text>""").Append('\n');
    }

    /// <summary>The document.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"""<svg xmlns="http://www.w3.org/2000/svg" width="{width:0}" height="{height:0}" viewBox="0 0 {width:0} {height:0}" font-family="sans-serif">""")
        + "\n" + string.Create(CultureInfo.InvariantCulture, $"""<rect width="{width:0}" height="{height:0}" fill="white"/>""") + "\n"
        + _body + "</svg>\n";
}
