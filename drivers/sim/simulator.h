// Device simulators: each speaks its device's real bytes from the device's side of a pty
// (posix_openpt) or, for the printer, a TCP socket, so the real drivers can be tested and
// the kiosk can run `--demo` without hardware.
//
//  - SimFault               fault modes shared by all simulators
//  - SimulatorBase          the endpoint (pty or TCP), a serving thread, unplug()/replug()
//  - IdCardSimulator        SAM reader holding a configurable card
//  - PrinterSimulator       ESC/POS printer: records lines, cuts, QR codes, raster images;
//                           answers DLE EOT n per fault
//  - QrScannerSimulator     serial (CDC) scanner: emits scan lines
//  - HelpButtonSimulator    serial help button: emits a line per press
//  - UinputKeyboardSimulator  a HID keyboard-wedge scanner or USB help key through
//                           /dev/uinput (Unavailable where the kernel offers no uinput)
//
// Threads: each simulator runs one serving thread of its own; every public method may be
// called from any thread (state is behind one mutex per simulator). Destroying a simulator
// stops its thread and closes the endpoint.
#pragma once
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "common/device.h"
#include "idcard/idcard.h"

namespace station::drivers::sim {

enum class SimFault {
    None,
    Garbage,        // random bytes before every reply (a tolerant driver still succeeds)
    GarbageOnly,    // random bytes instead of every reply
    HalfFrames,     // only the first half of every reply
    Silence,        // no reply at all
    WrongChecksum,  // replies with a corrupted checksum (SAM)
    NoCard,         // SAM: find always answers 80
    ReadFailed,     // SAM: read answers 41
    SamFailure,     // SAM: status answers 60 (self-test failed)
    PaperOut,       // printer: paper end; printing is dropped
    NearEnd,        // printer: paper near end; still prints
    CoverOpen,      // printer: cover open; printing is dropped
    Offline,        // printer: offline bit set
    CutterError,    // printer: cutter error (auto-recoverable error bit)
};
const char* sim_fault_name(SimFault fault);                     // "paper_out", ...
std::optional<SimFault> sim_fault_from_name(std::string_view name);  // inverse; nullopt if unknown

enum class SimEndpoint { Pty, Tcp };

class SimulatorBase {
public:
    virtual ~SimulatorBase();
    SimulatorBase(const SimulatorBase&) = delete;
    SimulatorBase& operator=(const SimulatorBase&) = delete;

    // What the driver opens: the pty slave path (or `link_path` when given, a symlink that
    // replug() re-points), or "tcp://127.0.0.1:PORT".
    std::string uri() const;
    void set_fault(SimFault fault);
    SimFault fault() const;
    // Unplugs: closes the pty master / the socket and listener. The driver's next read or
    // write fails with Unplugged.
    void unplug();
    // Plugs back in: a fresh pty (the link is re-pointed) or a listener on the same port.
    Result<Ok> replug();
    bool plugged() const;
    // Paces what the simulator sends like a serial wire at `baud` (10 bits a byte); 0 = as
    // fast as the pty goes (default). For timing figures such as idcard_read_ms.
    void set_wire_baud(int baud);

protected:
    // `link_path` empty: no symlink. The endpoint is opened by start().
    SimulatorBase(SimEndpoint endpoint, std::string link_path);
    Result<Ok> start();  // called by the derived constructor's factory
    void stop();         // called by the derived destructor before members die

    // Runs on the serving thread with mutex_ held: bytes from the driver.
    virtual void on_bytes(std::span<const uint8_t> bytes) = 0;
    // Runs on the serving thread with mutex_ held when a TCP client connects.
    virtual void on_connect() {}
    // Sends to the driver; call with mutex_ held (from on_bytes or a public method).
    void send_locked(std::span<const uint8_t> bytes);
    void send_locked(std::string_view bytes);
    std::vector<uint8_t> random_bytes_locked(size_t count);

    mutable std::mutex mutex_;  // guards everything below and the derived simulators' state
    SimFault fault_ = SimFault::None;

private:
    Result<Ok> open_endpoint_locked();
    void close_endpoint_locked();
    void serve();

    SimEndpoint endpoint_;
    std::string link_path_;
    std::string slave_path_;
    int io_fd_ = -1;        // pty master, or the accepted TCP connection
    int slave_keep_ = -1;   // pty slave held open: keeps the pty raw and alive between opens
    int listen_fd_ = -1;    // TCP listener
    int port_ = 0;
    int wake_fd_ = -1;      // eventfd waking the serving thread
    int wire_baud_ = 0;
    bool stopping_ = false;
    std::mt19937 random_{12345};
    std::thread thread_;
};

// ---- ID-card reader ---------------------------------------------------------------------

class IdCardSimulator final : public SimulatorBase {
public:
    // Starts on a pty; `card` is on the reader when given.
    static Result<std::unique_ptr<IdCardSimulator>> create(std::optional<IdCard> card = std::nullopt,
                                                           std::string link_path = {});
    ~IdCardSimulator() override;

    void place_card(IdCard card);                       // card put on the reader
    void place_card_text(std::vector<uint8_t> text256);  // raw text block (e.g. a bad one)
    void lift_card();                                   // card removed
    std::vector<std::vector<uint8_t>> received_frames() const;  // every command frame, raw
    static IdCard sample_card();  // a plausible resident card with a valid check digit

private:
    explicit IdCardSimulator(std::string link_path);
    void on_bytes(std::span<const uint8_t> bytes) override;
    void reply_locked(std::vector<uint8_t> body);

    SamFrameParser parser_;
    std::optional<std::vector<uint8_t>> card_text_;
    std::vector<uint8_t> photo_;
    std::vector<std::vector<uint8_t>> received_;
};

// ---- ESC/POS printer --------------------------------------------------------------------

struct SimPrintedLine {
    std::string text;       // UTF-8 (GB18030 decoded)
    int align = 0;          // 0 left, 1 centre, 2 right
    bool bold = false;
    int width_scale = 1;    // from GS ! / FS !
    int height_scale = 1;
    bool operator==(const SimPrintedLine&) const = default;
};

struct SimRaster {
    int width_bytes = 0;  // bytes per row
    int height = 0;       // rows
    std::vector<uint8_t> bits;  // MSB = leftmost, 1 = black
    bool pixel(int x, int y) const { return (bits[size_t(y) * size_t(width_bytes) + size_t(x / 8)] >> (7 - x % 8)) & 1; }
};

struct SimPrinterRecord {
    std::vector<SimPrintedLine> lines;
    std::vector<std::string> qr_codes;    // payloads printed with GS ( k
    std::vector<SimRaster> rasters;       // GS v 0 bands, in order
    int cuts = 0;
    int status_queries = 0;
    size_t bytes_received = 0;
    size_t bytes_dropped = 0;             // printing bytes ignored while paper out / cover open
    std::vector<std::string> problems;    // malformed commands, undecodable text
};

class PrinterSimulator final : public SimulatorBase {
public:
    // Starts on a pty (serial or /dev/usb/lp stand-in) or a TCP port on 127.0.0.1.
    static Result<std::unique_ptr<PrinterSimulator>> create(SimEndpoint endpoint = SimEndpoint::Pty,
                                                            std::string link_path = {});
    ~PrinterSimulator() override;

    SimPrinterRecord record() const;  // snapshot of everything printed so far
    void clear_record();
    // DLE EOT n reply for the current fault (n = 1..4), as a real printer would send it.
    uint8_t status_byte(int n) const;
    // After the next cut the fault becomes `fault` (e.g. Silence or PaperOut): a printer that
    // fails during a job.
    void fault_after_next_cut(SimFault fault);

private:
    PrinterSimulator(SimEndpoint endpoint, std::string link_path);
    void on_bytes(std::span<const uint8_t> bytes) override;
    void on_connect() override;
    size_t parse_one_locked(size_t at);  // bytes consumed, 0 when incomplete
    void flush_line_locked();
    uint8_t status_byte_locked(int n) const;
    bool printing_blocked_locked() const;

    std::vector<uint8_t> pending_;
    std::string line_bytes_;
    bool chinese_ = false;
    SimPrintedLine style_;
    std::vector<uint8_t> qr_store_;
    std::optional<SimFault> fault_after_cut_;
    SimPrinterRecord record_;
};

// ---- Serial QR scanner and help button ---------------------------------------------------

class QrScannerSimulator final : public SimulatorBase {
public:
    static Result<std::unique_ptr<QrScannerSimulator>> create(std::string link_path = {});
    ~QrScannerSimulator() override;
    // Sends `payload` + terminator ("\r" by default; "\r\n" also common). Faults: Garbage
    // sends random bytes first, HalfFrames sends the payload without a terminator,
    // Silence sends nothing.
    void emit_scan(std::string_view payload, std::string_view terminator = "\r");
    void emit_raw(std::string_view bytes);

private:
    explicit QrScannerSimulator(std::string link_path);
    void on_bytes(std::span<const uint8_t>) override {}
};

class HelpButtonSimulator final : public SimulatorBase {
public:
    static Result<std::unique_ptr<HelpButtonSimulator>> create(std::string token = "HELP", std::string link_path = {});
    ~HelpButtonSimulator() override;
    // One press: the token + CR LF, repeated `bounces` extra times as contact bounce does.
    void press(int bounces = 0);

private:
    HelpButtonSimulator(std::string token, std::string link_path);
    void on_bytes(std::span<const uint8_t>) override {}
    std::string token_;
};

// ---- HID keyboard-wedge (uinput) ---------------------------------------------------------

// Creates a virtual keyboard. Unlike the pty simulators it needs /dev/uinput (root or the
// uinput group); create() returns Unavailable otherwise, so tests can skip cleanly.
class UinputKeyboardSimulator {
public:
    static Result<std::unique_ptr<UinputKeyboardSimulator>> create(const std::string& name = "Station sim scanner");
    ~UinputKeyboardSimulator();
    UinputKeyboardSimulator(const UinputKeyboardSimulator&) = delete;
    UinputKeyboardSimulator& operator=(const UinputKeyboardSimulator&) = delete;
    std::string event_path() const;  // /dev/input/eventN, for HidQrScanner / EvdevHelpButton
    // Types ASCII `text` with the US layout (shift where needed), then Enter when `enter`.
    Result<Ok> type(std::string_view text, bool enter = true);
    Result<Ok> key(int key_code, int value);  // one raw key event + SYN

private:
    UinputKeyboardSimulator() = default;
    void* device_ = nullptr;  // struct libevdev_uinput*
};

// ---- Demo set ----------------------------------------------------------------------------

// Every serial simulator at a stable path inside `folder` (idcard, printer, qr, button
// symlinks) for `station-kiosk --demo` and for trying `stationctl device …`. The printer is
// a pty, so the kiosk uses the serial transport for it. The ID reader starts empty: call
// idcard->place_card(IdCardSimulator::sample_card()) to "put a card on it".
struct DemoDevices {
    std::unique_ptr<IdCardSimulator> idcard;
    std::unique_ptr<PrinterSimulator> printer;
    std::unique_ptr<QrScannerSimulator> qr;
    std::unique_ptr<HelpButtonSimulator> button;
    static Result<DemoDevices> start(const std::string& folder);
};

}  // namespace station::drivers::sim
