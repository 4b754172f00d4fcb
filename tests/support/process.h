// Test support: run the project's binaries as child processes, the way a user or installer would.
//
//  - run_process()     run to completion (with a time limit), capture stdout and stderr
//  - ChildProcess      start in the background, wait for a line on stderr, signal, reap
//  - VirtualDisplay    an Xvfb server on a free display number, for tests that need a real window
#pragma once
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace station::test {

struct ProcessResult {
    int exit_code = -1;        // exit status, or 128 + signal number when killed by a signal
    bool timed_out = false;    // true when the time limit ran out and the child was killed
    std::string out;           // everything written to stdout
    std::string err;           // everything written to stderr
};

// Environment changes for a child: a value sets the variable, std::nullopt unsets it.
using EnvChanges = std::map<std::string, std::optional<std::string>>;

// Path of a binary built into build/bin (e.g. "station-kiosk").
std::string bin_path(const std::string& name);

// Runs argv[0] with argv, stdin from /dev/null; kills it after `limit`.
ProcessResult run_process(const std::vector<std::string>& argv, const EnvChanges& env = {},
                          std::chrono::milliseconds limit = std::chrono::seconds(60));

class ChildProcess {
public:
    ChildProcess(const std::vector<std::string>& argv, const EnvChanges& env = {});
    ~ChildProcess();  // kills (SIGKILL) and reaps the child if still running
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;

    int pid() const { return pid_; }
    // Reads stderr until a line containing `needle` arrives; false on timeout or exit.
    bool wait_for_stderr(const std::string& needle, std::chrono::milliseconds limit);
    // Sends `signal` and waits for exit; the exit code as in ProcessResult, or -1 on timeout.
    int stop(int signal, std::chrono::milliseconds limit = std::chrono::seconds(10));
    bool running();
    const std::string& err_so_far() const { return err_; }  // stderr read so far

private:
    int pid_ = -1;
    int err_fd_ = -1;
    int exit_code_ = -1;
    bool reaped_ = false;
    std::string err_;
};

class VirtualDisplay {
public:
    // Starts Xvfb; throws when it cannot. A second screen (second_width > 0) is a second X screen,
    // which SDL lists as a second display.
    VirtualDisplay(int width = 1920, int height = 1080, int second_width = 0, int second_height = 0);
    ~VirtualDisplay();
    const std::string& name() const { return name_; }  // e.g. ":99", for DISPLAY

private:
    int pid_ = -1;
    std::string name_;
};

}  // namespace station::test
