using System.Collections.Generic;
using System.Linq;
using ExecutorGen.Generators.Model;

namespace ExecutorGen.Generators;

public sealed partial class ExecutorGenerator
{
    /// <summary>
    /// What both dispatchers (in-process and, on a silo, the cluster's) write the same way: the switch over handler
    /// ids, the handler call, and one switch over its return kind that turns the call into what the engine awaits.
    /// </summary>
    internal static class HandlerCalls
    {
        /// <summary>
        /// The statements that return a handler's outcome, one per return kind. <paramref name="AfterVoidCall"/> follows
        /// a call of a <c>void</c> handler; the others pass the call to a method.
        /// </summary>
        internal sealed record Returns(string AfterVoidCall, Returning Value, Returning Task, Returning TaskOfT);

        /// <summary>
        /// <c>{Head}({Before}, call, {After});</c>, where <c>{0}</c> in <paramref name="Head"/> stands for the result type.
        /// </summary>
        internal sealed record Returning(string Head, string? Before = null, string? After = null)
        {
            public void Write(IndentedWriter w, string call, string? resultType)
            {
                var arguments = new List<string>();
                if (Before is not null)
                    arguments.Add(Before);
                arguments.Add(call);
                if (After is not null)
                    arguments.Add(After);
                w.WriteList(string.Format(Head, resultType), arguments, ";");
            }
        }

        /// <summary>
        /// Writes <c>switch (<paramref name="subject"/>)</c> with a case per handler (labelled by its id, as
        /// <paramref name="label"/> says), each calling the handler as <paramref name="arguments"/> says, and a default
        /// that throws <see cref="System.ArgumentOutOfRangeException"/> naming <paramref name="subjectName"/>.
        /// </summary>
        public static void WriteDispatchSwitch(IndentedWriter w, ExecutorModel executor, string subject, string subjectName,
            System.Func<string, string> label, System.Func<int, HandlerModel, IEnumerable<string>> arguments, Returns returns)
        {
            w.OpenBrace($"switch ({subject})");
            for (int i = 0; i < executor.Handlers.Length; i++)
            {
                var handler = executor.Handlers[i];
                w.WriteLine($"case {label(handler.Id)}:");
                w.Indent();
                WriteCallAndReturn(w, handler, Call(executor, handler, arguments(i, handler)), returns);
                w.Unindent();
            }
            w.WriteLine("default:");
            w.Indent();
            w.WriteLine($"throw new {TypeNames.ArgumentOutOfRangeException}(nameof({subjectName}));");
            w.Unindent();
            w.CloseBrace();
        }

        /// <summary>
        /// The call of <paramref name="handler"/> with <paramref name="arguments"/> (and the handler's token, if it takes one).
        /// A batch handler called for one request gets it as a list of one, unless <paramref name="arguments"/> is its list already.
        /// </summary>
        public static string Call(ExecutorModel executor, HandlerModel handler, IEnumerable<string> arguments, bool argumentIsList = false)
        {
            if (handler.IsBatch && !argumentIsList)
                arguments = arguments.Select(item => $"new {handler.Parameters[0].Type}[] {{ {item} }}");
            string target = handler.IsStatic ? executor.Class.FullyQualifiedName : "this._handlers";
            if (handler.TakesCancellationToken)
                arguments = arguments.Concat(new[] { "cancellationToken" });
            return $"{target}.{handler.Identifier}({string.Join(", ", arguments)})";
        }

        private static void WriteCallAndReturn(IndentedWriter w, HandlerModel handler, string call, Returns returns)
        {
            switch (handler.ReturnKind)
            {
                case ReturnKind.Void:
                    w.WriteLine(call + ";");
                    w.WriteLine(returns.AfterVoidCall);
                    break;
                case ReturnKind.Value:
                    returns.Value.Write(w, call, handler.ResultType);
                    break;
                case ReturnKind.Task or ReturnKind.ValueTask:
                    returns.Task.Write(w, call, handler.ResultType);
                    break;
                default:
                    returns.TaskOfT.Write(w, call, handler.ResultType);
                    break;
            }
        }

        /// <summary>
        /// Reads a handler's key from the expression holding its key parameter, refusing a null request with an exception
        /// that names the parameter. A dotted path with steps that can be null is read by the handler's
        /// <c>KeyOf{Handler}</c> method instead (<see cref="WriteKeyReaders"/>), one check per line.
        /// </summary>
        public static string KeyExpression(HandlerModel handler, string parameterSource)
        {
            var key = handler.Key!;
            if (NeedsReader(key))
                return $"{KeyReaderName(handler)}({parameterSource})";
            string source = parameterSource;
            if (key.GuardParameterNull)
                source = $"({source} ?? throw new {TypeNames.ArgumentNullException}(\"{handler.Parameters[key.ParameterIndex].Name}\"))";
            foreach (var step in key.Path)
                source += "." + step.Identifier;
            return key.SuppressKeyNull ? source + "!" : source;
        }

        /// <summary>
        /// Writes a <c>KeyOf{Handler}</c> method for each handler whose key path has steps that can be null: each step is
        /// checked before the next member is read from it, and a null is refused with an exception naming the parameter.
        /// </summary>
        public static void WriteKeyReaders(IndentedWriter w, ExecutorModel executor)
        {
            for (int i = 0; i < executor.Handlers.Length; i++)
            {
                var handler = executor.Handlers[i];
                if (handler.Key is not { } key || !NeedsReader(key))
                    continue;
                var parameter = handler.Parameters[key.ParameterIndex];
                w.WriteLine();
                w.WriteDoc($"<summary>Reads the partition key of a request for <c>{handler.Name}</c>.</summary>");
                w.OpenBrace($"private static {executor.KeyType} {KeyReaderName(handler)}({parameter.Type} {parameter.Identifier})");
                var locals = new System.Collections.Generic.HashSet<string> { parameter.Identifier };
                string current = parameter.Identifier;
                string path = parameter.Name;
                if (key.GuardParameterNull)
                    WriteNullCheck(w, current, $"new {TypeNames.ArgumentNullException}(\"{parameter.Name}\")");
                for (int step = 0; step < key.Path.Length - 1; step++)
                {
                    string local = Identifiers.Escape(Identifiers.Camel(key.Path[step].Name));
                    for (int suffix = 2; !locals.Add(local); suffix++)
                        local = Identifiers.Escape(Identifiers.Camel(key.Path[step].Name) + suffix);
                    w.WriteLine($"var {local} = {current}.{key.Path[step].Identifier};");
                    current = local;
                    path += "." + key.Path[step].Name;
                    if (key.Path[step].MayBeNull)
                        WriteNullCheck(w, current, $"new {TypeNames.ArgumentException}(\"{path} is null, so the partition key cannot be read.\", \"{parameter.Name}\")");
                }
                w.WriteLine($"return {current}.{key.Path[key.Path.Length - 1].Identifier}{(key.SuppressKeyNull ? "!" : "")};");
                w.CloseBrace();
            }

            static void WriteNullCheck(IndentedWriter w, string value, string exception)
            {
                w.OpenBrace($"if ({value} is null)");
                w.WriteLine($"throw {exception};");
                w.CloseBrace();
            }
        }

        /// <summary>A dotted path with a step (before the key itself) that can be null.</summary>
        private static bool NeedsReader(KeyModel key) => key.Path.Take(key.Path.Length - 1).Any(step => step.MayBeNull);

        private static string KeyReaderName(HandlerModel handler) => "KeyOf" + handler.Id.TrimStart('@');
    }
}
