#include "process.h"

#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <stdexcept>
#include <sys/wait.h>
#include <unistd.h>

namespace station::test {
namespace {

using Clock = std::chrono::steady_clock;

int decode_status(int status) {
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return -1;
}

// Forks and execs argv with stdout/stderr to the given fds (-1 keeps the parent's).
int spawn(const std::vector<std::string>& argv, const EnvChanges& env, int out_fd, int err_fd,
          int extra_fd = -1) {
    pid_t pid = fork();
    if (pid < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
    if (pid == 0) {
        int null_fd = open("/dev/null", O_RDONLY);
        dup2(null_fd, 0);
        if (out_fd >= 0) dup2(out_fd, 1);
        if (err_fd >= 0) dup2(err_fd, 2);
        if (extra_fd >= 0 && extra_fd != 3) dup2(extra_fd, 3);
        for (const auto& [name, value] : env) {
            if (value) setenv(name.c_str(), value->c_str(), 1);
            else unsetenv(name.c_str());
        }
        std::vector<char*> args;
        for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        execvp(args[0], args.data());
        dprintf(2, "exec %s: %s\n", args[0], std::strerror(errno));
        _exit(127);
    }
    return pid;
}

}  // namespace

std::string bin_path(const std::string& name) { return std::string(STATION_BIN_DIR) + "/" + name; }

ProcessResult run_process(const std::vector<std::string>& argv, const EnvChanges& env,
                          std::chrono::milliseconds limit) {
    int out_pipe[2], err_pipe[2];
    if (pipe2(out_pipe, O_CLOEXEC) != 0 || pipe2(err_pipe, O_CLOEXEC) != 0)
        throw std::runtime_error("pipe failed");
    int pid = spawn(argv, env, out_pipe[1], err_pipe[1]);
    close(out_pipe[1]);
    close(err_pipe[1]);

    ProcessResult result;
    auto deadline = Clock::now() + limit;
    pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
    int open_count = 2;
    while (open_count > 0) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (left.count() <= 0) {
            kill(pid, SIGKILL);
            result.timed_out = true;
            break;
        }
        if (poll(fds, 2, static_cast<int>(left.count())) <= 0) continue;
        for (int i = 0; i < 2; ++i) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP))) continue;
            char buf[65536];
            ssize_t n = read(fds[i].fd, buf, sizeof buf);
            if (n <= 0) {
                close(fds[i].fd);
                fds[i].fd = -1;
                --open_count;
            } else {
                (i == 0 ? result.out : result.err).append(buf, static_cast<size_t>(n));
            }
        }
    }
    for (auto& f : fds)
        if (f.fd >= 0) close(f.fd);
    int status = 0;
    waitpid(pid, &status, 0);
    result.exit_code = decode_status(status);
    return result;
}

ChildProcess::ChildProcess(const std::vector<std::string>& argv, const EnvChanges& env) {
    int err_pipe[2];
    if (pipe2(err_pipe, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
    int null_out = open("/dev/null", O_WRONLY | O_CLOEXEC);
    pid_ = spawn(argv, env, null_out, err_pipe[1]);
    close(null_out);
    close(err_pipe[1]);
    err_fd_ = err_pipe[0];
}

ChildProcess::~ChildProcess() {
    if (!reaped_ && pid_ > 0) {
        kill(pid_, SIGKILL);
        waitpid(pid_, nullptr, 0);
    }
    if (err_fd_ >= 0) close(err_fd_);
}

bool ChildProcess::wait_for_stderr(const std::string& needle, std::chrono::milliseconds limit) {
    auto deadline = Clock::now() + limit;
    while (err_.find(needle) == std::string::npos) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (left.count() <= 0 || err_fd_ < 0) return false;
        pollfd fd{err_fd_, POLLIN, 0};
        if (poll(&fd, 1, static_cast<int>(left.count())) <= 0) continue;
        char buf[4096];
        ssize_t n = read(err_fd_, buf, sizeof buf);
        if (n <= 0) {
            close(err_fd_);
            err_fd_ = -1;
            return err_.find(needle) != std::string::npos;
        }
        err_.append(buf, static_cast<size_t>(n));
    }
    return true;
}

bool ChildProcess::running() {
    if (reaped_) return false;
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
        reaped_ = true;
        exit_code_ = decode_status(status);
        return false;
    }
    return true;
}

int ChildProcess::stop(int signal, std::chrono::milliseconds limit) {
    if (reaped_) return exit_code_;
    kill(pid_, signal);
    auto deadline = Clock::now() + limit;
    while (Clock::now() < deadline) {
        int status = 0;
        if (waitpid(pid_, &status, WNOHANG) == pid_) {
            reaped_ = true;
            exit_code_ = decode_status(status);
            wait_for_stderr("\x01never\x01", std::chrono::milliseconds(200));  // drain stderr
            return exit_code_;
        }
        usleep(10000);
    }
    return -1;
}

VirtualDisplay::VirtualDisplay(int width, int height, int second_width, int second_height) {
    int fd_pipe[2];
    if (pipe(fd_pipe) != 0) throw std::runtime_error("pipe failed");
    std::string screen = std::to_string(width) + "x" + std::to_string(height) + "x24";
    int null_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
    std::vector<std::string> args = {"Xvfb", "-displayfd", "3", "-screen", "0", screen, "-nolisten", "tcp"};
    if (second_width > 0) {
        args.insert(args.end(), {"-screen", "1", std::to_string(second_width) + "x" + std::to_string(second_height) + "x24"});
    }
    pid_ = spawn(args, {}, null_fd, null_fd, fd_pipe[1]);
    close(null_fd);
    close(fd_pipe[1]);
    std::string number;
    pollfd fd{fd_pipe[0], POLLIN, 0};
    auto deadline = Clock::now() + std::chrono::seconds(20);
    while (number.find('\n') == std::string::npos && Clock::now() < deadline) {
        if (poll(&fd, 1, 200) <= 0) continue;
        char buf[32];
        ssize_t n = read(fd_pipe[0], buf, sizeof buf);
        if (n <= 0) break;
        number.append(buf, static_cast<size_t>(n));
    }
    close(fd_pipe[0]);
    if (number.find('\n') == std::string::npos) {
        kill(pid_, SIGKILL);
        waitpid(pid_, nullptr, 0);
        throw std::runtime_error("Xvfb did not start (is the xvfb package installed?)");
    }
    name_ = ":" + number.substr(0, number.find('\n'));
}

VirtualDisplay::~VirtualDisplay() {
    if (pid_ > 0) {
        kill(pid_, SIGTERM);
        waitpid(pid_, nullptr, 0);
    }
}

}  // namespace station::test
