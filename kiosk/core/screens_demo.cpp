// --demo data behind the elderly-first screens: activities in the coming days and the guide file.
#include <spdlog/spdlog.h>

#include "kiosk/core/activities.h"
#include "kiosk/core/guide.h"
#include "kiosk/core/station.h"

namespace station {

void seed_demo_screens_data(Station& station) {
    if (int added = Activities(station).seed_demo(); added > 0)
        spdlog::info("demo: {} activities added", added);
    auto guide = seed_demo_guide(guide_file(station.data_dir()));
    if (!guide) spdlog::warn("demo: {}", guide.error().message);
}

}  // namespace station
