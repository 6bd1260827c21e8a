using System;
using System.IO;
using System.Linq;
using System.Threading;
using ClawdTalk.Tests.Harness;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using Xunit;

namespace ClawdTalk.Tests.Dashboard
{
    /// <summary>
    /// Debian's chromium driven through Debian's chromium-driver (never a downloaded browser or driver). Absent, the
    /// browser tests fail, not skip: `.ci/run` installs both.
    /// </summary>
    public sealed class Browser : IDisposable
    {
        public const string ChromiumPath = "/usr/bin/chromium", DriverPath = "/usr/bin/chromedriver";
        readonly string _profile;

        public Browser()
        {
            Assert.True(File.Exists(ChromiumPath), $"{ChromiumPath} is missing: install Debian's chromium (apt-get install chromium chromium-driver).");
            Assert.True(File.Exists(DriverPath), $"{DriverPath} is missing: install Debian's chromium-driver (apt-get install chromium chromium-driver).");
            _profile = Path.Combine(Path.GetTempPath(), "clawdtalk-chromium-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(_profile);
            var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(DriverPath)!, Path.GetFileName(DriverPath));
            service.HideCommandPromptWindow = true;
            service.SuppressInitialDiagnosticInformation = true;
            var options = new ChromeOptions { BinaryLocation = ChromiumPath };
            options.AddArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1400,1000", "--user-data-dir=" + _profile);
            Driver = new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
        }

        public ChromeDriver Driver { get; }

        /// <summary>artifacts/screenshots under the repository (ignored by git), kept as the tests' visual record.</summary>
        public static string ScreenshotFolder
        {
            get
            {
                var dir = Path.Combine(ModuleLocation.RepoRoot, "artifacts", "screenshots");
                Directory.CreateDirectory(dir);
                return dir;
            }
        }

        /// <summary>Saves a full-page screenshot (the window grown to the page's height) and returns its path.</summary>
        public string Screenshot(string name)
        {
            var height = Convert.ToInt32(Driver.ExecuteScript("return Math.min(6000, document.documentElement.scrollHeight)"));
            Driver.Manage().Window.Size = new System.Drawing.Size(1400, Math.Max(1000, height + 20));
            var path = Path.Combine(ScreenshotFolder, name + ".png");
            Driver.GetScreenshot().SaveAsFile(path);
            Driver.Manage().Window.Size = new System.Drawing.Size(1400, 1000);
            return path;
        }

        /// <summary>Waits until <paramref name="condition"/> holds (checked every 50 ms), failing with <paramref name="what"/>.</summary>
        public T WaitFor<T>(Func<T?> condition, string what, double seconds = 60)
        {
            var deadline = DateTime.UtcNow.AddSeconds(seconds);
            while (true)
            {
                T? value;
                try { value = condition(); }
                catch (WebDriverException) { value = default; }
                catch (InvalidOperationException) { value = default; }
                if (value is not null && !(value is bool b && !b)) return value;
                if (DateTime.UtcNow > deadline) throw new Xunit.Sdk.XunitException($"Timed out waiting for: {what}. Page text:\n{Text()}");
                Thread.Sleep(50);
            }
        }

        public string Text()
        {
            try { return Driver.FindElement(By.TagName("body")).Text; }
            catch (WebDriverException) { return ""; }
        }

        public void Dispose()
        {
            try { Driver.Quit(); } catch (WebDriverException) { }
            Driver.Dispose();
            try { Directory.Delete(_profile, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
