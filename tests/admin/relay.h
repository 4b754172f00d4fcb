// Test support for tests/admin: a TCP relay between a console and a kiosk.
#pragma once
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace station::test {

// A TCP relay between the console and the kiosk that the test can cut and restore, to drop the
// event stream the way a network does.
class Relay {
public:
    // scheme: what the kiosk behind it speaks ("http" or "https"); the relay only moves bytes.
    explicit Relay(int upstream_port, std::string scheme = "http")
        : upstream_(upstream_port), scheme_(std::move(scheme)) {
        listen_now();
    }
    ~Relay() {
        cut();
        for (auto& t : accept_threads_) t.join();
    }
    std::string url() const { return scheme_ + "://127.0.0.1:" + std::to_string(port_); }
    void cut() {  // closes the listener and every relayed connection
        std::lock_guard<std::mutex> guard(mutex_);
        if (listener_ >= 0) ::shutdown(listener_, SHUT_RDWR);
        listener_ = -1;
        for (int fd : open_) ::shutdown(fd, SHUT_RDWR);
    }
    void restore() { listen_now(); }

private:
    void listen_now() {
        int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        int one = 1;
        ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        address.sin_port = htons(static_cast<uint16_t>(port_));
        REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
        REQUIRE(::listen(fd, 16) == 0);
        socklen_t length = sizeof address;
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
        port_ = ntohs(address.sin_port);
        {
            std::lock_guard<std::mutex> guard(mutex_);
            listener_ = fd;
        }
        accept_threads_.emplace_back([this, fd] { accept_loop(fd); });
    }
    void accept_loop(int listener) {
        std::vector<std::thread> pumps;
        for (;;) {
            int client = ::accept(listener, nullptr, nullptr);
            if (client < 0) break;
            int upstream = ::socket(AF_INET, SOCK_STREAM, 0);
            sockaddr_in address{};
            address.sin_family = AF_INET;
            address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
            address.sin_port = htons(static_cast<uint16_t>(upstream_));
            if (::connect(upstream, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
                ::close(client);
                ::close(upstream);
                continue;
            }
            {
                std::lock_guard<std::mutex> guard(mutex_);
                open_.push_back(client);
                open_.push_back(upstream);
            }
            pumps.emplace_back([this, client, upstream] { pump(client, upstream); });
        }
        ::close(listener);
        for (auto& t : pumps) t.join();
    }
    void pump(int a, int b) {
        pollfd fds[2] = {{a, POLLIN, 0}, {b, POLLIN, 0}};
        char buffer[8192];
        for (bool done = false; !done;) {
            if (::poll(fds, 2, 200) < 0) break;
            for (int i = 0; i < 2 && !done; ++i) {
                if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
                ssize_t n = ::read(fds[i].fd, buffer, sizeof buffer);
                if (n <= 0 || ::write(fds[1 - i].fd, buffer, size_t(n)) != n) done = true;
            }
        }
        std::lock_guard<std::mutex> guard(mutex_);  // out of open_ before the numbers can be reused
        std::erase(open_, a);
        std::erase(open_, b);
        ::close(a);
        ::close(b);
    }
    int upstream_;
    std::string scheme_;
    int port_ = 0;
    std::mutex mutex_;  // guards listener_ and open_
    int listener_ = -1;
    std::vector<int> open_;                    // relayed sockets still open
    std::vector<std::thread> accept_threads_;  // one per listen; each joins its pumps
};

}  // namespace station::test
