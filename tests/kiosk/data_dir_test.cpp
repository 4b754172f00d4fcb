#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>

#include "kiosk/core/data_dir.h"
#include "temp_dir.h"

TEST_CASE("the data folder comes from the flag, then the config, then XDG_DATA_HOME") {
    setenv("XDG_DATA_HOME", "/xdg", 1);
    CHECK(station::resolve_data_dir("/flag", "/config") == "/flag");
    CHECK(station::resolve_data_dir("", "/config") == "/config");
    CHECK(station::resolve_data_dir("", "") == "/xdg/station");
    unsetenv("XDG_DATA_HOME");
    setenv("HOME", "/home/kiosk", 1);
    CHECK(station::resolve_data_dir("", "") == "/home/kiosk/.local/share/station");
}

TEST_CASE("a missing data folder is created with its parents") {
    station::test::TempDir dir;
    auto target = dir / "a/b/station";
    REQUIRE(station::prepare_data_dir(target).ok());
    CHECK(std::filesystem::is_directory(target));
    CHECK(std::filesystem::is_empty(target));  // the write probe is gone
}

TEST_CASE("a data folder that cannot be created says which and why") {
    station::test::TempDir dir;
    dir.write("plain-file", "x");
    auto result = station::prepare_data_dir(dir / "plain-file/station");
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().message.find("data folder " + (dir / "plain-file/station").string()) == 0);
    CHECK(result.error().message.find("cannot be created") != std::string::npos);
}

TEST_CASE("a data folder that is a file is refused") {
    station::test::TempDir dir;
    dir.write("station", "x");
    auto result = station::prepare_data_dir(dir / "station");
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().message.find("is not a folder") != std::string::npos);
}
