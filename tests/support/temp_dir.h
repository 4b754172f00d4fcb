// Test support: a temporary folder removed with everything in it when the object dies.
#pragma once
#include <filesystem>
#include <string>

namespace station::test {

class TempDir {
public:
    TempDir();                                      // creates a fresh folder under $TMPDIR or /tmp
    ~TempDir();                                     // removes it recursively
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::filesystem::path& path() const { return path_; }
    std::filesystem::path operator/(const std::string& name) const { return path_ / name; }
    void write(const std::string& name, const std::string& text) const;  // writes a file inside it

private:
    std::filesystem::path path_;
};

std::string read_file(const std::filesystem::path& path);  // whole file as bytes; "" when missing

}  // namespace station::test
