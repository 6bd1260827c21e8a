using System;
using System.IO;
using System.Reflection;
using System.Runtime.Loader;

namespace ClawdTalk.Loader
{
    /// <summary>
    /// The module's private load context: ClawdTalk.Cmdlets.dll and the libraries it ships (Polly.Core, Newtonsoft.Json,
    /// PhoneNumbers, Microsoft.Bcl.*) load here, from the module folder, whatever versions other modules loaded into the
    /// default context. Framework assemblies (System.*, netstandard) and the PowerShell engine come from the default
    /// context, so the cmdlets and PowerShell share System.Management.Automation.
    /// </summary>
    public sealed class ModuleLoadContext : AssemblyLoadContext
    {
        static readonly object Gate = new object();
        static ModuleLoadContext? _instance;
        readonly string _folder;

        ModuleLoadContext(string folder) : base("ClawdTalk", isCollectible: false)
        {
            _folder = folder;
        }

        /// <summary>
        /// Loads (once per process) and returns the module assembly from <paramref name="moduleFolder"/>. With
        /// CLAWDTALK_NO_ISOLATION=1 it loads into the default context instead (the test suite shares types with it).
        /// </summary>
        public static Assembly LoadModule(string moduleFolder)
        {
            if (Environment.GetEnvironmentVariable("CLAWDTALK_NO_ISOLATION") == "1")
                return Assembly.LoadFrom(Path.Combine(moduleFolder, "ClawdTalk.Cmdlets.dll"));
            lock (Gate)
            {
                _instance ??= new ModuleLoadContext(Path.GetFullPath(moduleFolder));
                return _instance.LoadFromAssemblyPath(Path.Combine(_instance._folder, "ClawdTalk.Cmdlets.dll"));
            }
        }

        /// <summary>
        /// Imports the module assembly into the module that <paramref name="executionContext"/> (the root module's
        /// $ExecutionContext) belongs to: the call the root module makes, so its script stays one line (each member access
        /// a script makes costs a cold pwsh compile time). A second import in one process (Import-Module -Force, or
        /// Remove-Module then Import-Module) finds the assembly already imported and adds no cmdlet to the module
        /// (PowerShell/PowerShell#20710): the cmdlets of <paramref name="inner"/> (Import-Module -Assembly -PassThru) are
        /// added back, as that issue shows. Reflection, because this assembly does not reference the engine.
        /// </summary>
        public static void Reexport(object inner, object executionContext)
        {
            const BindingFlags Public = BindingFlags.Instance | BindingFlags.Public;
            var sessionState = executionContext.GetType().GetProperty("SessionState", Public)!.GetValue(executionContext)!;
            var module = sessionState.GetType().GetProperty("Module", Public)!.GetValue(sessionState)!;
            var exported = (System.Collections.IDictionary)module.GetType().GetProperty("ExportedCmdlets", Public)!.GetValue(module)!;
            if (exported.Count > 0) return;
            var add = module.GetType().GetMethod("AddExportedCmdlet", BindingFlags.Instance | BindingFlags.NonPublic)!;
            var commands = (System.Collections.IDictionary)inner.GetType().GetProperty("ExportedCmdlets", Public)!.GetValue(inner)!;
            foreach (var command in commands.Values) add.Invoke(module, new[] { command });
        }

        protected override Assembly? Load(AssemblyName name)
        {
            var simple = name.Name ?? "";
            if (simple.StartsWith("System.", StringComparison.Ordinal) || simple == "netstandard" || simple == "mscorlib"
                || simple.StartsWith("Microsoft.PowerShell.", StringComparison.Ordinal) || simple == "ClawdTalk.Loader")
                return null;
            var path = Path.Combine(_folder, simple + ".dll");
            return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
        }
    }
}
