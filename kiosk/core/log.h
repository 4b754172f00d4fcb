// Logging to stderr (journald picks it up under systemd). Never log personal data: ID numbers,
// names of residents, phone numbers.
#pragma once
#include <string>

namespace station {

// Sets the process-wide logger: stderr, the given level (trace|debug|info|warn|error).
void setup_logging(const std::string& level);

}  // namespace station
