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

        /// <summary>Loads (once per process) and returns the module assembly from <paramref name="moduleFolder"/>.</summary>
        public static Assembly LoadModule(string moduleFolder)
        {
            lock (Gate)
            {
                _instance ??= new ModuleLoadContext(Path.GetFullPath(moduleFolder));
                return _instance.LoadFromAssemblyPath(Path.Combine(_instance._folder, "ClawdTalk.Cmdlets.dll"));
            }
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
