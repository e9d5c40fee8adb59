using System.Collections.Generic;
using ExecutorGen.Generators.Model;

namespace ExecutorGen.Generators;

public sealed partial class ExecutorGenerator
{
    /// <summary>
    /// The names of an executor's handlers as members of its <c>HandlerId</c> enum, which tags envelopes (in process)
    /// and calls (cluster): the method name, numbered from the second overload of a name on.
    /// </summary>
    internal static class HandlerIds
    {
        public const string TypeName = "HandlerId";

        /// <summary>The ids of a class's handlers, in order (see <see cref="HandlerModel.Id"/>).</summary>
        public static string[] Names(IReadOnlyList<HandlerModel> handlers)
        {
            var names = new string[handlers.Count];
            var used = new HashSet<string>();
            for (int i = 0; i < names.Length; i++)
            {
                string name = handlers[i].Name;
                string unique = name;
                for (int suffix = 2; !used.Add(unique); suffix++)
                    unique = name + suffix;
                names[i] = Identifiers.Escape(unique);
            }
            return names;
        }

        /// <summary>Writes the enum.</summary>
        public static void Write(IndentedWriter w, ExecutorModel executor)
        {
            w.WriteDoc("<summary>Which handler a request is for.</summary>");
            w.OpenBrace($"private enum {TypeName}");
            foreach (var handler in executor.Handlers)
                w.WriteLine(handler.Id + ",");
            w.CloseBrace();
        }
    }
}
