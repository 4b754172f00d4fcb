// The printer's side of ESC/POS: parses the incoming command stream enough to record what
// would be on paper, and answers DLE EOT n with the status bytes of the current fault.
#include "common/text.h"
#include "printer/printer.h"
#include "sim/simulator.h"

namespace station::drivers::sim {

PrinterSimulator::PrinterSimulator(SimEndpoint endpoint, std::string link_path)
    : SimulatorBase(endpoint, std::move(link_path)) {}

PrinterSimulator::~PrinterSimulator() { stop(); }

Result<std::unique_ptr<PrinterSimulator>> PrinterSimulator::create(SimEndpoint endpoint, std::string link_path) {
    std::unique_ptr<PrinterSimulator> sim(new PrinterSimulator(endpoint, std::move(link_path)));
    if (auto ok = sim->start(); !ok) return ok.error();
    return sim;
}

SimPrinterRecord PrinterSimulator::record() const {
    std::lock_guard lock(mutex_);
    return record_;
}

void PrinterSimulator::clear_record() {
    std::lock_guard lock(mutex_);
    record_ = {};
}

uint8_t PrinterSimulator::status_byte(int n) const {
    std::lock_guard lock(mutex_);
    return status_byte_locked(n);
}

uint8_t PrinterSimulator::status_byte_locked(int n) const {
    uint8_t byte = 0x12;  // fixed bits of every DLE EOT reply
    switch (n) {
        case 1:
            if (fault_ == SimFault::Offline || fault_ == SimFault::PaperOut || fault_ == SimFault::CoverOpen) byte |= 0x08;
            break;
        case 2:
            if (fault_ == SimFault::CoverOpen) byte |= 0x04;
            if (fault_ == SimFault::PaperOut) byte |= 0x20;
            if (fault_ == SimFault::CutterError) byte |= 0x40;
            break;
        case 3:
            if (fault_ == SimFault::CutterError) byte |= 0x08 | 0x40;
            break;
        case 4:
            if (fault_ == SimFault::NearEnd) byte |= 0x0C;
            if (fault_ == SimFault::PaperOut) byte |= 0x0C | 0x60;
            break;
        default: break;
    }
    return byte;
}

bool PrinterSimulator::printing_blocked_locked() const {
    return fault_ == SimFault::PaperOut || fault_ == SimFault::CoverOpen || fault_ == SimFault::Offline;
}

void PrinterSimulator::fault_after_next_cut(SimFault fault) {
    std::lock_guard lock(mutex_);
    fault_after_cut_ = fault;
}

void PrinterSimulator::on_connect() {
    // A new network job starts a fresh command stream.
    pending_.clear();
    line_bytes_.clear();
}

void PrinterSimulator::flush_line_locked() {
    if (line_bytes_.empty()) return;
    SimPrintedLine line = style_;
    auto decoded = gb18030_to_utf8(line_bytes_);
    if (decoded) {
        line.text = std::move(*decoded);
    } else {
        line.text = "?";
        record_.problems.push_back("undecodable text: " + decoded.error().describe());
    }
    line_bytes_.clear();
    if (printing_blocked_locked()) return;
    record_.lines.push_back(std::move(line));
}

void PrinterSimulator::on_bytes(std::span<const uint8_t> bytes) {
    record_.bytes_received += bytes.size();
    if (printing_blocked_locked()) {
        // A stopped printer still answers real-time status; everything else is lost.
        pending_.clear();
        line_bytes_.clear();
        for (size_t i = 0; i < bytes.size();) {
            if (i + 2 < bytes.size() && bytes[i] == 0x10 && bytes[i + 1] == 0x04) {
                pending_.assign(bytes.begin() + static_cast<std::ptrdiff_t>(i), bytes.begin() + static_cast<std::ptrdiff_t>(i + 3));
                parse_one_locked(0);
                pending_.clear();
                i += 3;
            } else {
                ++record_.bytes_dropped;
                ++i;
            }
        }
        return;
    }
    pending_.insert(pending_.end(), bytes.begin(), bytes.end());
    size_t at = 0;
    while (at < pending_.size()) {
        size_t used = parse_one_locked(at);
        if (used == 0) break;
        at += used;
    }
    pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(at));
}

size_t PrinterSimulator::parse_one_locked(size_t at) {
    const size_t left = pending_.size() - at;
    auto b = [&](size_t i) { return pending_[at + i]; };
    uint8_t c = b(0);
    auto problem = [&](const char* what) {
        record_.problems.push_back(std::string(what) + ": " + hex_bytes(&pending_[at], std::min<size_t>(left, 4)));
    };
    switch (c) {
        case 0x0A: flush_line_locked(); return 1;
        case 0x0D: return 1;
        case 0x10:  // DLE
            if (left < 3) return 0;
            if (b(1) == 0x04) {
                ++record_.status_queries;
                int n = b(2);
                switch (fault_) {
                    case SimFault::Silence:
                    case SimFault::HalfFrames: break;
                    case SimFault::Garbage:
                    case SimFault::GarbageOnly: {
                        uint8_t junk = random_bytes_locked(1)[0] | 0x81;  // never has the fixed bits
                        send_locked(std::span(&junk, 1));
                        break;
                    }
                    default: {
                        uint8_t reply = status_byte_locked(n);
                        send_locked(std::span(&reply, 1));
                    }
                }
            }
            return 3;
        case 0x1B:  // ESC
            if (left < 2) return 0;
            switch (b(1)) {
                case 0x40:
                    flush_line_locked();
                    style_ = {};
                    chinese_ = false;
                    return 2;
                case 0x32: return 2;
                case 0x61:
                    if (left < 3) return 0;
                    flush_line_locked();
                    style_.align = b(2) % 48 > 2 ? 0 : b(2) % 48;
                    return 3;
                case 0x45:
                    if (left < 3) return 0;
                    style_.bold = b(2) & 1;
                    return 3;
                case 0x64:
                    if (left < 3) return 0;
                    flush_line_locked();
                    return 3;
                case 0x21: case 0x33: case 0x4A: case 0x4D: case 0x2D: case 0x47: case 0x74: case 0x52: case 0x7B: case 0x20:
                    return left < 3 ? 0 : 3;
                default: problem("unknown ESC command"); return 2;
            }
        case 0x1C:  // FS
            if (left < 2) return 0;
            switch (b(1)) {
                case 0x26: chinese_ = true; return 2;
                case 0x2E: chinese_ = false; return 2;
                case 0x21:
                    if (left < 3) return 0;
                    style_.width_scale = (b(2) & 0x04) ? 2 : 1;
                    style_.height_scale = (b(2) & 0x08) ? 2 : 1;
                    return 3;
                case 0x43: return left < 3 ? 0 : 3;
                default: problem("unknown FS command"); return 2;
            }
        case 0x1D:  // GS
            if (left < 2) return 0;
            switch (b(1)) {
                case 0x21:
                    if (left < 3) return 0;
                    style_.width_scale = (b(2) >> 4) + 1;
                    style_.height_scale = (b(2) & 0x0F) + 1;
                    return 3;
                case 0x56: {
                    if (left < 3) return 0;
                    size_t len = (b(2) == 65 || b(2) == 66) ? 4 : 3;
                    if (left < len) return 0;
                    flush_line_locked();
                    ++record_.cuts;
                    if (fault_after_cut_) {
                        fault_ = *fault_after_cut_;
                        fault_after_cut_.reset();
                    }
                    return len;
                }
                case 0x76: {  // GS v 0 m xL xH yL yH data
                    if (left < 8) return 0;
                    size_t width_bytes = b(4) | (b(5) << 8), rows = b(6) | (b(7) << 8);
                    size_t total = 8 + width_bytes * rows;
                    if (left < total) return 0;
                    flush_line_locked();
                    if (b(2) != 0x30) problem("GS v without '0'");
                    if (rows > 960) problem("raster band taller than 960 rows");
                    SimRaster raster;
                    raster.width_bytes = int(width_bytes);
                    raster.height = int(rows);
                    raster.bits.assign(pending_.begin() + static_cast<std::ptrdiff_t>(at + 8),
                                       pending_.begin() + static_cast<std::ptrdiff_t>(at + total));
                    record_.rasters.push_back(std::move(raster));
                    return total;
                }
                case 0x28: {  // GS ( k pL pH cn fn ...
                    if (left < 5) return 0;
                    size_t len = b(3) | (b(4) << 8);
                    if (left < 5 + len) return 0;
                    if (b(2) == 0x6B && len >= 2 && b(5) == 0x31) {
                        uint8_t fn = b(6);
                        if (fn == 0x50 && len >= 3)
                            qr_store_.assign(pending_.begin() + static_cast<std::ptrdiff_t>(at + 8),
                                             pending_.begin() + static_cast<std::ptrdiff_t>(at + 5 + len));
                        if (fn == 0x51) {
                            flush_line_locked();
                            record_.qr_codes.emplace_back(qr_store_.begin(), qr_store_.end());
                        }
                    }
                    return 5 + len;
                }
                case 0x42: case 0x48: case 0x66: case 0x68: case 0x77: return left < 3 ? 0 : 3;
                case 0x4C: case 0x57: return left < 4 ? 0 : 4;
                default: problem("unknown GS command"); return 2;
            }
        default:
            if (c == 0x09) line_bytes_ += ' ';
            else if (c >= 0x20) line_bytes_ += static_cast<char>(c);
            return 1;
    }
}

}  // namespace station::drivers::sim
