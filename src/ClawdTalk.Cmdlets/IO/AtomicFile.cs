using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;

namespace ClawdTalk.IO
{
    /// <summary>
    /// Durable, private files: writes go to a 0600 temp file in the same folder, are flushed to disk and renamed over
    /// the target (atomic on POSIX and NTFS), so a reader or a crash sees the old file or the new one, never half of one.
    /// </summary>
    internal static class AtomicFile
    {
        static readonly UTF8Encoding Utf8NoBom = new UTF8Encoding(false);

        /// <summary>Writes <paramref name="text"/> (UTF-8 without BOM unless <paramref name="encoding"/> says otherwise); never through a symbolic link.</summary>
        public static void WriteAllText(string path, string text, Encoding? encoding = null)
        {
            var enc = encoding ?? Utf8NoBom;
            var preamble = enc.GetPreamble();
            var body = enc.GetBytes(text);
            if (preamble.Length == 0) { WriteAllBytes(path, body); return; }
            var bytes = new byte[preamble.Length + body.Length];
            Buffer.BlockCopy(preamble, 0, bytes, 0, preamble.Length);
            Buffer.BlockCopy(body, 0, bytes, preamble.Length, body.Length);
            WriteAllBytes(path, bytes);
        }

        /// <summary>Writes <paramref name="bytes"/> the same way (a private temp file renamed over the target); never through a symbolic link.</summary>
        public static void WriteAllBytes(string path, byte[] bytes)
        {
            var full = Path.GetFullPath(path);
            var dir = Path.GetDirectoryName(full)!;
            EnsureDirectory(dir);
            Links.Refuse(full);
            var temp = Path.Combine(dir, "." + Path.GetFileName(full) + "." + Guid.NewGuid().ToString("N").Substring(0, 8) + ".tmp");
            try
            {
                using (var fs = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, FileOptions.None))
                {
                    UnixPermissions.SetPrivate(temp, directory: false);
                    fs.Write(bytes, 0, bytes.Length);
                    fs.Flush(true);
                }
                if (File.Exists(full)) File.Replace(temp, full, null, ignoreMetadataErrors: true);
                else File.Move(temp, full);
            }
            finally
            {
                try { if (File.Exists(temp)) File.Delete(temp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            }
        }

        public static void EnsureDirectory(string dir)
        {
            if (Directory.Exists(dir)) return;
            Directory.CreateDirectory(dir);
            UnixPermissions.SetPrivate(dir, directory: true);
        }
    }

    /// <summary>
    /// The module's own files (state, config, locks, logs, units, reports) are never read or written through a symbolic
    /// link: a link planted in their place could make a write land anywhere the user can write, or change that file's
    /// mode. Folders on the way may be links (a home folder or a dotfiles folder often is); the file itself may not.
    /// Checked just before the file is opened.
    /// </summary>
    internal static class Links
    {
        public static bool IsLink(string path)
        {
            var info = new FileInfo(path);
            return info.Exists && (info.Attributes & FileAttributes.ReparsePoint) != 0;
        }

        public static void Refuse(string path)
        {
            if (IsLink(path))
                throw new ClawdTalkException(ErrorIds.FileIsSymbolicLink, ErrorCategory.SecurityError,
                    $"{path} is a symbolic link; ClawdTalk does not read or write its files through links (a link could point anywhere). " +
                    "Replace the link with the file itself, or point ClawdTalk at the real file.", path)
                { Terminating = true };
        }

        /// <summary>
        /// The text of a file the module keeps, or null when there is none; refuses a link and a file larger than
        /// <paramref name="maxBytes"/> (FileTooLarge: reading it whole would exhaust memory long before it could be used).
        /// </summary>
        public static string? ReadText(string path, long maxBytes, string what)
        {
            var info = new FileInfo(path);
            if (!info.Exists) return null;
            Refuse(path);
            if (info.Length > maxBytes)
                throw new ClawdTalkException(ErrorIds.FileTooLarge, ErrorCategory.LimitsExceeded,
                    $"{what} {path} is {info.Length / (1024.0 * 1024.0):0.#} MiB; ClawdTalk reads such files only up to {maxBytes / (1024 * 1024)} MiB. " +
                    "It was left as it is: move it aside, or archive finished missions from it.", path)
                { Terminating = true };
            return File.ReadAllText(path);
        }
    }

    /// <summary>
    /// An exclusive, cross-process lock held through a `.lock` file (FileShare.None, which .NET maps to flock on Unix,
    /// released by the OS if the holder dies).
    /// </summary>
    internal sealed class FileLock : IDisposable
    {
        readonly FileStream _stream;
        FileLock(FileStream s) { _stream = s; }

        public static FileLock Acquire(string path, TimeSpan timeout, CancellationToken ct = default)
        {
            var lockPath = Path.GetFullPath(path) + ".lock";
            AtomicFile.EnsureDirectory(Path.GetDirectoryName(lockPath)!);
            Links.Refuse(lockPath);
            var watch = Stopwatch.StartNew();
            var delay = 5;
            while (true)
            {
                try
                {
                    var fs = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
                    UnixPermissions.SetPrivate(lockPath, directory: false);
                    SweepTempFiles(path);
                    return new FileLock(fs);
                }
                catch (IOException) when (watch.Elapsed < timeout)
                {
                    ct.ThrowIfCancellationRequested();
                    Thread.Sleep(delay);
                    delay = Math.Min(delay * 2, 50);
                }
                catch (IOException ex)
                {
                    throw new ClawdTalkException(ErrorIds.StateLocked, ErrorCategory.ResourceBusy,
                        $"Another process holds {lockPath} for more than {timeout.TotalSeconds:0} s.", path, ex);
                }
            }
        }

        /// <summary>
        /// Every writer of a file writes its temp file while it holds the file's lock, so the temp files found by the next
        /// holder were left by a writer that died mid-write: they are removed.
        /// </summary>
        static void SweepTempFiles(string path)
        {
            var full = Path.GetFullPath(path);
            try
            {
                foreach (var stale in Directory.GetFiles(Path.GetDirectoryName(full)!, "." + Path.GetFileName(full) + ".*.tmp"))
                    try { File.Delete(stale); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }

        public void Dispose() => _stream.Dispose();
    }

    /// <summary>chmod 0600 (files) / 0700 (folders) on Unix; nothing on Windows.</summary>
    internal static class UnixPermissions
    {
        // File.SetUnixFileMode exists on .NET 7+ (PowerShell 7.3+); this assembly targets netstandard2.0, so it is
        // looked up once by reflection. On older runtimes chmod is called from libc.
        static readonly Lazy<MethodInfo?> SetMode = new Lazy<MethodInfo?>(() =>
        {
            var t = typeof(File).Assembly.GetType("System.IO.UnixFileMode");
            return t == null ? null : typeof(File).GetMethod("SetUnixFileMode", new[] { typeof(string), t });
        });

        public static bool IsUnix => !RuntimeInformation.IsOSPlatform(OSPlatform.Windows);

        public static void SetPrivate(string path, bool directory)
        {
            if (!IsUnix) return;
            var mode = directory ? 0x1C0 /*0700*/ : 0x180 /*0600*/;
            var m = SetMode.Value;
            if (m != null)
            {
                var enumType = m.GetParameters()[1].ParameterType;
                m.Invoke(null, new object[] { path, Enum.ToObject(enumType, mode) });
                return;
            }
            try { chmod(path, (uint)mode); } catch (DllNotFoundException) { } catch (EntryPointNotFoundException) { }
        }

        static readonly Lazy<MethodInfo?> GetMode = new Lazy<MethodInfo?>(() => typeof(File).GetMethod("GetUnixFileMode", new[] { typeof(string) }));

        /// <summary>True when group or others may read or write the file (Unix, .NET 7+; false when it cannot be told).</summary>
        public static bool IsShared(string path)
        {
            if (!IsUnix || GetMode.Value == null) return false;
            var mode = Convert.ToInt32(GetMode.Value.Invoke(null, new object[] { path }), System.Globalization.CultureInfo.InvariantCulture);
            return (mode & 0x3F /*0077*/) != 0;
        }

        [DllImport("libc", SetLastError = true)]
        static extern int chmod(string path, uint mode);
    }
}
