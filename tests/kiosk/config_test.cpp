#include <doctest/doctest.h>

#include "kiosk/core/config.h"
#include "temp_dir.h"

using station::parse_config;

TEST_CASE("an empty config file gives every default") {
    auto config = parse_config("", "station.toml");
    REQUIRE(config.ok());
    CHECK(config->station.name == "示范党群服务站");
    CHECK(config->api.listen == "127.0.0.1:8600");
    CHECK(config->ui.idle_timeout_s == 90);
    CHECK(config->display.dpi == 0);
    CHECK(config->log.level == "info");
}

TEST_CASE("config values override the defaults") {
    auto config = parse_config(R"(
[station]
name = "曹杨新村街道党群服务站"
id = "caoyang-01"
[display]
dpi = 101.5
fullscreen = false
[ui]
idle_timeout_s = 120
[log]
level = "debug"
)", "station.toml");
    REQUIRE(config.ok());
    CHECK(config->station.name == "曹杨新村街道党群服务站");
    CHECK(config->station.id == "caoyang-01");
    CHECK(config->display.dpi == doctest::Approx(101.5));
    CHECK_FALSE(config->display.fullscreen);
    CHECK(config->ui.idle_timeout_s == 120);
    CHECK(config->log.level == "debug");
}

TEST_CASE("an unknown key names file, line and the valid keys") {
    auto config = parse_config("[station]\nname = \"x\"\nnmae = \"y\"\n", "/etc/station.toml");
    REQUIRE_FALSE(config.ok());
    const std::string& message = config.error().message;
    CHECK(message.find("/etc/station.toml:3:") == 0);
    CHECK(message.find("station.nmae") != std::string::npos);
    CHECK(message.find("valid keys in [station]: id, locale, name") != std::string::npos);
}

TEST_CASE("an unknown section names the valid sections") {
    auto config = parse_config("[printer]\nport = 1\n", "c.toml");
    REQUIRE_FALSE(config.ok());
    CHECK(config.error().message.find("unknown section 'printer'") != std::string::npos);
    CHECK(config.error().message.find("valid sections:") != std::string::npos);
}

TEST_CASE("a value of the wrong type names the key and both types") {
    auto config = parse_config("[ui]\n\nidle_timeout_s = \"ninety\"\n", "c.toml");
    REQUIRE_FALSE(config.ok());
    CHECK(config.error().message.find("c.toml:3: key 'ui.idle_timeout_s': expected an integer, got string") == 0);
}

TEST_CASE("a time limit shorter than 60 s is refused (WCAG 2.2.1)") {
    auto config = parse_config("[ui]\nidle_timeout_s = 10\n", "c.toml");
    REQUIRE_FALSE(config.ok());
    CHECK(config.error().message.find("must be between 60 and 3600 (got 10)") != std::string::npos);
}

TEST_CASE("a malformed API address is refused with an example") {
    auto config = parse_config("[api]\nlisten = \"localhost\"\n", "c.toml");
    REQUIRE_FALSE(config.ok());
    CHECK(config.error().message.find("c.toml:2: key 'api.listen': expected HOST:PORT") == 0);
}

TEST_CASE("a TOML syntax error names the file and line") {
    auto config = parse_config("[station]\nname = \"unterminated\n", "c.toml");
    REQUIRE_FALSE(config.ok());
    CHECK(config.error().message.find("c.toml:2: invalid TOML") == 0);
}

TEST_CASE("a missing config file is an error naming it") {
    auto config = station::load_config("/nonexistent/station.toml");
    REQUIRE_FALSE(config.ok());
    CHECK(config.error().message.find("/nonexistent/station.toml: cannot read config file") == 0);
}

TEST_CASE("a config file on disk loads") {
    station::test::TempDir dir;
    dir.write("station.toml", "[station]\nid = \"test-1\"\n");
    auto config = station::load_config(dir / "station.toml");
    REQUIRE(config.ok());
    CHECK(config->station.id == "test-1");
}

TEST_CASE("the example config in kiosk/ parses and shows the defaults") {
    auto config = station::load_config(std::string(STATION_SOURCE_DIR) + "/kiosk/station.example.toml");
    REQUIRE_MESSAGE(config.ok(), config.error().message);
    station::StationConfig defaults;
    CHECK(config->station.name == defaults.station.name);
    CHECK(config->api.listen == defaults.api.listen);
    CHECK(config->display.renderer == defaults.display.renderer);
    CHECK(config->ui.idle_timeout_s == defaults.ui.idle_timeout_s);
}

TEST_CASE("display.public_display takes auto, none or an index other than the touchscreen's") {
    using Display = station::StationConfig::Display;
    CHECK(parse_config("", "s.toml")->display.public_display == Display::kPublicAuto);
    CHECK(parse_config("[display]\npublic_display = \"none\"\n", "s.toml")->display.public_display ==
          Display::kPublicNone);
    CHECK(parse_config("[display]\npublic_display = \"auto\"\n", "s.toml")->display.public_display ==
          Display::kPublicAuto);
    CHECK(parse_config("[display]\npublic_display = 2\n", "s.toml")->display.public_display == 2);
    auto same = parse_config("[display]\ntouch_display = 1\npublic_display = 1\n", "s.toml");
    REQUIRE_FALSE(same.ok());
    CHECK(same.error().message.find("s.toml:3") != std::string::npos);
    CHECK(same.error().message.find("display.public_display") != std::string::npos);
    CHECK(same.error().message.find("touch_display (1)") != std::string::npos);
    auto bad = parse_config("[display]\npublic_display = \"second\"\n", "s.toml");
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().message.find("s.toml:2") != std::string::npos);
    CHECK(bad.error().message.find("\"auto\", \"none\" or a display index") != std::string::npos);
    CHECK_FALSE(parse_config("[display]\npublic_display = 16\n", "s.toml").ok());
    CHECK_FALSE(parse_config("[display]\npublic_window_width = 100\n", "s.toml").ok());
}
