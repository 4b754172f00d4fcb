// `stationctl content ...`: an editor's content workflow, offline (content/ library):
//   content init DIR                          a starter folder to edit
//   content pack DIR --key KEY -o FILE        probe, hash, sign → FILE.spkg
//   content verify FILE --trust PUB...        every check a kiosk makes; exit 1 on any fault
//   content schedule DIR|FILE --at TIME       what plays in each zone at TIME
//   content push FILE --to URL[,URL...] [--user U --pin P] [--json]  to kiosks, only missing blobs
//   content status  (--to URL [--user U --pin P] | --store DIR)     versions on a kiosk / in a store
//   content rollback (--to URL [--user U --pin P] | --store DIR)    back to the previous version
// Against kiosks these log in as every stationctl command does (credentials.h: --user/--pin or the
// token saved by `stationctl login`) and pin https:// kiosks' certificates the same way (the common
// --pin-cert, else the one the saved login saw), the push's blob transfer included.
//   content import FILE --store DIR --trust PUB   import into a local store (USB, technicians)
#pragma once
#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace station::ctl {

class ContentCommands {
public:
    explicit ContentCommands(CLI::App& app);  // registers the `content` subcommand tree on app
    bool parsed() const;                      // true when the command line chose `content ...`
    int run();                                // runs it; exit code 0 ok, 1 refused/failed, 2 usage

private:
    int init();
    int pack();
    int verify();
    int schedule();
    int import_package();
    int push();
    int remote(const char* command);
    int status();
    int rollback();

    CLI::App* content_ = nullptr;
    CLI::App* init_ = nullptr;
    CLI::App* pack_ = nullptr;
    CLI::App* verify_ = nullptr;
    CLI::App* schedule_ = nullptr;
    CLI::App* import_ = nullptr;
    CLI::App* status_ = nullptr;
    CLI::App* rollback_ = nullptr;
    CLI::App* push_ = nullptr;
    std::string dir_;                          // content folder (init, pack)
    std::string file_;                         // package (verify, import) or folder (schedule)
    std::string key_;                          // --key
    std::string output_;                       // -o
    std::vector<std::string> trust_;           // --trust
    std::string store_;                        // --store
    std::vector<std::string> to_;              // --to kiosk URLs
    std::string user_;                         // --user
    std::string pin_;                          // --pin
    std::string at_;                           // --at
    long long version_ = 0;                    // --version (0 = content.toml's)
    bool allow_rollback_ = false;              // import --rollback
    bool json_ = false;                        // --json
    bool no_probe_ = false;                    // pack --no-probe
};

}  // namespace station::ctl
