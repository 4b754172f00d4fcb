#include "kiosk/core/data_dir.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace station {

std::filesystem::path resolve_data_dir(const std::string& flag, const std::string& configured) {
    if (!flag.empty()) return flag;
    if (!configured.empty()) return configured;
    if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg)
        return std::filesystem::path(xdg) / "station";
    if (const char* home = std::getenv("HOME"); home && *home)
        return std::filesystem::path(home) / ".local/share/station";
    return "/var/lib/station";
}

Result<Ok> prepare_data_dir(const std::filesystem::path& dir) {
    std::error_code ec;
    if (std::filesystem::exists(dir, ec) && !std::filesystem::is_directory(dir, ec))
        return Error{"data folder " + dir.string() + " is not a folder"};
    std::filesystem::create_directories(dir, ec);
    if (ec) return Error{"data folder " + dir.string() + " cannot be created: " + ec.message()};
    if (!std::filesystem::is_directory(dir))
        return Error{"data folder " + dir.string() + " is not a folder"};
    std::string probe = (dir / ".write-probe").string();
    int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return Error{"data folder " + dir.string() + " cannot be written: " + std::strerror(errno)};
    ::close(fd);
    ::unlink(probe.c_str());
    return Ok{};
}

}  // namespace station
