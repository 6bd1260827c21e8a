using System.Management.Automation;
using ClawdTalk.Api;
using ClawdTalk.Numbers;
using Xunit;

namespace ClawdTalk.Tests.Phones
{
    /// <summary>The module's phone number rule (E164): what is accepted, what is refused and why, and callee time zones.</summary>
    public class PhoneNumberTests
    {
        [Theory]
        [InlineData("+12125550100", "+12125550100")]
        [InlineData("+1 212-555-0100", "+12125550100")]
        [InlineData("+1 (212) 555-0100", "+12125550100")]
        [InlineData("  +1.212.555.0100  ", "+12125550100")]
        [InlineData("tel:+1-212-555-0100", "+12125550100")]
        [InlineData("+44 20 7946 0001", "+442079460001")]
        [InlineData("+33 6 12 34 56 78", "+33612345678")]
        [InlineData("+1 212 555 0001", "+12125550001")] // every sandbox magic suffix is usable behind a real area code
        [InlineData("+1 212 555 0002", "+12125550002")]
        [InlineData("+1 212 555 0003", "+12125550003")]
        [InlineData("+1 212 555 0004", "+12125550004")]
        [InlineData("+1 646 555 0005", "+16465550005")]
        public void Valid_numbers_normalize_to_E164(string input, string expected)
        {
            Assert.Equal(expected, E164.Normalize(input));
            Assert.True(E164.TryNormalize(input, out var e164));
            Assert.Equal(expected, e164);
        }

        [Theory]
        [InlineData("+15551234567", "fictional")]      // the 555 area code is not in the numbering plan
        [InlineData("2125550100", "country code")]
        [InlineData("0044 20 7946 0001", "country code")]
        [InlineData("+1 212 555 0100 ext. 12", "letters")]
        [InlineData("+1-800-FLOWERS", "letters")]
        [InlineData("+1 212 555", "digits")]
        [InlineData("+1 212 555 01000", "digits")]
        [InlineData("+999 1234567", "country code does not exist")]
        [InlineData("+1 212 555 0100;", "character ';'")]
        [InlineData("", "empty")]
        [InlineData(null, "empty")]
        public void Invalid_numbers_are_InvalidPhoneNumber_with_the_reason(string? input, string reason)
        {
            var ex = Assert.Throws<ClawdTalkException>(() => E164.Normalize(input, "recipient"));
            Assert.Equal("InvalidPhoneNumber", ex.ErrorId);
            Assert.Equal(ErrorCategory.InvalidArgument, ex.Category);
            Assert.Contains(reason, ex.Message);
            Assert.Contains("recipient", ex.Message);
            Assert.False(E164.TryNormalize(input, out _));
        }

        [Fact]
        public void Possible_strictness_accepts_the_fictional_555_area_code_for_lookups_only()
        {
            Assert.False(E164.TryNormalize("+1 555 000 9999", out _));
            Assert.True(E164.TryNormalize("+1 555 000 9999", out var e164, E164.Strictness.Possible));
            Assert.Equal("+15550009999", e164);
            Assert.False(E164.TryNormalize("+1 555 000", out _, E164.Strictness.Possible));
        }

        [Theory]
        [InlineData("+12125550100", "America/New_York")]
        [InlineData("+14155552671", "America/Los_Angeles")]
        [InlineData("+442079460001", "Europe/London")]
        [InlineData("+33612345678", "Europe/Paris")]
        public void Time_zones_come_from_the_number(string number, string zone)
        {
            Assert.Equal(new[] { zone }, E164.TimeZones(number));
        }

        [Fact]
        public void Time_zones_are_several_for_wide_regions_and_none_when_unknown()
        {
            Assert.Contains("Australia/Sydney", E164.TimeZones("+61 491 570 006"));
            Assert.True(E164.TimeZones("+61 491 570 006").Count > 1);
            Assert.Empty(E164.TimeZones("+15550009999"));
            Assert.Equal("InvalidPhoneNumber", Assert.Throws<ClawdTalkException>(() => E164.TimeZones("12345")).ErrorId);
        }

        [Fact]
        public void Region_is_the_country_of_a_number()
        {
            Assert.Equal("US", E164.Region("+12125550100"));
            Assert.Equal("GB", E164.Region("+44 20 7946 0001"));
            Assert.Null(E164.Region("+15550009999"));
            Assert.Null(E164.Region("nope"));
        }
    }
}
