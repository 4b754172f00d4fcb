// Demo content for `station-kiosk --demo` (issue 5): the folder scripts/make_demo_content.sh
// writes at build time (build/share/station/demo-content), packed with a throwaway demo key and
// activated into DATA/content when the store has no active version yet. Never outside --demo.
#pragma once
#include <cstdint>
#include <filesystem>
#include <optional>

#include "kiosk/core/result.h"

namespace station {

class Station;

// Where the build put the demo folder: <binary dir>/../share/station/demo-content.
std::filesystem::path builtin_demo_content_dir();

// Packs and activates `folder` when the store is empty; returns the version activated, nullopt
// when content was already active (nothing changes). Publishes content.activated (source "demo").
Result<std::optional<std::int64_t>> install_demo_content(Station& station,
                                                         const std::filesystem::path& folder);

}  // namespace station
