using System.Collections.Generic;
using System.Linq;
using ExecutorGen.Generators.Model;

namespace ExecutorGen.Generators;

public sealed partial class ExecutorGenerator
{
    /// <summary>
    /// The fields of an executor's envelope and which argument each holds. A request carries one handler's arguments,
    /// so handlers share fields: a field per type as often as one handler needs it, not per handler and parameter
    /// (six string-keyed handlers share one <c>string</c> field). A field is named after the parameters it holds
    /// (<c>UserId</c>, <c>UserIdOrMessage</c>), or numbered when more than three names share it.
    /// </summary>
    internal sealed class EnvelopeLayout
    {
        private const int MostNamesInAFieldName = 3;

        private readonly string[][] _fieldOf;

        private EnvelopeLayout(IReadOnlyList<(string Type, string Name)> fields, string[][] fieldOf)
        {
            Fields = fields;
            _fieldOf = fieldOf;
        }

        /// <summary>Each field's type and name, in the order they are declared.</summary>
        public IReadOnlyList<(string Type, string Name)> Fields { get; }

        /// <summary>The field holding argument <paramref name="parameter"/> of handler <paramref name="handler"/>.</summary>
        public string Field(int handler, int parameter) => _fieldOf[handler][parameter];

        public static EnvelopeLayout For(ExecutorModel executor)
        {
            var slots = new List<(string Type, List<string> Names)>();
            var slotOf = new int[executor.Handlers.Length][];
            for (int h = 0; h < executor.Handlers.Length; h++)
            {
                var parameters = executor.Handlers[h].Parameters;
                slotOf[h] = new int[parameters.Length];
                var taken = new HashSet<int>();
                for (int p = 0; p < parameters.Length; p++)
                {
                    int slot = 0;
                    while (slot < slots.Count && (slots[slot].Type != parameters[p].Type || taken.Contains(slot)))
                        slot++;
                    if (slot == slots.Count)
                    {
                        slots.Add((parameters[p].Type, new List<string>()));
                    }
                    taken.Add(slot);
                    if (!slots[slot].Names.Contains(parameters[p].Name))
                        slots[slot].Names.Add(parameters[p].Name);
                    slotOf[h][p] = slot;
                }
            }

            // The envelope's other members keep their names (the handler tag, the For{Handler} factories), and so do
            // the types its code names: a field named Envelope or HandlerId would hide them.
            var used = new HashSet<string>(executor.Handlers.Select(handler => "For" + handler.BaseName)) { "Handler", "Envelope", HandlerIds.TypeName };
            var fields = new List<(string Type, string Name)>();
            foreach (var (type, names) in slots)
            {
                string name = names.Count <= MostNamesInAFieldName
                    ? string.Join("Or", names.Select(Identifiers.Pascal))
                    : "Argument" + (fields.Count + 1);
                string unique = name;
                for (int suffix = 2; !used.Add(unique); suffix++)
                    unique = name + suffix;
                fields.Add((type, Identifiers.Escape(unique)));
            }
            var fieldOf = slotOf.Select(handler => handler.Select(slot => fields[slot].Name).ToArray()).ToArray();
            return new EnvelopeLayout(fields, fieldOf);
        }
    }
}
