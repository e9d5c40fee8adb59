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

        public static string[] Names(ExecutorModel executor)
        {
            var names = new string[executor.Handlers.Length];
            var used = new HashSet<string>();
            for (int i = 0; i < names.Length; i++)
            {
                string name = executor.Handlers[i].Name;
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
            foreach (var name in Names(executor))
                w.WriteLine(name + ",");
            w.CloseBrace();
        }
    }
}
