#include "kiosk/core/log.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace station {

void setup_logging(const std::string& level) {
    auto logger = spdlog::stderr_logger_mt("station");
    // journald stamps its own time; keep ours for terminals and files.
    logger->set_pattern("%Y-%m-%d %H:%M:%S.%e %l %v");
    logger->set_level(spdlog::level::from_str(level));
    logger->flush_on(spdlog::level::info);
    spdlog::set_default_logger(logger);
}

}  // namespace station
