// Serial devices that only talk: the CDC QR scanner and the help button.
#include "sim/simulator.h"

namespace station::drivers::sim {

QrScannerSimulator::QrScannerSimulator(std::string link_path) : SimulatorBase(SimEndpoint::Pty, std::move(link_path)) {}
QrScannerSimulator::~QrScannerSimulator() { stop(); }

Result<std::unique_ptr<QrScannerSimulator>> QrScannerSimulator::create(std::string link_path) {
    std::unique_ptr<QrScannerSimulator> sim(new QrScannerSimulator(std::move(link_path)));
    if (auto ok = sim->start(); !ok) return ok.error();
    return sim;
}

void QrScannerSimulator::emit_scan(std::string_view payload, std::string_view terminator) {
    std::lock_guard lock(mutex_);
    switch (fault_) {
        case SimFault::Silence: return;
        case SimFault::GarbageOnly: send_locked(random_bytes_locked(payload.size() + 1)); return;
        case SimFault::Garbage: {
            auto noise = random_bytes_locked(8);
            for (auto& b : noise) b |= 0x80;  // never a line end: garbage glued to the scan
            send_locked(noise);
            break;
        }
        case SimFault::HalfFrames: send_locked(payload.substr(0, payload.size() / 2)); return;
        default: break;
    }
    send_locked(payload);
    send_locked(terminator);
}

void QrScannerSimulator::emit_raw(std::string_view bytes) {
    std::lock_guard lock(mutex_);
    send_locked(bytes);
}

HelpButtonSimulator::HelpButtonSimulator(std::string token, std::string link_path)
    : SimulatorBase(SimEndpoint::Pty, std::move(link_path)), token_(std::move(token)) {}
HelpButtonSimulator::~HelpButtonSimulator() { stop(); }

Result<std::unique_ptr<HelpButtonSimulator>> HelpButtonSimulator::create(std::string token, std::string link_path) {
    std::unique_ptr<HelpButtonSimulator> sim(new HelpButtonSimulator(std::move(token), std::move(link_path)));
    if (auto ok = sim->start(); !ok) return ok.error();
    return sim;
}

void HelpButtonSimulator::press(int bounces) {
    std::lock_guard lock(mutex_);
    if (fault_ == SimFault::Silence) return;
    if (fault_ == SimFault::Garbage || fault_ == SimFault::GarbageOnly) send_locked(random_bytes_locked(6));
    if (fault_ == SimFault::GarbageOnly) return;
    for (int i = 0; i <= bounces; ++i) send_locked(token_ + "\r\n");
}

Result<DemoDevices> DemoDevices::start(const std::string& folder) {
    DemoDevices demo;
    auto idcard = IdCardSimulator::create(std::nullopt, folder + "/idcard");
    if (!idcard) return idcard.error();
    auto printer = PrinterSimulator::create(SimEndpoint::Pty, folder + "/printer");
    if (!printer) return printer.error();
    auto qr = QrScannerSimulator::create(folder + "/qr");
    if (!qr) return qr.error();
    auto button = HelpButtonSimulator::create("HELP", folder + "/button");
    if (!button) return button.error();
    demo.idcard = std::move(*idcard);
    demo.printer = std::move(*printer);
    demo.qr = std::move(*qr);
    demo.button = std::move(*button);
    return demo;
}

}  // namespace station::drivers::sim
