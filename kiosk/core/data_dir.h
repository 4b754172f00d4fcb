// The station's data folder: var/station.db (SQLite), var/content/, logs of proof of play.
#pragma once
#include <filesystem>
#include <string>

#include "kiosk/core/result.h"

namespace station {

// The folder to use: `flag` (from --data) if set, else `configured` (data.dir), else
// $XDG_DATA_HOME/station, else $HOME/.local/share/station.
std::filesystem::path resolve_data_dir(const std::string& flag, const std::string& configured);

// Creates the folder (and parents) when missing and proves it writable by writing and removing
// a probe file. The error says which folder and why ("cannot be written: Permission denied").
Result<Ok> prepare_data_dir(const std::filesystem::path& dir);

}  // namespace station
