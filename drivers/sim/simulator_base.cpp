#include <arpa/inet.h>

#include <algorithm>
#include <chrono>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <netinet/in.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include "sim/simulator.h"

namespace station::drivers::sim {

const char* sim_fault_name(SimFault fault) {
    switch (fault) {
        case SimFault::None: return "none";
        case SimFault::Garbage: return "garbage";
        case SimFault::GarbageOnly: return "garbage_only";
        case SimFault::HalfFrames: return "half_frames";
        case SimFault::Silence: return "silence";
        case SimFault::WrongChecksum: return "wrong_checksum";
        case SimFault::NoCard: return "no_card";
        case SimFault::ReadFailed: return "read_failed";
        case SimFault::SamFailure: return "sam_failure";
        case SimFault::PaperOut: return "paper_out";
        case SimFault::NearEnd: return "near_end";
        case SimFault::CoverOpen: return "cover_open";
        case SimFault::Offline: return "offline";
        case SimFault::CutterError: return "cutter_error";
    }
    return "none";
}

std::optional<SimFault> sim_fault_from_name(std::string_view name) {
    for (int i = 0; i <= int(SimFault::CutterError); ++i)
        if (name == sim_fault_name(SimFault(i))) return SimFault(i);
    return std::nullopt;
}

SimulatorBase::SimulatorBase(SimEndpoint endpoint, std::string link_path)
    : endpoint_(endpoint), link_path_(std::move(link_path)) {}

SimulatorBase::~SimulatorBase() { stop(); }

Result<Ok> SimulatorBase::start() {
    wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (wake_fd_ < 0) return make_error(ErrorCode::Io, "sim", "eventfd", std::strerror(errno));
    {
        std::lock_guard lock(mutex_);
        if (auto ok = open_endpoint_locked(); !ok) return ok;
    }
    thread_ = std::thread([this] { serve(); });
    return Ok{};
}

void SimulatorBase::stop() {
    {
        std::lock_guard lock(mutex_);
        if (stopping_ && !thread_.joinable()) return;
        stopping_ = true;
    }
    if (wake_fd_ >= 0) {
        uint64_t one = 1;
        (void)!::write(wake_fd_, &one, sizeof one);
    }
    if (thread_.joinable()) thread_.join();
    std::lock_guard lock(mutex_);
    close_endpoint_locked();
    if (listen_fd_ >= 0) ::close(listen_fd_);
    listen_fd_ = -1;
    if (wake_fd_ >= 0) ::close(wake_fd_);
    wake_fd_ = -1;
    if (!link_path_.empty()) {
        std::error_code ec;
        std::filesystem::remove(link_path_, ec);
    }
}

Result<Ok> SimulatorBase::open_endpoint_locked() {
    if (endpoint_ == SimEndpoint::Tcp) {
        listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (listen_fd_ < 0) return make_error(ErrorCode::Io, "sim.tcp", "socket", std::strerror(errno));
        int one = 1;
        setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        addr.sin_port = htons(static_cast<uint16_t>(port_));
        if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(listen_fd_, 4) != 0) {
            int err = errno;
            ::close(listen_fd_);
            listen_fd_ = -1;
            return make_error(ErrorCode::Io, "sim.tcp", std::to_string(port_), std::strerror(err));
        }
        socklen_t len = sizeof addr;
        getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
        port_ = ntohs(addr.sin_port);
        return Ok{};
    }
    int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (master < 0 || grantpt(master) != 0 || unlockpt(master) != 0) {
        int err = errno;
        if (master >= 0) ::close(master);
        return make_error(ErrorCode::Io, "sim.pty", "posix_openpt", std::strerror(err));
    }
    char name[128];
    if (ptsname_r(master, name, sizeof name) != 0) {
        ::close(master);
        return make_error(ErrorCode::Io, "sim.pty", "ptsname", std::strerror(errno));
    }
    int slave = ::open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (slave < 0) {
        ::close(master);
        return make_error(ErrorCode::Io, "sim.pty", name, std::strerror(errno));
    }
    termios tio{};
    tcgetattr(slave, &tio);
    cfmakeraw(&tio);  // no echo, no CR/LF translation: the bytes are the protocol
    tcsetattr(slave, TCSANOW, &tio);
    fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK);
    io_fd_ = master;
    slave_keep_ = slave;
    slave_path_ = name;
    if (!link_path_.empty()) {
        std::error_code ec;
        std::filesystem::remove(link_path_, ec);
        std::filesystem::create_symlink(slave_path_, link_path_, ec);
        if (ec) return make_error(ErrorCode::Io, "sim.link", link_path_, ec.message());
    }
    return Ok{};
}

void SimulatorBase::close_endpoint_locked() {
    if (io_fd_ >= 0) ::close(io_fd_);
    if (slave_keep_ >= 0) ::close(slave_keep_);
    io_fd_ = -1;
    slave_keep_ = -1;
}

std::string SimulatorBase::uri() const {
    std::lock_guard lock(mutex_);
    if (endpoint_ == SimEndpoint::Tcp) return "tcp://127.0.0.1:" + std::to_string(port_);
    return link_path_.empty() ? slave_path_ : link_path_;
}

void SimulatorBase::set_fault(SimFault fault) {
    std::lock_guard lock(mutex_);
    fault_ = fault;
}

SimFault SimulatorBase::fault() const {
    std::lock_guard lock(mutex_);
    return fault_;
}

void SimulatorBase::unplug() {
    std::lock_guard lock(mutex_);
    close_endpoint_locked();
    if (listen_fd_ >= 0) ::close(listen_fd_);
    listen_fd_ = -1;
    if (!link_path_.empty()) {
        std::error_code ec;
        std::filesystem::remove(link_path_, ec);
    }
    uint64_t one = 1;
    (void)!::write(wake_fd_, &one, sizeof one);
}

Result<Ok> SimulatorBase::replug() {
    std::lock_guard lock(mutex_);
    if (io_fd_ >= 0 || listen_fd_ >= 0) return Ok{};
    auto ok = open_endpoint_locked();
    uint64_t one = 1;
    (void)!::write(wake_fd_, &one, sizeof one);
    return ok;
}

bool SimulatorBase::plugged() const {
    std::lock_guard lock(mutex_);
    return endpoint_ == SimEndpoint::Tcp ? listen_fd_ >= 0 : io_fd_ >= 0;
}

void SimulatorBase::set_wire_baud(int baud) {
    std::lock_guard lock(mutex_);
    wire_baud_ = baud > 0 ? baud : 0;
}

void SimulatorBase::send_locked(std::span<const uint8_t> bytes) {
    if (wire_baud_ > 0 && !bytes.empty()) {
        // The bytes leave as they would on the wire: spread over their transmission time.
        auto start = std::chrono::steady_clock::now();
        const size_t chunk = std::max<size_t>(1, size_t(wire_baud_) / 10 / 200);  // ~5 ms of bytes
        for (size_t at = 0; at < bytes.size(); at += chunk) {
            size_t n = std::min(chunk, bytes.size() - at);
            int baud = wire_baud_;
            // A byte is received when its last bit is: wait first, then hand it over.
            std::this_thread::sleep_until(start + std::chrono::microseconds(int64_t(at + n) * 10 * 1000000 / baud));
            wire_baud_ = 0;
            send_locked(bytes.subspan(at, n));
            wire_baud_ = baud;
        }
        return;
    }
    size_t done = 0;
    int spins = 0;
    while (io_fd_ >= 0 && done < bytes.size()) {
        ssize_t n = endpoint_ == SimEndpoint::Tcp ? ::send(io_fd_, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL)
                                                  : ::write(io_fd_, bytes.data() + done, bytes.size() - done);
        if (n > 0) {
            done += size_t(n);
        } else if (n < 0 && (errno == EAGAIN || errno == EINTR) && ++spins < 200) {
            pollfd p{io_fd_, POLLOUT, 0};
            ::poll(&p, 1, 5);
        } else {
            return;  // the driver is gone or stuck; a real device would drop the bytes too
        }
    }
}

void SimulatorBase::send_locked(std::string_view bytes) {
    send_locked(std::span(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
}

std::vector<uint8_t> SimulatorBase::random_bytes_locked(size_t count) {
    std::vector<uint8_t> out(count);
    for (auto& b : out) b = static_cast<uint8_t>(random_() & 0xFF);
    return out;
}

void SimulatorBase::serve() {
    uint8_t buffer[4096];
    for (;;) {
        pollfd fds[2];
        int count = 1;
        {
            std::lock_guard lock(mutex_);
            if (stopping_) return;
            fds[0] = {wake_fd_, POLLIN, 0};
            int fd = io_fd_ >= 0 ? io_fd_ : listen_fd_;
            if (fd >= 0) fds[count++] = {fd, POLLIN, 0};
        }
        // Descriptors change only under mutex_ and each change writes wake_fd_, so a stale
        // descriptor here at worst wakes us early.
        ::poll(fds, nfds_t(count), 200);
        if (fds[0].revents & POLLIN) {
            uint64_t value;
            (void)!::read(wake_fd_, &value, sizeof value);
            continue;
        }
        if (count < 2 || fds[1].revents == 0) continue;
        std::lock_guard lock(mutex_);
        if (stopping_) return;
        if (io_fd_ < 0 && listen_fd_ >= 0 && fds[1].fd == listen_fd_) {
            int conn = ::accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
            if (conn >= 0) {
                io_fd_ = conn;
                on_connect();
            }
            continue;
        }
        if (fds[1].fd != io_fd_) continue;
        ssize_t n = ::read(io_fd_, buffer, sizeof buffer);
        if (n > 0) {
            on_bytes(std::span(buffer, size_t(n)));
        } else if (endpoint_ == SimEndpoint::Tcp && (n == 0 || (errno != EAGAIN && errno != EINTR))) {
            ::close(io_fd_);  // the driver hung up; wait for the next connection
            io_fd_ = -1;
        }
    }
}

}  // namespace station::drivers::sim
