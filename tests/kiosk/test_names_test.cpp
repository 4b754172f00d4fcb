// CTest runs each doctest case by name (doctest_discover_tests). A ';' in a name splits CTest's
// command line, so the case would silently not run and still be reported as passed.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <string>

TEST_CASE("no test case name holds a character that CTest would split it on") {
    const std::regex test_case(R"re(TEST_CASE\("([^"]*)")re");
    int names = 0;
    for (const auto& entry :
         std::filesystem::recursive_directory_iterator(std::filesystem::path(STATION_SOURCE_DIR) / "tests")) {
        if (entry.path().extension() != ".cpp") continue;
        std::ifstream file(entry.path());
        std::string line;
        while (std::getline(file, line)) {
            for (std::sregex_iterator it(line.begin(), line.end(), test_case), end; it != end; ++it) {
                const std::string name = (*it)[1];
                ++names;
                CHECK_MESSAGE(name.find(';') == std::string::npos, entry.path().filename().string()
                                                                       << ": " << name);
            }
        }
    }
    CHECK(names > 100);
}
