using System;
using System.IO;
using System.Linq;
using ClawdTalk.Gateway;
using Newtonsoft.Json.Linq;
using Xunit;

namespace ClawdTalk.Tests.Gateway
{
    /// <summary>The text edit behind Grant-ClawdTalkGatewayTool: one insertion, everything else byte for byte.</summary>
    public sealed class GatewayConfigEditTests
    {
        static string Grant(string text, string tool = "sessions_send")
        {
            var path = Path.Combine(Harness.TestEnvironment.NewTempDir(), "openclaw.json");
            File.WriteAllText(path, text);
            return GatewayConfigFile.Load(path).WithGatewayTool(tool) ?? text;
        }

        [Fact]
        public void Appends_to_a_multiline_allow_list_with_the_neighbours_indentation()
        {
            const string before = "{\n  \"gateway\": {\n    \"port\": 18789,\n    \"tools\": {\n      \"allow\": [\n        \"sessions_list\"\n      ]\n    }\n  }\n}\n";
            const string after = "{\n  \"gateway\": {\n    \"port\": 18789,\n    \"tools\": {\n      \"allow\": [\n        \"sessions_list\",\n        \"sessions_send\"\n      ]\n    }\n  }\n}\n";
            Assert.Equal(after, Grant(before));
        }

        [Fact]
        public void Appends_to_a_one_line_allow_list_on_the_same_line()
        {
            const string before = "{\"gateway\":{\"tools\":{\"allow\":[\"a\", \"b\"],\"deny\":[]}},\"x\":1}";
            Assert.Equal("{\"gateway\":{\"tools\":{\"allow\":[\"a\", \"b\", \"sessions_send\"],\"deny\":[]}},\"x\":1}", Grant(before));
            Assert.Equal("{\"gateway\":{\"tools\":{\"allow\":[\"sessions_send\"]}}}", Grant("{\"gateway\":{\"tools\":{\"allow\":[]}}}"));
        }

        [Fact]
        public void Creates_tools_in_gateway_after_a_trailing_comma_and_keeps_comments_json5_and_the_top_level_tools()
        {
            var before = string.Join("\n",
                "// OpenClaw config (JSON5)",
                "{",
                "  agents: {",
                "    defaults: { workspace: '~/ws' },",
                "  },",
                "  /* the agent's own tools: never touched */",
                "  tools: { allow: ['read', 'exec'] },",
                "  gateway: {",
                "    port: 18790, // custom port",
                "    auth: { mode: 'token', token: 'abc' },",
                "  },",
                "}",
                "");
            var after = string.Join("\n",
                "// OpenClaw config (JSON5)",
                "{",
                "  agents: {",
                "    defaults: { workspace: '~/ws' },",
                "  },",
                "  /* the agent's own tools: never touched */",
                "  tools: { allow: ['read', 'exec'] },",
                "  gateway: {",
                "    port: 18790, // custom port",
                "    auth: { mode: 'token', token: 'abc' },",
                "    tools: {",
                "      allow: ['sessions_send']",
                "    },",
                "  },",
                "}",
                "");
            Assert.Equal(after, Grant(before));
        }

        [Fact]
        public void Creates_gateway_at_the_end_of_the_root_with_crlf_and_tabs_kept()
        {
            const string before = "{\r\n\t\"agents\": {\r\n\t\t\"list\": [{\"id\": \"main\"}]\r\n\t} // last\r\n}\r\n";
            const string after = "{\r\n\t\"agents\": {\r\n\t\t\"list\": [{\"id\": \"main\"}]\r\n\t}, // last\r\n\t\"gateway\": {\r\n\t\t\"tools\": {\r\n\t\t\t\"allow\": [\"sessions_send\"]\r\n\t\t}\r\n\t}\r\n}\r\n";
            Assert.Equal(after, Grant(before));
        }

        [Fact]
        public void Fills_an_empty_object_and_an_empty_file_object()
        {
            Assert.Equal("{\n  \"gateway\": {\n    \"tools\": {\n      \"allow\": [\"sessions_send\"]\n    }\n  }\n}\n", Grant("{\n}\n"));
            Assert.Equal("{\"gateway\": {\"tools\": {\"allow\": [\"sessions_send\"]}}}", Grant("{}"));
            Assert.Equal("{\n  \"gateway\": {\n    \"tools\": {\n      \"allow\": [\"sessions_send\"]\n    }\n  }\n}", Grant("{\n  \"gateway\": {}\n}"));
        }

        [Fact]
        public void Result_reads_as_the_old_content_plus_the_tool_with_key_order_kept()
        {
            var before = "{\"z\":1,\"gateway\":{\"b\":2,\"a\":3},\"m\":[1,2,{\"k\":null}],\"tools\":{\"allow\":[\"read\"]}}";
            var after = JObject.Parse(Grant(before));
            Assert.Equal(new[] { "z", "gateway", "m", "tools" }, after.Properties().Select(p => p.Name));
            Assert.Equal(new[] { "b", "a", "tools" }, ((JObject)after["gateway"]!).Properties().Select(p => p.Name));
            Assert.Equal(new[] { "read" }, after["tools"]!["allow"]!.Values<string>());
            Assert.Equal(new[] { "sessions_send" }, after["gateway"]!["tools"]!["allow"]!.Values<string>());
        }

        [Fact]
        public void Already_allowed_is_no_change()
        {
            var path = Path.Combine(Harness.TestEnvironment.NewTempDir(), "openclaw.json");
            File.WriteAllText(path, "{\"gateway\":{\"tools\":{\"allow\":[\"sessions_send\"]}}}");
            Assert.Null(GatewayConfigFile.Load(path).WithGatewayTool("sessions_send"));
        }

        [Theory]
        [InlineData("{\"gateway\": []}", "gateway")]
        [InlineData("{\"gateway\": {\"tools\": \"all\"}}", "gateway.tools")]
        [InlineData("{\"gateway\": {\"tools\": {\"allow\": \"sessions_send,read\"}}}", "gateway.tools.allow")]
        public void A_key_of_the_wrong_kind_is_reported_not_overwritten(string text, string key)
        {
            var path = Path.Combine(Harness.TestEnvironment.NewTempDir(), "openclaw.json");
            File.WriteAllText(path, text);
            var ex = Assert.Throws<ClawdTalk.Api.ClawdTalkException>(() => GatewayConfigFile.Load(path).WithGatewayTool("sessions_send"));
            Assert.Equal("GatewayConfigUnexpected", ex.ErrorId);
            Assert.Contains("'" + key + "'", ex.Message);
        }

        [Theory]
        [InlineData("{\"gateway\": {\"port\": 1,}")]
        [InlineData("{\"gateway\": {\"port\": 1}} trailing")]
        [InlineData("[1, 2]")]
        [InlineData("")]
        public void Malformed_text_is_GatewayConfigInvalid(string text)
        {
            var path = Path.Combine(Harness.TestEnvironment.NewTempDir(), "openclaw.json");
            File.WriteAllText(path, text);
            var ex = Assert.ThrowsAny<ClawdTalk.Api.ClawdTalkException>(() => GatewayConfigFile.Load(path));
            Assert.Equal("GatewayConfigInvalid", ex.ErrorId);
        }

        [Theory]
        [InlineData("- **Name:** Mark", "Mark")]
        [InlineData("**Name**: Ada Lovelace", "Ada Lovelace")]
        [InlineData("Name: Anthony — Chief of Staff", "Anthony")]
        [InlineData("- **Name:** Clawster (the lobster)", "Clawster")]
        [InlineData("- **Name:** *(pick something you like)*", null)]
        [InlineData("- **Name:**", null)]
        [InlineData("- **Name:** [Your name]", null)]
        public void Names_are_read_from_workspace_fields(string line, string? expected)
        {
            var ws = Harness.TestEnvironment.NewTempDir();
            File.WriteAllText(Path.Combine(ws, "IDENTITY.md"), "# IDENTITY.md - Who Am I?\n\n*Fill this in.*\n\n- **Creature:** lobster\n" + line + "\n- **Emoji:** x\n");
            Assert.Equal(expected, WorkspaceNames.Agent(ws, out var source));
            Assert.Equal(expected == null ? null : Path.Combine(ws, "IDENTITY.md"), source);
        }

        [Fact]
        public void Owner_prefers_what_to_call_them()
        {
            var ws = Harness.TestEnvironment.NewTempDir();
            File.WriteAllText(Path.Combine(ws, "USER.md"), "# USER.md - About Your Human\n\n- **Name:** Margaret Hamilton\n- **What to call them:** Maggie\n- **Timezone:** UTC\n");
            Assert.Equal("Maggie", WorkspaceNames.Owner(ws, out _));
            File.WriteAllText(Path.Combine(ws, "USER.md"), "- **Name:** Margaret Hamilton\n- **What to call them:**\n");
            Assert.Equal("Margaret Hamilton", WorkspaceNames.Owner(ws, out _));
        }
    }
}
