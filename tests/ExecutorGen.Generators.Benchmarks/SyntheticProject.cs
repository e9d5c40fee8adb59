using System;
using System.IO;
using ExecutorGen.Analyzers;

namespace ExecutorGen.Generators.Benchmarks;

/// <summary>
/// Writes the analyzer-cost project to a folder, to measure it with the real compiler:
/// <c>dotnet run -c Release --project tests/ExecutorGen.Generators.Benchmarks -- --write-project DIR</c>, then
/// <c>dotnet build DIR -c Release --no-incremental -v:d</c> prints the compiler's own analyzer report
/// (<c>ReportAnalyzer</c> is on) next to the <c>Csc</c> task's time.
/// </summary>
/// <remarks>
/// The in-process runner (<see cref="AnalyzerCost"/>) compares builds of the analyzers in one warm process; this is
/// the cross-check a user would make: the SDK's compiler, its threads and garbage collector, the SDK's own analyzers
/// beside ours.
/// </remarks>
public static class SyntheticProject
{
    public static int Write(string folder)
    {
        Directory.CreateDirectory(Path.Combine(folder, "src"));
        for (int i = 0; i < SyntheticHandlers.Classes; i++)
            File.WriteAllText(Path.Combine(folder, "src", $"Handler{i}.cs"), SyntheticHandlers.Source(i));
        File.WriteAllText(Path.Combine(folder, "Bench.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <!-- Written by ExecutorGen.Generators.Benchmarks (write-project mode): {SyntheticHandlers.Classes} handler classes, this build of the analyzers. -->
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <EnableDefaultCompileItems>false</EnableDefaultCompileItems>
                <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>
                <ReportAnalyzer>true</ReportAnalyzer>
              </PropertyGroup>
              <ItemGroup>
                <Compile Include="src/*.cs" />
                <Reference Include="{typeof(RequestHandlerAttribute).Assembly.Location}" />
                <Analyzer Include="{typeof(WorkerCodeAnalyzer).Assembly.Location}" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(folder, "Directory.Build.props"), "<Project />\n"); // nothing from the folders above
        File.WriteAllText(Path.Combine(folder, "Directory.Packages.props"), "<Project />\n");
        Console.WriteLine($"Wrote {SyntheticHandlers.Classes} handler classes and Bench.csproj to {Path.GetFullPath(folder)}");
        return 0;
    }
}
