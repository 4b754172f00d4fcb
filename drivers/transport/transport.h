// Byte transports under every driver: serial (termios; also ptys), TCP, and plain device
// files such as /dev/usb/lp0. Each call is blocking but bounded by its timeout.
//
// A Transport is owned by one driver and used from one thread at a time. Errors:
// Unplugged when the device vanished (EIO, hang-up, peer closed), Timeout when nothing
// could be written in time, Io for anything else.
#pragma once
#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "common/device.h"

namespace station::drivers {

using Millis = std::chrono::milliseconds;

class Transport {
public:
    virtual ~Transport() = default;
    // Writes every byte or fails; `timeout` bounds the whole write.
    virtual Result<Ok> write_all(std::span<const uint8_t> bytes, Millis timeout) = 0;
    // Reads what is available (at least 1 byte), waiting up to `timeout`; 0 bytes = timed out.
    virtual Result<size_t> read_some(std::span<uint8_t> buffer, Millis timeout) = 0;
    // Drops bytes already received but not read (stale replies after a timeout).
    virtual void discard_input() = 0;
    // The URI it was opened from, for logs and health reasons.
    virtual const std::string& uri() const = 0;

    Result<Ok> write_all(std::string_view bytes, Millis timeout) {
        return write_all(std::span(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()), timeout);
    }
};

struct SerialSettings {
    int baud = 115200;  // 8N1, raw, no flow control
};

// Opens by URI:
//   tcp://host:port            raw TCP (ESC/POS network printers use 9100); connect ≤ timeout
//   serial:///dev/ttyUSB0      termios 8N1 at settings.baud (also "serial:/dev/..." );
//                              "?baud=9600" at the end overrides the rate
//   file:///dev/usb/lp0        device file, read/write, no termios
//   /dev/anything              a tty becomes serial, anything else a device file
Result<std::unique_ptr<Transport>> open_transport(const std::string& uri, SerialSettings settings = {},
                                                  Millis connect_timeout = Millis(2000));

}  // namespace station::drivers
