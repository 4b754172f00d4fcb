#include "transport/transport.h"

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

namespace station::drivers {

namespace {

using Steady = std::chrono::steady_clock;

Error sys_error(const std::string& uri, const char* what, int err) {
    bool gone = err == EIO || err == ENXIO || err == ENODEV || err == EPIPE || err == ECONNRESET ||
                err == ENOENT || err == ECONNREFUSED || err == EBADF;
    return make_error(gone ? ErrorCode::Unplugged : ErrorCode::Io, uri, what,
                      std::string(gone ? "设备已断开 device disconnected: " : "读写失败 I/O error: ") +
                          std::strerror(err));
}

class FdTransport : public Transport {
public:
    FdTransport(int fd, std::string uri, bool is_socket) : fd_(fd), uri_(std::move(uri)), socket_(is_socket) {}
    ~FdTransport() override {
        if (fd_ >= 0) ::close(fd_);
    }

    Result<Ok> write_all(std::span<const uint8_t> bytes, Millis timeout) override {
        auto deadline = Steady::now() + timeout;
        size_t done = 0;
        while (done < bytes.size()) {
            ssize_t n = socket_ ? ::send(fd_, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL)
                                : ::write(fd_, bytes.data() + done, bytes.size() - done);
            if (n > 0) {
                done += static_cast<size_t>(n);
                continue;
            }
            if (n < 0 && errno == EINTR) continue;
            if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) return sys_error(uri_, "write", errno);
            auto left = std::chrono::duration_cast<Millis>(deadline - Steady::now());
            if (left <= Millis(0))
                return make_error(ErrorCode::Timeout, uri_, std::to_string(done) + "/" + std::to_string(bytes.size()),
                                  "写入超时 write timed out");
            pollfd p{fd_, POLLOUT, 0};
            int rc = ::poll(&p, 1, static_cast<int>(left.count()));
            if (rc < 0 && errno != EINTR) return sys_error(uri_, "poll", errno);
            if (rc > 0 && (p.revents & (POLLERR | POLLHUP | POLLNVAL)) && !(p.revents & POLLOUT))
                return sys_error(uri_, "write", EIO);
        }
        return Ok{};
    }

    Result<size_t> read_some(std::span<uint8_t> buffer, Millis timeout) override {
        auto deadline = Steady::now() + timeout;
        for (;;) {
            ssize_t n = ::read(fd_, buffer.data(), buffer.size());
            if (n > 0) return static_cast<size_t>(n);
            if (n == 0) {
                // A closed socket, or a pty whose other end is gone.
                if (socket_ || hangup_seen_) return sys_error(uri_, "read", EPIPE);
            } else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
                return sys_error(uri_, "read", errno);
            }
            auto left = std::chrono::duration_cast<Millis>(deadline - Steady::now());
            if (left <= Millis(0)) return size_t{0};
            pollfd p{fd_, POLLIN, 0};
            int rc = ::poll(&p, 1, static_cast<int>(left.count()));
            if (rc < 0 && errno != EINTR) return sys_error(uri_, "poll", errno);
            if (rc > 0 && (p.revents & (POLLHUP | POLLERR | POLLNVAL)) && !(p.revents & POLLIN)) {
                if (p.revents & POLLNVAL) return sys_error(uri_, "poll", EBADF);
                return sys_error(uri_, "read", EIO);
            }
            if (rc > 0 && (p.revents & POLLHUP)) hangup_seen_ = true;
        }
    }

    void discard_input() override {
        if (!socket_ && isatty(fd_)) tcflush(fd_, TCIFLUSH);
        uint8_t junk[512];
        while (::read(fd_, junk, sizeof junk) > 0) {
        }
    }

    const std::string& uri() const override { return uri_; }

private:
    int fd_;
    std::string uri_;
    bool socket_;
    bool hangup_seen_ = false;
};

speed_t baud_constant(int baud) {
    switch (baud) {
        case 9600: return B9600;
        case 19200: return B19200;
        case 38400: return B38400;
        case 57600: return B57600;
        case 115200: return B115200;
        case 230400: return B230400;
        case 460800: return B460800;
        case 921600: return B921600;
        default: return 0;
    }
}

Result<std::unique_ptr<Transport>> open_serial(const std::string& path, const std::string& uri, SerialSettings s) {
    speed_t speed = baud_constant(s.baud);
    if (speed == 0)
        return make_error(ErrorCode::InvalidArgument, "baud", std::to_string(s.baud), "不支持的波特率 unsupported baud rate");
    int fd = ::open(path.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return sys_error(uri, "open", errno);
    termios tio{};
    if (tcgetattr(fd, &tio) != 0) {
        int err = errno;
        ::close(fd);
        return make_error(ErrorCode::InvalidArgument, uri, "tcgetattr",
                          std::string("不是串口 not a serial port: ") + std::strerror(err));
    }
    cfmakeraw(&tio);
    tio.c_cflag |= CLOCAL | CREAD;
    tio.c_cflag &= ~(CSTOPB | PARENB | CRTSCTS);
    tio.c_cc[VMIN] = 0;
    tio.c_cc[VTIME] = 0;
    cfsetispeed(&tio, speed);
    cfsetospeed(&tio, speed);
    tcsetattr(fd, TCSANOW, &tio);
    tcflush(fd, TCIOFLUSH);
    return std::unique_ptr<Transport>(new FdTransport(fd, uri, false));
}

Result<std::unique_ptr<Transport>> open_file(const std::string& path, const std::string& uri) {
    int fd = ::open(path.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0 && (errno == EACCES || errno == EINVAL || errno == EISDIR))
        fd = ::open(path.c_str(), O_WRONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return sys_error(uri, "open", errno);
    return std::unique_ptr<Transport>(new FdTransport(fd, uri, false));
}

Result<std::unique_ptr<Transport>> open_tcp(const std::string& rest, const std::string& uri, Millis timeout) {
    auto colon = rest.rfind(':');
    std::string host = colon == std::string::npos ? rest : rest.substr(0, colon);
    std::string port = colon == std::string::npos ? "9100" : rest.substr(colon + 1);
    while (!port.empty() && port.back() == '/') port.pop_back();
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    if (host.empty() || port.empty())
        return make_error(ErrorCode::InvalidArgument, "uri", uri, "地址应为 tcp://主机:端口 expected tcp://host:port");
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    if (int rc = getaddrinfo(host.c_str(), port.c_str(), &hints, &found); rc != 0)
        return make_error(ErrorCode::Unplugged, uri, host, std::string("无法解析主机 cannot resolve host: ") + gai_strerror(rc));
    Error last = make_error(ErrorCode::Unplugged, uri, "connect", "无法连接 cannot connect");
    for (addrinfo* a = found; a; a = a->ai_next) {
        int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
        if (fd < 0) continue;
        int rc = ::connect(fd, a->ai_addr, a->ai_addrlen);
        if (rc != 0 && errno == EINPROGRESS) {
            pollfd p{fd, POLLOUT, 0};
            rc = ::poll(&p, 1, static_cast<int>(timeout.count()));
            if (rc == 0) {
                ::close(fd);
                last = make_error(ErrorCode::Timeout, uri, "connect", "连接超时 connect timed out");
                continue;
            }
            int err = 0;
            socklen_t len = sizeof err;
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
            rc = err == 0 ? 0 : -1;
            errno = err;
        }
        if (rc != 0) {
            last = sys_error(uri, "connect", errno);
            ::close(fd);
            continue;
        }
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        freeaddrinfo(found);
        return std::unique_ptr<Transport>(new FdTransport(fd, uri, true));
    }
    freeaddrinfo(found);
    return last;
}

}  // namespace

Result<std::unique_ptr<Transport>> open_transport(const std::string& uri, SerialSettings settings,
                                                  Millis connect_timeout) {
    auto strip = [&](std::string_view prefix) -> std::string {
        std::string rest = uri.substr(prefix.size());
        if (rest.rfind("//", 0) == 0) rest = rest.substr(2);
        return rest;
    };
    if (uri.rfind("tcp:", 0) == 0) return open_tcp(strip("tcp:"), uri, connect_timeout);
    if (uri.rfind("serial:", 0) == 0) {
        std::string path = strip("serial:");
        if (auto q = path.find("?baud="); q != std::string::npos) {
            std::string rate = path.substr(q + 6);
            path.resize(q);
            if (rate.empty() || rate.size() > 7 || rate.find_first_not_of("0123456789") != std::string::npos)
                return make_error(ErrorCode::InvalidArgument, "baud", rate, "波特率应为数字 baud rate must be a number");
            settings.baud = std::stoi(rate);
        }
        return open_serial(path, uri, settings);
    }
    if (uri.rfind("file:", 0) == 0) return open_file(strip("file:"), uri);
    if (uri.empty() || uri[0] != '/')
        return make_error(ErrorCode::InvalidArgument, "uri", uri,
                          "未知的设备地址 unknown device address (tcp://, serial://, file:// or /dev/...)");
    int probe = ::open(uri.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (probe < 0) return open_file(uri, uri);  // reports the open error, or opens write-only
    bool tty = isatty(probe);
    ::close(probe);
    return tty ? open_serial(uri, uri, settings) : open_file(uri, uri);
}

}  // namespace station::drivers
